#!/usr/bin/python3
"""The Mender Update Module quectel-dfota with the real Mender client (mender-client,
mender-artifact) against the module simulator and a loopback HTTP server.

Each case builds a signed artifact (an RSA key made here), then runs `mender install`
and `mender commit` in a private mount namespace (unshare --mount) where a scratch folder
is bind-mounted over /usr/share/mender/modules/v3 (the module, behind a wrapper that
records each state it is called with) and another over /etc/mender (mender.conf with the
verification key, artifact_info); Mender's data dir is a scratch folder too. Nothing of
the host's system is touched. Every wait is on an event with a deadline.

  fleet_mender.py --build DIR --list
  fleet_mender.py --build DIR --case NAME
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from e2e import (FTP_PASSWORD, FTP_USER, PACKAGE, QUICK, run_named_cases, fail,  # noqa: E402
                 module_and_servers)

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.join(HERE, "..", "..", "examples", "fleet", "mender", "quectel-dfota")
INVENTORY = os.path.join(HERE, "..", "..", "examples", "fleet", "mender",
                         "mender-inventory-modem")
MODULES_DIR = "/usr/share/mender/modules/v3"
FROM, TO, OTHER = "EM060KGLAAR01A07M4G", "EM060KGLAAR01A09M4G", "EM060KGLAAR01A05M4G"
DEVICE_TYPE = "dfota-gateway"
FACTORY = "factory-image"
NEW = "modem-%s-to-%s" % (FROM[-6:-3], TO[-6:-3])
MENDER_DEADLINE_S = 60
EXIT_NO_UPDATE = 2  # mender commit: no update in progress

INSTALLED = ["Download", "SupportsRollback", "ArtifactInstall", "NeedsArtifactReboot"]
COMMITTED = ["ArtifactCommit", "Cleanup"]
FAILED = ["Download", "SupportsRollback", "ArtifactInstall", "SupportsRollback",
          "ArtifactRollback", "ArtifactFailure", "Cleanup"]

# name: (simulator options, payload "url" or "file", signed)
CASES = {
    "success": ([], "url", True),
    "end_505": (["--ends", "505"], "url", True),
    "retry_502_then_success": (["--ends", "502,0"], "url", True),
    "port_never_back": (["--never-back"], "url", True),
    "already_on_to": (["--version-before", TO], "url", True),
    "on_neither": (["--version-before", OTHER], "url", True),
    "unsigned_refused": ([], "url", False),
    "file_in_artifact": (["--ufs-total", "1048576"], "file", True),
    # The module alone on a File API folder, as Mender calls it: every state twice.
    "states_repeated": ([], "direct", True),
    # Hostile or careless input: no host file reaches the module, no password the log or
    # a command line.
    "ftp_password_hidden": ([], "ftp", True),
    "url_is_an_option": ([], "option_url", True),
    "conf_options_not_allowed": ([], "url", True),
}
OPTIONS = "--port-timeout 1 --first-urc-timeout 2"
# The device's options= for a case, where not OPTIONS.
CONF_OPTIONS = {"conf_options_not_allowed": OPTIONS + " --upload /etc/passwd"}


def run(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=MENDER_DEADLINE_S, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (cmd[0], MENDER_DEADLINE_S))


class Device:
    """The scratch folders of one Mender device, and its mender commands run in a private
    mount namespace."""

    def __init__(self, work, sim_link, build, options=OPTIONS):
        self.work = work
        self.modules = os.path.join(work, "modules")
        self.etc = os.path.join(work, "etc-mender")
        self.data = os.path.join(work, "mender-data")
        self.states = os.path.join(work, "states")
        self.conf = os.path.join(work, "dfota-mender.conf")
        for d in (self.modules, self.etc, self.data):
            os.makedirs(d)
        wrapper = os.path.join(self.modules, "quectel-dfota")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\necho "$1" >> %s\nexec %s "$@"\n' % (
                self.states, os.path.abspath(MODULE)))
        os.chmod(wrapper, 0o755)
        self.key = os.path.join(work, "artifact-key.pem")
        self.pub = os.path.join(work, "artifact-key.pub.pem")
        run(["openssl", "genrsa", "-traditional", "-out", self.key, "2048"])
        run(["openssl", "rsa", "-in", self.key, "-pubout", "-out", self.pub])
        with open(os.path.join(self.etc, "mender.conf"), "w") as f:
            f.write('{"ArtifactVerifyKey": "%s"}\n' % self.pub)
        with open(os.path.join(self.etc, "artifact_info"), "w") as f:
            f.write("artifact_name=%s\n" % FACTORY)
        with open(os.path.join(self.data, "device_type"), "w") as f:
            f.write("device_type=%s\n" % DEVICE_TYPE)
        with open(self.conf, "w") as f:
            f.write("# the simulated module\nport=%s\noptions=%s\n" % (sim_link, options))
        # dfota behind a wrapper that keeps each command line it was given.
        self.argv_log = os.path.join(work, "dfota-argv")
        tools = os.path.join(work, "tools")
        os.makedirs(tools)
        with open(os.path.join(tools, "dfota"), "w") as f:
            f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> %s\nexec %s "$@"\n' % (
                self.argv_log, os.path.abspath(os.path.join(build, "examples", "dfota"))))
        os.chmod(os.path.join(tools, "dfota"), 0o755)
        self.env = dict(os.environ, DFOTA_MENDER_CONF=self.conf,
                        PATH=tools + ":" + os.environ["PATH"])

    def command_lines(self):
        try:
            with open(self.argv_log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def mender(self, *args):
        script = ('mount --bind "$1" %s && mount --bind "$2" /etc/mender && shift 2 && '
                  'exec mender --no-syslog --data "$@"' % MODULES_DIR)
        return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                    "sh", self.modules, self.etc, self.data] + list(args), env=self.env)

    def seen_states(self):
        try:
            with open(self.states) as f:
                return f.read().split()
        except FileNotFoundError:
            return []

    def artifact(self, meta, files, signed):
        meta_file = os.path.join(self.work, "meta-data.json")
        with open(meta_file, "w") as f:
            f.write(meta)
        out = os.path.join(self.work, "modem.mender")
        cmd = ["mender-artifact", "write", "module-image", "-T", "quectel-dfota", "-n", NEW,
               "-t", DEVICE_TYPE, "-m", meta_file, "-o", out,
               "--software-filesystem", "modem", "--software-version", TO]
        for name in files:
            cmd += ["-f", name]
        if signed:
            cmd += ["-k", self.key]
        made = run(cmd)
        if made.returncode != 0:
            fail("mender-artifact write: %s" % made.stderr)
        return out


def expect(what, got, want):
    if got != want:
        fail("%s: %r, expected %r" % (what, got, want))


def provides(device):
    shown = device.mender("show-provides")
    expect("mender show-provides exit", shown.returncode, 0)
    return dict(l.split("=", 1) for l in shown.stdout.split() if "=" in l)


def check_installed(device, install, commit):
    expect("mender install exit", install.returncode, 0)
    expect("mender commit exit", commit.returncode, 0)
    expect("states", device.seen_states(), INSTALLED + COMMITTED)
    expect("show-artifact", device.mender("show-artifact").stdout.strip(), NEW)
    p = provides(device)
    expect("provides: artifact_name", p.get("artifact_name"), NEW)
    expect("provides: modem.quectel-dfota.version", p.get("modem.quectel-dfota.version"), TO)


def check_failed(device, install, commit, recorded=FACTORY):
    """A failed install: no update left in progress, the new provides not recorded, and
    the artifact name as it was (FACTORY) or, after a rollback that failed, Mender's mark
    that the device's state is not known (NEW_INCONSISTENT)."""
    if install.returncode == 0:
        fail("mender install succeeded")
    expect("mender commit exit (no update in progress)", commit.returncode, EXIT_NO_UPDATE)
    expect("show-artifact", device.mender("show-artifact").stdout.strip(), recorded)
    p = provides(device)
    if recorded == FACTORY and "modem.quectel-dfota.version" in p:
        fail("the provides changed: %r" % p)
    expect("provides: artifact_name", p.get("artifact_name", FACTORY), recorded)


