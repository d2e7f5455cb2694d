#!/usr/bin/python3
"""The dfota tool as a careful field engineer uses it: closed standard descriptors, a
reader that goes away, a dropped ssh session, odd command lines, options that must reach
the session. Against the module simulator and a loopback HTTP server; every wait is on an
event with a deadline.

  cli_field.py --build DIR --list
  cli_field.py --build DIR --case NAME
"""
import json
import os
import pty
import signal
import subprocess
import sys
import tempfile
import time

from e2e import (FTP_PASSWORD, QUICK, RUN_DEADLINE_S, run_named_cases, fail, json_lines_until,
                 module_and_servers, tool_command)

HTTP_TARGET = "http://127.0.0.1:1/update.zip"  # never fetched: refused or no port first


def run_tool(build, *args):
    return subprocess.run(tool_command(build, *args), capture_output=True, text=True,
                          errors="replace", stdin=subprocess.DEVNULL, timeout=RUN_DEADLINE_S)


def closed_std_fds(build):
    """`dfota ... <&- >&- 2>&-`: the tool must not take its own output for a signal."""
    def close_std():
        for fd in (0, 1, 2):
            os.close(fd)

    with module_and_servers(build, QUICK) as (servers, sim):
        cmd = tool_command(build, "upgrade", "--port", sim.link, servers.target("http"))
        report = os.path.join(os.path.dirname(sim.link), "valgrind.log")
        if os.path.basename(cmd[0]) == "valgrind":
            # valgrind reports on descriptor 2 and keeps it for itself, which this case
            # closes: its report goes to a file instead
            cmd.insert(1, "--log-file=" + report)
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=close_std)
        status = proc.wait(timeout=RUN_DEADLINE_S)
        if status != 0:
            shown = open(report).read() if os.path.exists(report) else ""
            fail("with 0, 1 and 2 closed: exit %d (expected 0, upgraded)\n%s%s" %
                 (status, shown, sim.dialogue()))
    print("upgraded with the standard descriptors closed")


def reader_goes_away(build):
    """`dfota upgrade --json ... | head -n 3`: the upgrade is followed to its end and the
    exit status is the upgrade's, the result said on stderr."""
    with module_and_servers(build, QUICK) as (servers, sim):
        proc = subprocess.Popen(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                             servers.target("http")),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        json_lines_until(proc, "download_start", time.monotonic() + 30)
        proc.stdout.close()  # as head does after its lines
        status = proc.wait(timeout=RUN_DEADLINE_S)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        if status != 0 or "cannot write to stdout" not in err or "success" not in err:
            fail("stdout closed mid-upgrade: exit %d\n%s\n%s" % (status, err, sim.dialogue()))
        if '"END",0' not in sim.dialogue():
            fail("the module was not followed to its end:\n" + sim.dialogue())
    print("reader gone: exit 0; stderr said:\n" + err.strip())


def hangup(build):
    """SIGHUP (an ssh session dropping) ends the tool like SIGTERM: done line, exit 130."""
    slow = ["--reboot-ms", "150", "--progress-ms", "100", "--progress-step", "5"]
    with module_and_servers(build, slow) as (servers, sim):
        proc = subprocess.Popen(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                             servers.target("http")),
                                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        json_lines_until(proc, "progress", time.monotonic() + 30)
        proc.send_signal(signal.SIGHUP)
        rest = proc.stdout.read().decode().splitlines()
        status = proc.wait(timeout=10)
        if status != 130 or not rest or json.loads(rest[-1]).get("result") != "interrupted":
            fail("SIGHUP: exit %d, last line %r" % (status, rest[-1] if rest else None))
    print("SIGHUP: exit 130, " + rest[-1])


def no_secret(proc, *extra):
    """The output holds no piece of the password (split where a blank was put in it)."""
    out = proc.stdout + proc.stderr
    for piece in FTP_PASSWORD.split("-") + list(extra):
        if piece in out:
            fail("a piece of the password (%r) was printed:\n%s" % (piece, out))


def expect(proc, status, *texts):
    out = proc.stdout + proc.stderr
    if proc.returncode != status or any(t not in out for t in texts):
        fail("exit %d (expected %d), wanted %r in:\n%s" % (proc.returncode, status, texts, out))


