#!/usr/bin/python3
"""The SWUpdate handlers of swupdate_handlers.lua with the real swupdate binary against
the module simulator and a loopback HTTP server.

Each case builds a .swu (cpio: sw-description, its CMS signature made with a test
certificate made here, the payload) and runs `swupdate -H board:rev -k cert -i file`,
with the handlers found through LUA_PATH and SWUpdate's sockets in a scratch TMPDIR.
Every wait is on an event with a deadline.

  fleet_swupdate.py --build DIR --list
  fleet_swupdate.py --build DIR --case NAME
"""
import hashlib
import os
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from e2e import (FTP_PASSWORD, FTP_USER, PACKAGE, QUICK, run_named_cases, fail,  # noqa: E402
                 module_and_servers, read_line)

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLERS = os.path.join(HERE, "..", "..", "examples", "fleet", "swupdate")
EXAMPLE = os.path.join(HANDLERS, "sw-description")
FROM, TO, OTHER = "EM060KGLAAR01A07M4G", "EM060KGLAAR01A09M4G", "EM060KGLAAR01A05M4G"
BOARD, REVISION = "gw-board", "1.0"
OPTIONS = "--port-timeout 1 --first-urc-timeout 2"
DEADLINE_S = 60
PADDING, PADDING_BYTES = "padding", 4 * 1024 * 1024

# name: (simulator options, "payload" (the example sw-description), "url" (a dfota-url
# script) or "absent" (an image type no handler serves))
CASES = {
    "url_success": ([], "url"),
    "url_505": (["--ends", "505"], "url"),
    "url_on_neither": (["--version-before", OTHER], "url"),
    "payload_success": ([], "payload"),
    "payload_505": (["--ends", "505"], "payload"),
    "handler_absent_refused": ([], "absent"),
    # Hostile or careless artifacts: nothing reaches the shell, no host file the module,
    # no password the log.
    "url_ftp_password_hidden": ([], "url"),
    "options_shell_injection": ([], "url"),
    "options_not_allowed": ([], "url"),
    "url_is_an_option": ([], "url"),
}
# What these cases put into the dfota-url script's properties (a marker file's path is
# MARK, the FTP server's port FTP).
PROPERTIES = {
    "url_ftp_password_hidden": {"url": "ftp://%s:%s@127.0.0.1:FTP/%s" % (
        FTP_USER, FTP_PASSWORD, PACKAGE)},
    "options_shell_injection": {"options": OPTIONS + "; touch MARK #"},
    "options_not_allowed": {"options": OPTIONS + " --upload /etc/passwd"},
    "url_is_an_option": {"url": "--upload=/etc/passwd"},
}


def run(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=DEADLINE_S, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (cmd[0], DEADLINE_S))


def url_description(port, url, options=OPTIONS):
    return """software = {
    version = "1.0.0";
    %s = {
        hardware-compatibility: [ "%s" ];
        scripts: ( {
            type = "dfota-url";
            properties: { from = "%s"; to = "%s"; port = "%s"; url = "%s"; options = "%s"; };
        } );
    };
}
""" % (BOARD, REVISION, FROM, TO, port, url, options)


def payload_description(port, sha256, image_type="dfota"):
    """The example sw-description, on the simulator's port, with the package's sha256."""
    with open(EXAMPLE) as f:
        text = f.read()
    text = re.sub(r'sha256 = "[0-9a-f]{64}"', 'sha256 = "%s"' % sha256, text)
    text = text.replace('port = "/dev/ttyUSB2"', 'port = "%s"' % port)
    text = text.replace('options = "--port-timeout 180"', 'options = "%s"' % OPTIONS)
    text = text.replace('filename = "em060k-a07-a09.zip"', 'filename = "%s"' % PACKAGE)
    text = text.replace('type = "dfota";', 'type = "%s";' % image_type)
    if sha256 not in text or port not in text or image_type not in text:
        fail("the example sw-description no longer has the fields this test fills in")
    return text