def inventory(device):
    got = run([INVENTORY], env=device.env)
    expect("inventory script exit", got.returncode, 0)
    return dict(l.split("=", 1) for l in got.stdout.split())


def run_case(build, name):
    sim_opts, payload, signed = CASES[name]
    with module_and_servers(build, QUICK + sim_opts) as (servers, sim):
        device = Device(servers.root, sim.link, build, CONF_OPTIONS.get(name, OPTIONS))
        if payload == "direct":
            return run_states_repeated(device, servers, sim)
        package = os.path.join(servers.root, PACKAGE)
        urls = {"url": "http://127.0.0.1:%d/%s" % (servers.http(), PACKAGE),
                "option_url": "--upload=/etc/passwd"}
        if payload == "ftp":
            urls["ftp"] = "ftp://%s:%s@127.0.0.1:%d/%s" % (FTP_USER, FTP_PASSWORD,
                                                          servers.ftp(), PACKAGE)
        if payload in urls:
            meta = '{"from": "%s", "to": "%s", "url": "%s"}' % (FROM, TO, urls[payload])
            files = []
        else:
            meta = '{"from": "%s", "to": "%s", "file": "%s"}' % (FROM, TO, PACKAGE)
            files = [package]
        artifact = device.artifact(meta, files, signed)
        started = time.monotonic()
        install = device.mender("install", artifact)
        commit = device.mender("commit")
        took = time.monotonic() - started
        log = install.stdout + install.stderr + commit.stdout + commit.stderr
        dialogue = sim.dialogue()
        print("%s: install exit %d, commit exit %d, states %s, %.1f s" % (
            name, install.returncode, commit.returncode, " ".join(device.seen_states()), took))
        try:
            check(name, device, install, commit, log, dialogue)
        except SystemExit:
            print("--- mender\n" + log + "\n--- simulator\n" + dialogue)
            raise


