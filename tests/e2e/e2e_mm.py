#!/usr/bin/python3
"""End-to-end cases of `dfota --modemmanager`: a private dbus-daemon stands for the system
bus (DBUS_SYSTEM_BUS_ADDRESS), a ModemManager stand-in (mm_mock.py, a python3-dbusmock
template) serves on it a modem whose port is the simulator's, and the dfota tool upgrades
the simulated module. Every wait is on an event with a deadline.

  e2e_mm.py --build DIR --list          the case names
  e2e_mm.py --build DIR --case NAME
"""
import json
import os
import select
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

from e2e import QUICK, RUN_DEADLINE_S, run_named_cases, fail, json_lines_until, module_and_servers, read_line, \
    tool_command

MOCK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mm_mock.py")
AT_PORT, NET_PORT = 3, 2  # MMModemPortType
UID = "/sys/devices/platform/dfota-e2e/usb1/1-1"
EVENT_DEADLINE_S = 30
SLOW = ["--reboot-ms", "150", "--progress-ms", "100", "--progress-step", "5"]
WARNING = "no data connection"


def received(sim):
    """How many commands the simulator has received."""
    return sum(1 for line in sim.dialogue().splitlines() if "] rx " in line)


class Bus:
    """A private dbus-daemon; its address stands for the system bus."""

    def __init__(self, workdir):
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1",
             "--address=unix:path=" + os.path.join(workdir, "system_bus")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        self.address = read_line(self.proc.stdout, time.monotonic() + 10).strip()
        if not self.address.startswith("unix:"):
            self.stop()
            fail("dbus-daemon gave no address (%r)" % self.address)

    def stop(self):
        stop_process(self.proc)


class ModemManager:
    """The stand-in; its stdout tells each inhibition and release (see mm_mock.py)."""

    def __init__(self, bus, workdir, sim, modems, refuse="", hold=False):
        self.log = os.path.join(workdir, "mm.log")
        params = {"modems": modems, "simlog": sim.log, "refuse": refuse, "hold": hold}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dbusmock", "--template", MOCK, "-l", self.log,
             "-p", json.dumps(params)],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address))
        if self.event() != ["ready"]:
            self.stop()
            fail("the ModemManager stand-in did not get ready")

    def event(self):
        """The next line it tells, as words; fails at the deadline."""
        line = read_line(self.proc.stdout, time.monotonic() + EVENT_DEADLINE_S)
        if not line:
            fail("the ModemManager stand-in told nothing within %d s" % EVENT_DEADLINE_S)
        return line.split()

    def pending(self):
        """Whether it has told something not yet read (looked at now, no waiting)."""
        return bool(select.select([self.proc.stdout], [], [], 0)[0])

    def calls(self):
        """The names of the methods called on it so far (its dbusmock log)."""
        try:
            with open(self.log) as f:
                return [line.split()[1] for line in f if len(line.split()) > 1]
        except OSError:
            return []

    def stop(self):
        stop_process(self.proc)


def stop_process(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def our_port(sim):
    """The simulator's pty as ModemManager names a port: the node under /dev."""
    return os.path.relpath(os.path.realpath(sim.link), "/dev")


class World:
    """The simulator and servers, the bus (or none), the stand-in (or none)."""

    def __init__(self, servers, sim, workdir):
        self.servers, self.sim, self.workdir = servers, sim, workdir
        self.bus = self.mm = None
        self.address = "unix:path=" + os.path.join(workdir, "no_bus_here")

    def env(self):
        return dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)

    def start(self, *args, **kwargs):
        return subprocess.Popen(tool_command(*args), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=self.env(), **kwargs)

    def run(self, *args):
        try:
            return subprocess.run(tool_command(*args), capture_output=True, text=True,
                                  errors="replace", timeout=RUN_DEADLINE_S, env=self.env())
        except subprocess.TimeoutExpired:
            fail("dfota did not finish within %d s" % RUN_DEADLINE_S)


