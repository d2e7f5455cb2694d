#!/usr/bin/python3
"""One upgrade through a program that embeds dfota (tests/embed/main.c, built by a
project of tests/embed/), against the module simulator and the loopback HTTP server of
the end-to-end tests. Every wait has a deadline.

  run.py --build DIR --program PATH    DIR: the host build holding tests/sim/dfota-sim
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import e2e  # noqa: E402  (the simulator, the loopback servers, fail())

RUN_DEADLINE_S = 60


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--program", required=True)
    args = ap.parse_args()
    with e2e.module_and_servers(args.build, e2e.QUICK) as (servers, sim):
        try:
            proc = subprocess.run([args.program, sim.link, servers.target("http")],
                                  capture_output=True, text=True, errors="replace",
                                  timeout=RUN_DEADLINE_S)
        except subprocess.TimeoutExpired:
            e2e.fail("the upgrade did not finish within %d s\n%s" % (RUN_DEADLINE_S,
                                                                   sim.dialogue()))
        out = proc.stdout.strip()
        if proc.returncode != 0 or not out.startswith("result success 0: upgraded "):
            e2e.fail("exit %d: %s\n--- stderr\n%s\n--- simulator\n%s" % (
                proc.returncode, out, proc.stderr, sim.dialogue()))
        print("%s: %s" % (os.path.basename(os.path.dirname(args.program)), out))


if __name__ == "__main__":
    main()