class Swu:
    """A test certificate and the .swu files signed with it."""

    def __init__(self, work):
        self.work = work
        self.key = os.path.join(work, "signer.key")
        self.cert = os.path.join(work, "signer.crt")
        made = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=dfota fleet test", "-keyout", self.key, "-out", self.cert,
                    "-addext", "extendedKeyUsage=emailProtection"])
        if made.returncode != 0:
            fail("openssl req: " + made.stderr)

    def build(self, description, payloads):
        with open(os.path.join(self.work, "sw-description"), "w") as f:
            f.write(description)
        signed = run(["openssl", "cms", "-sign", "-in", "sw-description",
                      "-out", "sw-description.sig", "-signer", self.cert, "-inkey", self.key,
                      "-outform", "DER", "-nosmimecap", "-binary"], cwd=self.work)
        if signed.returncode != 0:
            fail("openssl cms: " + signed.stderr)
        # swupdate -i of 2022.12 polls its daemon thread for the end of the install as soon
        # as it has written the whole .swu; a .swu that fits in the socket's buffer is
        # written before the install has started, and the poll then finds the daemon idle
        # and ends swupdate with a stale verdict, the install not run. A file no entry
        # names, larger than the buffer, makes the write last until the install is under
        # way (SWUpdate skips the file).
        with open(os.path.join(self.work, PADDING), "wb") as f:
            f.write(b"\0" * PADDING_BYTES)
        names = ["sw-description", "sw-description.sig"] + payloads + [PADDING]
        out = os.path.join(self.work, "modem.swu")
        with open(out, "wb") as f:
            packed = subprocess.run(["cpio", "-o", "-H", "crc"], cwd=self.work, stdout=f,
                                    input="\n".join(names).encode() + b"\n",
                                    stderr=subprocess.PIPE, timeout=DEADLINE_S)
        if packed.returncode != 0:
            fail("cpio: " + packed.stderr.decode())
        return out


class Progress:
    """A client of SWUpdate's progress socket, as swupdate-progress is: the handler name and
    percentage of each message (struct progress_msg of 2022.12, native layout)."""
    LAYOUT = struct.Struct("@IIIQIII256s64sII2048s")
    SIZE = 2416  # the struct with its trailing alignment
    ACK = struct.Struct("@I4s")  # progress API 2 answers a connection with it; 2022.12 does not

    def __init__(self, path, proc):
        deadline = time.monotonic() + 5
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.seen = []
        self.reader = None
        # SWUpdate announces the socket just before its bind() and listen(): a refused
        # connection is retried for the few microseconds between them. An install that
        # fails at once may end SWUpdate, and its socket, first: nothing to show then.
        while True:
            try:
                self.sock.connect(path)
                break
            except (ConnectionRefusedError, FileNotFoundError):
                if proc.poll() is not None:
                    return
                if time.monotonic() > deadline:
                    fail("cannot connect to SWUpdate's progress socket %s" % path)
                select.select([], [], [], 0.001)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buf = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            buf += chunk
            while len(buf) >= self.SIZE:
                fields = self.LAYOUT.unpack_from(buf)
                buf = buf[self.SIZE:]
                handler = fields[8].split(b"\0")[0].decode(errors="replace")
                self.seen.append((handler, fields[6]))

    def percents(self, handler):
        """The percentages shown while the handler ran; stops reading (bounded)."""
        if self.reader is None:
            return []
        self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join(timeout=10)
        self.sock.close()
        return [percent for name, percent in self.seen if name == handler]


def dfota_wrapper(build, work):
    """A folder with dfota behind a wrapper that keeps each command line it was given in
    WORK/dfota-argv; returns the folder."""
    tools = os.path.join(work, "tools")
    os.makedirs(tools, exist_ok=True)
    with open(os.path.join(tools, "dfota"), "w") as f:
        f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> %s\nexec %s "$@"\n' % (
            os.path.join(work, "dfota-argv"),
            os.path.abspath(os.path.join(build, "examples", "dfota"))))
    os.chmod(os.path.join(tools, "dfota"), 0o755)
    return tools