@contextmanager
def world(build, sim_opts=QUICK, bus=True, modems=None, refuse="", hold=False):
    with module_and_servers(build, sim_opts) as (servers, sim):
        w = World(servers, sim, os.path.dirname(sim.link))
        try:
            if bus:
                w.bus = Bus(w.workdir)
                w.address = w.bus.address
            if modems is not None:
                w.mm = ModemManager(w.bus, w.workdir, sim,
                                    modems(sim) if callable(modems) else modems, refuse, hold)
            yield w
        finally:
            if w.mm:
                w.mm.stop()
            if w.bus:
                w.bus.stop()


def our_modem(sim):
    return [{"device": UID, "ports": [["wwan0", NET_PORT], [our_port(sim), AT_PORT]]}]


def done_of(stdout):
    lines = [l for l in stdout.splitlines() if l.strip()]
    if not lines:
        fail("no output")
    return json.loads(lines[-1])


def expect_exit(proc, status, result, stdout, stderr):
    done = done_of(stdout)
    if proc.returncode != status or done["result"] != result:
        fail("exit %d, %s (expected %d, %s)\n%s\n--- stderr\n%s" % (
            proc.returncode, done["result"], status, result, stdout, stderr))
    return done


def expect_inhibited_first(w, uid=UID):
    """The inhibition came before the first command reached the module."""
    ev = w.mm.event()
    if ev[:2] != ["inhibit", uid] or ev[3] != "rx=0":
        fail("expected the inhibition before any command, got %s" % ev)
    return ev[2]


def expect_released_last(w, how):
    """Released once dfota was done with the module: every command had reached it."""
    ev = w.mm.event()
    total = received(w.sim)
    if ev[:3] != ["release", UID, how] or ev[3] != "rx=%d" % total or total == 0:
        fail("expected the release (%s) after all %d commands, got %s" % (how, total, ev))
    return ev


def expect_warned_once(stderr):
    if stderr.count(WARNING) != 1:
        fail("the data-connection warning appears %d times:\n%s" % (stderr.count(WARNING),
                                                                  stderr))


# ---- the cases --------------------------------------------------------------------------

def upgrade_case(build, sim_opts, status, result):
    """Inhibited before the first command, held while the module updates, released after
    the last; the user told once."""
    with world(build, sim_opts, modems=our_modem) as w:
        proc = w.start(build, "upgrade", "--json", "--port", w.sim.link,
                       w.servers.target("http"))
        expect_inhibited_first(w)
        json_lines_until(proc, "update_start", time.monotonic() + RUN_DEADLINE_S)
        if w.mm.pending():
            fail("ModemManager was told something in the middle of the update: %s" %
                 w.mm.event())
        stdout, stderr = proc.communicate(timeout=RUN_DEADLINE_S)
        expect_released_last(w, "explicit")
        expect_exit(proc, status, result, "(earlier lines read)\n" + stdout.decode(),
                    stderr.decode())
        expect_warned_once(stderr.decode())
    print("inhibited before the first command, released after the last: %s" % result)


def case_upgrade(build):
    upgrade_case(build, QUICK, 0, "success")


def case_update_fails(build):
    upgrade_case(build, QUICK + ["--ends", "505"], 1, "update_failed")


def signal_case(build, signo, how):
    with world(build, SLOW, modems=our_modem) as w:
        proc = w.start(build, "upgrade", "--json", "--port", w.sim.link,
                       w.servers.target("http"))
        expect_inhibited_first(w)
        json_lines_until(proc, "progress", time.monotonic() + RUN_DEADLINE_S)
        if w.mm.pending():
            fail("released before the signal: %s" % w.mm.event())
        proc.send_signal(signo)
        status = proc.wait(timeout=RUN_DEADLINE_S)
        expect_released_last(w, how)
        if status != (130 if signo != signal.SIGKILL else -signal.SIGKILL):
            fail("exit %d after signal %d" % (status, signo))
    print("signal %d: exit %d, released (%s)" % (signo, status, how))


def case_sigint(build):
    signal_case(build, signal.SIGINT, "explicit")


def case_sigterm(build):
    signal_case(build, signal.SIGTERM, "explicit")


def case_killed(build):
    """A crash: nothing of dfota runs any more; the bus ends the inhibition."""
    signal_case(build, signal.SIGKILL, "disconnect")


