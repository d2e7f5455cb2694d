#!/usr/bin/python3
"""The Mender inventory script beside ModemManager (the stand-in of the end-to-end tests
on a private bus): what ModemManager knows is reported, the modem is never inhibited and
the module never asked, even when the Update Module's config asks upgrades to inhibit.

  fleet_inventory.py --build DIR --list
  fleet_inventory.py --build DIR --case NAME
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from e2e import RUN_DEADLINE_S, fail, run_named_cases  # noqa: E402
from e2e_mm import AT_PORT, UID, our_port, received, world  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INVENTORY = os.path.join(HERE, "..", "..", "examples", "fleet", "mender",
                         "mender-inventory-modem")


def inventory(build, w, options):
    conf = os.path.join(w.workdir, "dfota-mender.conf")
    with open(conf, "w") as f:
        f.write("port=%s\noptions=%s\n" % (w.sim.link, options))
    env = dict(w.env(), DFOTA_MENDER_CONF=conf,
               PATH=os.path.join(build, "examples") + ":" + os.environ["PATH"])
    got = subprocess.run([INVENTORY], capture_output=True, text=True, env=env,
                         stdin=subprocess.DEVNULL, timeout=RUN_DEADLINE_S)
    if got.returncode != 0:
        fail("the inventory script exited %d: %s" % (got.returncode, got.stderr))
    return dict(l.split("=", 1) for l in got.stdout.split())


def case_beside_modemmanager(build):
    def modems(sim):
        return [{"device": UID, "ports": [[our_port(sim), AT_PORT]], "model": "EM060K-GL",
                 "revision": "EM060KGLAAR01A07M4G"}]

    with world(build, modems=modems) as w:
        for options in ("--port-timeout 5", "--modemmanager inhibit --baud 115200"):
            got = inventory(build, w, options)
            want = {"modem_model": "EM060K-GL", "modem_firmware": "EM060KGLAAR01A07M4G",
                    "modem_family": "em060k"}
            if got != want:
                fail("options=%s: inventory %r, expected %r" % (options, got, want))
        if "InhibitDevice" in w.mm.calls() or received(w.sim) != 0:
            fail("the inventory disturbed the modem: calls %s, %d commands to the module" %
                 (w.mm.calls(), received(w.sim)))
    print("inventory beside ModemManager: its model and revision; nothing inhibited or sent")


def case_without_modemmanager(build):
    with world(build, bus=False) as w:
        got = inventory(build, w, "--baud=115200")
        if got.get("modem_model") != "EM060K-GL" or \
                not got.get("modem_firmware", "").endswith("_01.001.01.001"):
            fail("inventory from the module: %r" % got)
        if received(w.sim) == 0:
            fail("the module was not asked")
    print("inventory without ModemManager: asked the module: %r" % got)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    run_named_cases(CASES, lambda build, name: CASES[name](build))


if __name__ == "__main__":
    main()