def command_lines(work):
    try:
        with open(os.path.join(work, "dfota-argv")) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def swupdate(build, work, swu, cert, *extra, progress=False):
    """Runs swupdate; with progress, also a Progress client on its socket, connected as
    soon as SWUpdate announces it. Returns the run and the client (or None)."""
    tmp = os.path.join(work, "swupdate-tmp")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, LUA_PATH=os.path.abspath(HANDLERS) + "/?.lua;;", TMPDIR=tmp,
               PATH=dfota_wrapper(build, work) + ":" + os.environ["PATH"])
    # -v -l 6: every line SWUpdate logs, the handlers' debug lines too (what must not hold
    # a password).
    cmd = ["swupdate", "-v", "-l", "6", "-H", "%s:%s" % (BOARD, REVISION), "-k", cert] + \
        list(extra) + ["-i", swu]
    if not progress:
        return run(cmd, env=env), None
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + DEADLINE_S
    head = ""
    socket_path = os.path.join(tmp, "swupdateprog")
    while "creating socket at " + socket_path not in head:
        line = read_line(proc.stdout, deadline)
        if not line:
            proc.kill()
            proc.wait()
            fail("swupdate did not announce its progress socket:\n" + head)
        head += line
    client = Progress(socket_path, proc)
    try:
        out, _ = proc.communicate(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        fail("swupdate did not finish within %d s" % DEADLINE_S)
    return subprocess.CompletedProcess(cmd, proc.returncode,
                                       head + out.decode(errors="replace"), ""), client


def run_case(build, name):
    sim_opts, kind = CASES[name]
    with module_and_servers(build, QUICK + sim_opts) as (servers, sim):
        swu = Swu(servers.root)
        package = os.path.join(servers.root, PACKAGE)
        with open(package, "rb") as f:
            sha256 = hashlib.sha256(f.read()).hexdigest()
        mark = os.path.join(servers.root, "PWNED")
        if kind == "url":
            props = PROPERTIES.get(name, {})
            url = props.get("url", "http://127.0.0.1:%d/%s" % (servers.http(), PACKAGE))
            if "FTP" in url:
                url = url.replace("FTP", str(servers.ftp()))
            options = props.get("options", OPTIONS).replace("MARK", mark)
            image = swu.build(url_description(sim.link, url, options), [])
        else:
            image_type = "dfota-v9" if kind == "absent" else "dfota"
            image = swu.build(payload_description(sim.link, sha256, image_type), [PACKAGE])
        # A check (a dry run) first: it must pass a good image without a word to the
        # module, and refuse the image no handler serves.
        checked, _ = swupdate(build, servers.root, image, swu.cert, "-c")
        checked_sent = sim.dialogue().count(" rx ")
        installed, progress = None, None
        if kind != "absent":
            installed, progress = swupdate(build, servers.root, image, swu.cert, progress=True)
        dialogue = sim.dialogue()
        print("%s: swupdate -c exit %d%s" % (
            name, checked.returncode,
            "" if installed is None else ", swupdate -i exit %d" % installed.returncode))
        try:
            check(name, kind, checked, checked_sent, installed, dialogue, progress)
            check_hostile(name, installed, dialogue, mark, servers.root)
        except SystemExit:
            print("--- swupdate -c\n" + checked.stdout + checked.stderr)
            if installed:
                print("--- swupdate -i\n" + installed.stdout + installed.stderr)
            print("--- simulator\n" + dialogue)
            raise


def check(name, kind, checked, checked_sent, installed, dialogue, progress):
    sent = dialogue.count("rx AT+QFOTADL")
    if checked_sent:
        fail("swupdate -c talked to the module")
    if kind == "absent":
        if checked.returncode == 0:
            fail("swupdate -c accepted an image whose handler is absent")
        if "feature 'dfota-v9' required" not in checked.stdout + checked.stderr:
            fail("swupdate -c did not name the absent handler")
        return
    if checked.returncode != 0:
        fail("swupdate -c refused a good image")
    log = installed.stdout + installed.stderr
    if "Verified OK" not in log:
        fail("swupdate did not verify the signature")
    # SWUpdate's verdict: its end line, from the install's status, and its exit status.
    succeeded = "SWUpdate was successful !" in log
    failed = "SWUpdate *failed* !" in log
    if succeeded == failed:
        fail("no single verdict from SWUpdate")
    if name.endswith("_success"):
        if not succeeded or installed.returncode != 0:
            fail("the install failed")
        if "dfota: upgraded %s_01.001.01.001 -> %s_01.001.01.001" % (FROM, TO) not in log:
            fail("the handler did not report the upgrade")
        if sent != 1:
            fail("AT+QFOTADL sent %d times" % sent)
        if kind == "payload" and 'rx AT+QFUPL="%s"' % PACKAGE not in dialogue:
            fail("the payload was not uploaded with AT+QFUPL")
        # The upload's end (40 %) and the update's 20, 40, 60, 80 % (the simulator's steps)
        # as the handler relays them (40 + 60 % of them). SWUpdate shows progress for
        # images only, not for scripts.
        shown = progress.percents("dfota")
        print("progress of the dfota handler: %s" % shown)
        if kind == "payload" and not {40, 52, 64, 76, 88} <= set(shown):
            fail("the handler's progress did not reach SWUpdate: %s" % shown)
    elif name.endswith("_505"):
        if installed.returncode == 0 or not failed:
            fail("a module code 505 did not fail the install")
        if "dfota upgrade failed: update_failed (code 505)" not in log:
            fail("the install did not fail with the module's code and message")
    elif name == "url_on_neither":
        if installed.returncode == 0 or not failed:
            fail("an install on a module on neither from nor to succeeded")
        if "neither %s (from) nor %s (to)" % (FROM, TO) not in log or sent != 0:
            fail("the handler did not refuse before sending anything")
    elif name in PROPERTIES:
        pass  # check_hostile()
    else:
        fail("no checks for %s" % name)


def leftovers_with(folder, secret):
    """Files under folder that hold secret."""
    found = []
    for top, _, files in os.walk(folder):
        for f in files:
            path = os.path.join(top, f)
            with open(path, "rb") as fh:
                if secret.encode() in fh.read():
                    found.append(path)
    return found


def check_hostile(name, installed, dialogue, mark, work):
    if name not in PROPERTIES:
        return
    tmp = os.path.join(work, "swupdate-tmp")
    log = installed.stdout + installed.stderr
    failed = installed.returncode != 0 and "SWUpdate *failed* !" in log
    if name == "url_ftp_password_hidden":
        if installed.returncode != 0:
            fail("the FTP install failed")
        if "dfota handler: " not in log:
            fail("swupdate -v did not log the handler's command (no debug lines to check)")
        # SWUpdate's own parser traces every property of sw-description at -l 6, the url
        # as written (examples/fleet/README.md says so); the handlers' lines, never.
        ours = [l for l in log.splitlines() if "[add_properties_cb]" not in l]
        if any(FTP_PASSWORD in l for l in ours):
            fail("the FTP password is in SWUpdate's log: %s" %
                 [l for l in ours if FTP_PASSWORD in l])
        lines = command_lines(work)
        if FTP_PASSWORD in lines or "--target-file" not in lines:
            fail("the target was on a command line: %s" % lines)
        if leftovers_with(tmp, FTP_PASSWORD):
            fail("the password was left in %s" % leftovers_with(tmp, FTP_PASSWORD))
        # The simulator hides the password in its own log; its download, which needs it,
        # succeeded (the install did).
        if "rx AT+QFOTADL=\"ftp://%s:***@" % FTP_USER not in dialogue:
            fail("the module did not get the FTP URL")
        return
    if not failed:
        fail("the install did not fail")
    if os.path.exists(mark):
        fail("the options property ran a shell command: %s exists" % mark)
    if "rx AT+QFUPL" in dialogue or "rx AT+QFOTADL" in dialogue:
        fail("the module got an upload or an upgrade")
    if name.startswith("options_"):
        if "is not an option a sw-description may give" not in log:
            fail("the handler did not name the rule the options broke")
        if " rx " in dialogue:
            fail("the module heard something although the options were refused")
    if name == "url_is_an_option" and "invalid_target" not in log:
        fail("dfota did not refuse the url as a target")


def main():
    run_named_cases(CASES, run_case)


if __name__ == "__main__":
    main()