def plain_upgrade(build, w, *options):
    """An upgrade that must succeed without a word of an inhibition."""
    proc = w.run(build, "upgrade", "--json", "-v", "--port", w.sim.link,
                 w.servers.target("http"), *options)
    expect_exit(proc, 0, "success", proc.stdout, proc.stderr)
    if WARNING in proc.stderr:
        fail("warned of an inhibition that did not happen:\n" + proc.stderr)
    return proc


def case_auto_no_bus(build):
    with world(build, bus=False) as w:
        proc = plain_upgrade(build, w)
        if "no D-Bus system bus" not in proc.stderr:
            fail("the tool did not look for the bus:\n" + proc.stderr)
    print("no system bus: upgraded, ModemManager not asked")


def case_auto_not_running(build):
    with world(build) as w:
        proc = plain_upgrade(build, w)
        if "ModemManager is not running" not in proc.stderr:
            fail("the tool did not find ModemManager absent:\n" + proc.stderr)
    print("ModemManager not on the bus: upgraded without it")


def case_auto_other_modem(build):
    other = [{"device": UID, "ports": [["ttyUSB9", AT_PORT], ["wwan1", NET_PORT]]}]
    with world(build, modems=other) as w:
        plain_upgrade(build, w)
        calls = w.mm.calls()
        if "GetManagedObjects" not in calls or "InhibitDevice" in calls or w.mm.pending():
            fail("a modem without our port: calls %s" % calls)
    print("ModemManager manages another modem: listed, nothing inhibited")


def case_ignore(build):
    with world(build, modems=our_modem) as w:
        plain_upgrade(build, w, "--modemmanager", "ignore")
        if w.mm.calls() or w.mm.pending():
            fail("--modemmanager ignore still called %s" % w.mm.calls())
    print("--modemmanager ignore: no call at all")


def refused_case(build, modems, refuse, options, words, calls=None):
    """Exit 3 (port_error) with a reason, before anything reached the module."""
    with world(build, modems=modems, refuse=refuse) as w:
        proc = w.run(build, "upgrade", "--json", "--port", w.sim.link,
                     w.servers.target("http"), *options)
        done = expect_exit(proc, 3, "port_error", proc.stdout, proc.stderr)
        if words not in done["message"] or received(w.sim) != 0:
            fail("message %r, %d commands sent" % (done["message"], received(w.sim)))
        if calls is not None and w.mm.calls() != calls:
            fail("expected the calls %s, saw %s" % (calls, w.mm.calls()))
        print("refused before any command: %s" % done["message"])


def case_inhibit_not_running(build):
    refused_case(build, None, "", ["--modemmanager", "inhibit"],
                 "--modemmanager inhibit: ModemManager is not running")


def case_inhibit_not_managed(build):
    other = [{"device": UID, "ports": [["ttyUSB9", AT_PORT]]}]
    refused_case(build, other, "", ["--modemmanager", "inhibit"],
                 "none with the port")


def case_auto_refused(build):
    refused_case(build, our_modem, "org.freedesktop.DBus.Error.AccessDenied", [],
                 "did not release it", ["GetManagedObjects", "InhibitDevice"])


def fake_usb_device(workdir, vid, pid, serial):
    """A directory shaped like a USB device's sysfs node."""
    path = os.path.join(workdir, "sys", "usb1", "1-3")
    os.makedirs(path)
    for name, value in (("idVendor", vid), ("idProduct", pid), ("serial", serial)):
        with open(os.path.join(path, name), "w") as f:
            f.write(value + "\n")
    return path