def run_states_repeated(device, servers, sim):
    """Each state run again gives the same answer and sends nothing more; unknown states
    print nothing; bad meta-data is refused by name before anything is sent."""
    api = os.path.join(device.work, "file-api")
    os.makedirs(os.path.join(api, "header"))
    os.makedirs(os.path.join(api, "tmp"))
    meta = os.path.join(api, "header", "meta-data")

    def state(name):
        return run([os.path.abspath(MODULE), name, api], cwd=api, env=device.env)

    with open(meta, "w") as f:
        f.write('{"from": "%s", "url": "http://127.0.0.1:%d/%s"}' % (FROM, servers.http(), PACKAGE))
    bad = state("ArtifactInstall")
    expect("ArtifactInstall without 'to': exit", bad.returncode, 1)
    if "'to' (the firmware the package produces) is missing" not in bad.stderr:
        fail("the missing 'to' was not named: %s" % bad.stderr)
    expect("rollback after an install that sent nothing", state("ArtifactRollback").returncode, 0)
    expect("commands sent for bad meta-data", sim.dialogue().count(" rx "), 0)

    with open(meta, "w") as f:
        f.write('{"from": "%s", "to": "%s", "url": "http://127.0.0.1:%d/%s"}' % (
            FROM, TO, servers.http(), PACKAGE))
    for query, answer in (("SupportsRollback", "Yes\n"), ("NeedsArtifactReboot", "No\n"),
                          ("SomeFutureState", ""), ("Download", "")):
        for _ in range(2):
            got = state(query)
            expect("%s: exit and output" % query, (got.returncode, got.stdout), (0, answer))
    for attempt in (1, 2):
        got = state("ArtifactInstall")
        expect("ArtifactInstall #%d exit" % attempt, got.returncode, 0)
    if "already runs " + TO not in got.stderr:
        fail("the repeated ArtifactInstall did not find the module on %s" % TO)
    expect("AT+QFOTADL sent", sim.dialogue().count("rx AT+QFOTADL"), 1)
    for attempt in (1, 2):
        expect("ArtifactCommit #%d exit" % attempt, state("ArtifactCommit").returncode, 0)
    back = state("ArtifactRollback")
    expect("ArtifactRollback on 'to' exit", back.returncode, 1)
    if "DFOTA cannot go back by itself" not in back.stderr or \
            "deploy a package %s -> %s" % (TO, FROM) not in back.stderr:
        fail("the rollback on 'to' did not say why it cannot pass: %s" % back.stderr)
    print("states_repeated: every state twice, one AT+QFOTADL")