def command_lines(build):
    """Words typed in the wrong place never print a password; numbers are decimal; the
    target rules; why a port could not be opened."""
    secret = "ftp://dfota@corp:%s@127.0.0.1/f.zip" % FTP_PASSWORD
    spaced = "ftp://u:%s@h/a" % FTP_PASSWORD.replace("-", " ")
    # arguments out of order: the target is read as the command
    p = run_tool(build, "--json", secret, "upgrade", "--port", "/nonexistent/tty")
    expect(p, 2, "ftp://dfota@corp:***@127.0.0.1/f.zip")
    if json.loads(p.stdout.splitlines()[-1])["result"] != "invalid_target":
        fail("no JSON done line:\n" + p.stdout)
    no_secret(p)
    # a password with a blank, landing in an option's value
    p = run_tool(build, "upgrade", "--port", "/x", "--first-urc-timeout", spaced, HTTP_TARGET)
    expect(p, 2, "--first-urc-timeout wants a decimal number")
    no_secret(p)
    # a target given as --ufs-prefix, quoted by the rule a local path breaks
    p = run_tool(build, "upgrade", "--port", "/x", "--ufs-prefix", secret, "/usrdata/a.zip")
    expect(p, 2, "local path must start with")
    no_secret(p)
    # a target given as --usb: the open failure names the port and says why
    p = run_tool(build, "--json", "info", "--usb", secret)
    expect(p, 2, "cannot open the port", "USB identity")
    no_secret(p)
    # numbers are decimal digits, with a fraction for seconds
    for option, value in (("--first-urc-timeout", "0x10"), ("--port-timeout", "1e3"),
                          ("--stall-timeout", "inf"), ("--command-timeout", "nan"),
                          ("--command-timeout", "-1"), ("--first-urc-timeout", " 5"),
                          ("--baud", "0x1c200"), ("--baud", "+115200"), ("--baud", " 9600")):
        p = run_tool(build, "upgrade", "--port", "/x", option, value, HTTP_TARGET)
        expect(p, 2, option + " wants a decimal number")
    for option, value in (("--first-urc-timeout", "1.5"), ("--command-timeout", ".25"),
                          ("--stall-timeout", "600"), ("--port-timeout", "2.")):
        p = run_tool(build, "upgrade", "--port", "/nonexistent/tty", option, value, HTTP_TARGET)
        expect(p, 3, "the port is not there")  # accepted: it got as far as the port
    # the target rules: a trailing space, and a bracketed host with something after it
    p = run_tool(build, "upgrade", "--port", "/x", HTTP_TARGET + " ")
    expect(p, 2, "target ends with a space")
    p = run_tool(build, "upgrade", "--port", "/x", "http://[::1]x:80/a.zip")
    expect(p, 2, "IPv6 address in brackets must be followed by ':port' or '/'")
    # a path that is no serial port: the open failure says why, not only "port error"
    with tempfile.NamedTemporaryFile(prefix="dfota-not-a-tty-") as f:
        p = run_tool(build, "info", "--port", f.name)
        expect(p, 3, "cannot open the port %s: cannot open %s: " % (f.name, f.name))
    # the new options are documented
    p = run_tool(build, "--help")
    expect(p, 0, "--command-timeout SEC", "--stall-timeout SEC", "SIGHUP")
    print("command lines: refused as usage, no password printed, reasons given")


def command_timeout(build):
    """--command-timeout reaches the session: a port where nothing answers fails within
    a fraction of the 5 s default (AT is tried a few times)."""
    master, slave = pty.openpty()
    try:
        started = time.monotonic()
        p = run_tool(build, "--json", "info", "--port", os.ttyname(slave),
                     "--command-timeout", "0.2")
        took = time.monotonic() - started
    finally:
        os.close(slave)
        os.close(master)
    done = json.loads(p.stdout.splitlines()[-1])
    if p.returncode != 4 or done["result"] != "timeout" or took >= 5:
        fail("--command-timeout 0.2: exit %d, %s after %.1f s" % (p.returncode, done, took))
    print("--command-timeout 0.2: timeout after %.1f s" % took)


def stall_timeout(build):
    """--stall-timeout reaches the session: progress every 3 s against a 0.5 s window."""
    slow = ["--reboot-ms", "150", "--progress-ms", "3000", "--progress-step", "10"]
    with module_and_servers(build, slow) as (servers, sim):
        p = run_tool(build, "--json", "upgrade", "--port", sim.link, "--stall-timeout", "0.5",
                     servers.target("http"))
    events = [json.loads(l) for l in p.stdout.splitlines()]
    if p.returncode != 4 or events[-1]["result"] != "timeout" or \
            "update_start" not in [e["event"] for e in events]:
        fail("--stall-timeout 0.5: exit %d\n%s" % (p.returncode, p.stdout))
    print("--stall-timeout 0.5: " + events[-1]["message"])


def nothing_sent(build):
    """Bad usage is refused with exit 2 before a byte reaches the module (the simulator
    hears nothing): a host path as the target, an upload's name the target rules break,
    an unknown option in a cluster. --target-file takes the target from standard input."""
    with module_and_servers(build, QUICK) as (servers, sim):
        package = os.path.join(servers.root, "update.zip")
        p = run_tool(build, "upgrade", "--port", sim.link, "/etc/update.zip")
        expect(p, 2, "local path must start with", "--upload /etc/update.zip")
        p = run_tool(build, "upgrade", "--port", sim.link, "--upload", package, "--as", "ab ")
        expect(p, 2, 'file name "ab ": ends with a space')
        p = run_tool(build, "info", "-zq", "--port", sim.link)
        expect(p, 2, "'-z' is not an option of dfota")
        if " rx " in sim.dialogue():
            fail("the module heard something:\n" + sim.dialogue())
        target = servers.target("http")
        p = subprocess.run(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                        "--target-file", "-"),
                           input=target + "\n", capture_output=True, text=True,
                           errors="replace", timeout=RUN_DEADLINE_S)
        expect(p, 0, '"result":"success"')
        if 'rx AT+QFOTADL="%s"' % target not in sim.dialogue():
            fail("--target-file -: the module did not get the target:\n" + sim.dialogue())
    print("refused before anything was sent; --target-file - upgraded")


CASES = {
    "nothing-sent": nothing_sent,
    "closed-std-fds": closed_std_fds,
    "reader-goes-away": reader_goes_away,
    "sighup": hangup,
    "command-lines": command_lines,
    "command-timeout": command_timeout,
    "stall-timeout": stall_timeout,
}


def main():
    run_named_cases(CASES, lambda build, name: CASES[name](build))


if __name__ == "__main__":
    sys.exit(main())