def case_usb_identity(build):
    """--usb: the modem whose Device has our USB identity, whatever its ports are named.
    No USB device is there, so the open fails after the inhibition, which then ends. (An
    upgrade, whose target is never fetched: info would read ModemManager instead.)"""
    def modems(sim):
        device = fake_usb_device(os.path.dirname(sim.link), "2c7c", "030b", "0123abcd")
        return [{"device": device, "ports": [["ttyUSB7", AT_PORT]]}]

    with world(build, modems=modems) as w:
        uid = os.path.join(w.workdir, "sys", "usb1", "1-3")
        for usb, inhibits in (("1234:5678", False), ("2c7c:030b:other", False),
                              ("2C7C:30B:0123abcd", True), ("2c7c:030b", True)):
            proc = w.run(build, "upgrade", "--json", "--usb", usb, "--port-timeout", "1",
                         "http://127.0.0.1:1/never-fetched.zip")
            expect_exit(proc, 3, "port_error", proc.stdout, proc.stderr)
            if not inhibits:
                if w.mm.pending() or proc.stderr.count(WARNING):
                    fail("--usb %s: inhibited a modem of another identity" % usb)
                continue
            expect_inhibited_first(w, uid)
            ev = w.mm.event()
            if ev[:3] != ["release", uid, "explicit"]:
                fail("--usb %s: not released: %s" % (usb, ev))
            expect_warned_once(proc.stderr)
    print("--usb matched the modem by its Device's idVendor, idProduct and serial")


def case_sigint_during_inhibit(build):
    """SIGINT while ModemManager takes its time over InhibitDevice (it disables the modem
    first): the call is abandoned, dfota ends at once with exit 130, and not a byte has
    gone to the module; the bus ends the inhibition with dfota's connection."""
    with world(build, modems=our_modem, hold=True) as w:
        proc = w.start(build, "upgrade", "--json", "--port", w.sim.link,
                       w.servers.target("http"))
        expect_inhibited_first(w)
        ev = w.mm.event()
        if ev[:2] != ["holding", UID] or ev[2] != "rx=0":
            fail("expected InhibitDevice to be held unanswered, got %s" % ev)
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            stdout, stderr = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("dfota did not end within 10 s of SIGINT during InhibitDevice")
        took = time.monotonic() - sent_at
        done = expect_exit(proc, 130, "interrupted", stdout.decode(), stderr.decode())
        if "before anything was sent" not in done["message"]:
            fail("the message does not say nothing was sent: %s" % done)
        ev = w.mm.event()
        if ev[:3] != ["release", UID, "disconnect"]:
            fail("the inhibition did not end with dfota's connection: %s" % ev)
        if received(w.sim) != 0:
            fail("the module received %d commands:\n%s" % (received(w.sim), w.sim.dialogue()))
    print("SIGINT during InhibitDevice: exit 130 after %.2f s, nothing sent" % took)


def case_info_reads_modemmanager(build):
    """dfota info, where ModemManager manages the modem: what ModemManager read of it,
    over D-Bus; no inhibition (the host keeps its data connection) and not a byte to the
    module. --modemmanager inhibit asks the module itself."""
    def modems(sim):
        return [{"device": UID, "ports": [[our_port(sim), AT_PORT]], "model": "EM060K-GL",
                 "revision": "EM060KGLAAR01A07M4G"}]

    with world(build, modems=modems) as w:
        proc = w.run(build, "info", "--json", "--port", w.sim.link)
        done = expect_exit(proc, 0, "success", proc.stdout, proc.stderr)
        events = {json.loads(l)["event"]: json.loads(l) for l in proc.stdout.splitlines()}
        if events.get("model", {}).get("model") != "EM060K-GL" or \
                events.get("version", {}).get("firmware") != "EM060KGLAAR01A07M4G" or \
                events.get("family", {}).get("family") != "em060k":
            fail("info from ModemManager: %s" % proc.stdout)
        if "ModemManager" not in done["message"]:
            fail("the message does not say where the answer came from: %s" % done)
        if "InhibitDevice" in w.mm.calls() or w.mm.pending() or received(w.sim) != 0:
            fail("info disturbed the modem: calls %s, %d commands" % (w.mm.calls(),
                                                                     received(w.sim)))
        asked = w.run(build, "info", "--json", "--port", w.sim.link, "--modemmanager", "inhibit")
        expect_exit(asked, 0, "success", asked.stdout, asked.stderr)
        expect_inhibited_first(w)
        if received(w.sim) == 0:
            fail("--modemmanager inhibit: the module was not asked")
    print("info: ModemManager's model and revision, nothing inhibited, nothing sent")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    run_named_cases(CASES, lambda build, name: CASES[name](build))


if __name__ == "__main__":
    main()