def check(name, device, install, commit, log, dialogue):
    sent = dialogue.count("rx AT+QFOTADL")
    if name == "success":
        check_installed(device, install, commit)
        expect("AT+QFOTADL sent", sent, 1)
        expect("inventory", inventory(device), {
            "modem_model": "EM060K-GL", "modem_firmware": TO + "_01.001.01.001",
            "modem_family": "em060k"})
    elif name == "retry_502_then_success":
        check_installed(device, install, commit)
        expect("AT+QFOTADL sent", sent, 1)
        ends = [l.split("END")[1] for l in dialogue.splitlines() if '"END"' in l and " tx " in l]
        expect("END URCs", ends, ['",502', '",0'])
    elif name == "already_on_to":
        check_installed(device, install, commit)
        expect("AT+QFOTADL sent", sent, 0)
        if "already runs " + TO not in log:
            fail("the module did not say it already runs %s" % TO)
    elif name == "file_in_artifact":
        check_installed(device, install, commit)
        if "rx AT+QFUPL=\"%s\"" % PACKAGE not in dialogue:
            fail("the package was not uploaded with AT+QFUPL")
        expect("AT+QFOTADL sent", sent, 1)
    elif name == "end_505":
        check_failed(device, install, commit)
        expect("states", device.seen_states(), FAILED)
        expect("AT+QFOTADL sent", sent, 1)
        if "update_failed, code 505" not in log:
            fail("the module's code 505 is not in Mender's log")
        if "nothing to undo" not in log:
            fail("the rollback did not find the module on %s" % FROM)
    elif name == "port_never_back":
        check_failed(device, install, commit, NEW + "_INCONSISTENT")
        expect("states", device.seen_states(), FAILED)
        expect("AT+QFOTADL sent", sent, 1)
        if "dfota exit 3, port_error" not in log:
            fail("the port error is not in Mender's log")
        if "DFOTA cannot go back by itself" not in log:
            fail("the rollback did not say DFOTA cannot go back by itself")
    elif name == "on_neither":
        check_failed(device, install, commit)
        expect("states", device.seen_states(), FAILED)
        expect("AT+QFOTADL sent", sent, 0)
        if "nothing was sent to the module for this artifact" not in log:
            fail("the rollback did not see that nothing was sent")
        if "neither %s (from) nor %s (to)" % (FROM, TO) not in log:
            fail("the module did not say the package does not apply")
    elif name == "ftp_password_hidden":
        check_installed(device, install, commit)
        expect("AT+QFOTADL sent", sent, 1)
        if FTP_PASSWORD in log:
            fail("the FTP password is in Mender's log")
        lines = device.command_lines()
        if FTP_PASSWORD in lines or "--target-file -" not in lines:
            fail("the target was on a command line: %s" % lines)
    elif name in ("url_is_an_option", "conf_options_not_allowed"):
        check_failed(device, install, commit)
        if "rx AT+QFUPL" in dialogue or sent != 0:
            fail("the module got an upload or an upgrade")
        if "/etc/passwd" in device.command_lines().replace("--target-file -", ""):
            fail("a host file was named to dfota: %s" % device.command_lines())
        if name == "url_is_an_option" and "invalid_target" not in log:
            fail("dfota did not refuse the url as a target")
        if name == "conf_options_not_allowed" and "is not an option it may give" not in log:
            fail("the module did not name the rule the options broke")
    elif name == "unsigned_refused":
        check_failed(device, install, commit)
        expect("states", device.seen_states(), [])
        expect("AT+QFOTADL sent", sent, 0)
        if "signature" not in log.lower():
            fail("Mender did not refuse the artifact for its missing signature")
    else:
        fail("no checks for %s" % name)


def main():
    run_named_cases(CASES, run_case)


if __name__ == "__main__":
    main()
