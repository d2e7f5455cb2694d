#!/usr/bin/python3
"""End-to-end cases: the dfota CLI and the library against the module simulator, with
real loopback HTTP, HTTPS and FTP servers. Every wait is on an event with a deadline.

  e2e.py --build DIR --list              the case names
  e2e.py --build DIR --case NAME --via cli|lib
  e2e.py --build DIR --pty               the CLI's live progress bar on a terminal
  e2e.py --build DIR --demo              a complete simulated upgrade, for people
  e2e.py --build DIR --soak N            N upgrades back to back in one process
  e2e.py --build DIR --plain             the CLI's plain lines when not on a terminal
  e2e.py --build DIR --custom-port       the library over a user-supplied transport
  e2e.py --build DIR --interrupt-then-watch   SIGINT mid-update, then dfota watch

--tool PATH runs that dfota (an installed one) instead of the build's.
  e2e.py --build DIR --two-on-one-port   a second dfota on a held port is refused
  e2e.py --build DIR --baud-refused      a baud rate the system lacks is bad usage
  e2e.py --build DIR --port-and-usb      --port is used when --usb is given too
"""
import argparse
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import ssl
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

FTP_USER = "dfota"
FTP_USER_WITH_AT = "dfota@corp"  # a user name holding '@', as some FTP servers want
FTP_PASSWORD = "s3cr3t-Pa55"
WRONG_PASSWORD = "wr0ng-Pa55"
PACKAGE = "update.zip"
QUICK = ["--reboot-ms", "150", "--progress-ms", "10", "--progress-step", "20"]
RUN_DEADLINE_S = 60

# name: (simulator options, target kind, host options, result, code)
CASES = {
    "http_ok": ([], "http", [], "success", 0),
    "ftp_ok": ([], "ftp", [], "success", 0),
    "https_ok": (["--spelling", "https"], "https", [], "success", 0),
    "file_ok": (["--ufs-file", "update.zip:4096"], "file", [], "success", 0),
    "file_missing": ([], "file", [], "not_ready", None),
    "file_missing_no_preflight": ([], "file", ["no_preflight=1"], "rejected", None),
    # Checks before the upgrade: each failing one ends the run before AT+QFOTADL.
    "no_sim": (["--no-sim"], "http", [], "not_ready", 10),
    "not_registered": (["--not-registered"], "http", [], "not_ready", None),
    "registers_late": (["--register-after-ms", "2500"], "http", [], "success", 0),
    "urcs_elsewhere": (["--urcport", "usbmodem"], "http", [], "not_ready", None),
    "urcs_routed_here": (["--urcport", "usbmodem"], "http", ["set_urcport=1"], "success", 0),
    "http_701": ([], "http_missing", [], "download_failed", 701),
    "ftp_601": ([], "ftp_badpass", [], "download_failed", 601),
    # curl in the simulator refuses such a URL (601); what matters is the redaction
    "ftp_user_with_at": ([], "ftp_user_at", [], "download_failed", 601),
    "end_505": (["--ends", "505"], "http", [], "update_failed", 505),
    "end_510": (["--ends", "510"], "http", [], "update_failed", 510),
    "end_511": (["--ends", "511"], "http", [], "update_failed", 511),
    "retry_502_ok": (["--ends", "502,502,0"], "http", [], "success", 0),
    "retry_502_restore": (["--ends", "502,502,502,502,502,502", "--restore"], "http", [],
                          "update_failed", 502),
    "uart": (["--uart"], "http", [], "success", 0),
    "silent_after_reboot": (["--silent-after-reboot"], "http", ["first_urc=1"], "timeout",
                            None),
    "never_back": (["--never-back"], "http", ["port_timeout=1"], "port_error", None),
    "dl_error": (["--dl-error"], "http", [], "rejected", None),
    "noise_fragments": (["--noise", "--fragment", "--spelling", "lower", "--percent-sign"],
                        "http", [], "success", 0),
    "note_spelling": (["--spelling", "note"], "http", [], "success", 0),
    "start_lost": (["--early-first-urc"], "http", [], "success", 0),
    # One successful upgrade per family, through its own dialect.
    "family_em060k": (["--family", "em060k"], "http", [], "success", 0),
    "family_ep06": (["--family", "ep06"], "http", [], "success", 0),
    "family_ec2x": (["--family", "ec2x"], "http", [], "success", 0),
    "family_eg18": (["--family", "eg18"], "https", [], "success", 0),
    "family_rm500q": (["--family", "rm500q"], "http", [], "success", 0),
    "family_bg96": (["--family", "bg96"], "http", [], "success", 0),
    "family_ec200u": (["--family", "ec200u"], "http", [], "success", 0),
    "family_eg915u": (["--family", "eg915u"], "http", [], "success", 0),
    "family_ec800k": (["--family", "ec800k"], "http", [], "success", 0),
    "family_generic": (["--family", "generic"], "http", [], "success", 0),
    # Family specifics: BG96's local form, Unisoc's, a 101..255-byte URL on EG18, and a
    # module that says END,0 but still runs the old firmware.
    "bg96_local": (["--family", "bg96", "--ufs-file", "update.zip:4096"], "bg96_file", [],
                   "success", 0),
    "ec200u_local": (["--family", "ec200u", "--ufs-file", "update.pac:4096"], "ufs_file", [],
                     "success", 0),
    "eg18_long_url": (["--family", "eg18"], "http_long", [], "success", 0),
    "em060k_long_url_refused": (["--family", "em060k"], "http_long", [], "invalid_target",
                                None),
    "same_version": (["--version-after", "EM060KGLAAR01A07M4G"], "http", [], "update_failed",
                     None),
}

EXIT_OF = {"success": 0, "rejected": 1, "download_failed": 1, "update_failed": 1, "not_ready": 1,
           "invalid_target": 2, "port_error": 3, "timeout": 4, "interrupted": 130}


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Servers:
    """Loopback servers over one folder holding the package; started on demand."""

    def __init__(self, root):
        self.root = root
        self.running = []
        with open(os.path.join(root, PACKAGE), "wb") as f:
            f.write(os.urandom(64 * 1024))

    def _serve(self, server):
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.running.append(server)
        return server.server_address[1]

    def http(self):
        return self._serve(ThreadingHTTPServer(("127.0.0.1", 0),
                                               partial(Quiet, directory=self.root)))

    def https(self):
        cert = os.path.join(self.root, "cert.pem")
        key = os.path.join(self.root, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=30)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=self.root))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        return self._serve(server)

    def ftp(self):
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler
        from pyftpdlib.servers import ThreadedFTPServer
        import logging
        logging.getLogger("pyftpdlib").setLevel(logging.ERROR)
        auth = DummyAuthorizer()
        auth.add_user(FTP_USER, FTP_PASSWORD, self.root, perm="elr")
        auth.add_user(FTP_USER_WITH_AT, FTP_PASSWORD, self.root, perm="elr")
        handler = type("Handler", (FTPHandler,), {"authorizer": auth})
        server = ThreadedFTPServer(("127.0.0.1", 0), handler)
        port = server.address[1]
        threading.Thread(target=server.serve_forever, kwargs={"handle_exit": False},
                         daemon=True).start()
        self.running.append(server)
        return port

    def stop(self):
        for s in self.running:
            if hasattr(s, "shutdown"):
                try:
                    s.shutdown()
                except Exception:
                    pass
            if hasattr(s, "close_all"):
                s.close_all()

    def target(self, kind):
        if kind == "file":
            return "/usrdata/cache/ufs/" + PACKAGE
        if kind == "bg96_file":
            return "/fota/update.zip"
        if kind == "ufs_file":
            return "UFS:update.pac"
        if kind == "http_long":  # 101..255 bytes: more than the note's 100, within EG18's 255
            name = "EG18EAPAR03A02M8G-to-EG18EAPAR03A04M8G-" + "d" * 60 + ".zip"
            with open(os.path.join(self.root, name), "wb") as f:
                f.write(os.urandom(4096))
            url = "http://127.0.0.1:%d/%s" % (self.http(), name)
            assert 100 < len(url) <= 255, len(url)
            return url
        if kind.startswith("ftp"):
            password = WRONG_PASSWORD if kind == "ftp_badpass" else FTP_PASSWORD
            user = FTP_USER_WITH_AT if kind == "ftp_user_at" else FTP_USER
            return "ftp://%s:%s@127.0.0.1:%d/%s" % (user, password, self.ftp(), PACKAGE)
        if kind == "https":
            return "https://127.0.0.1:%d/%s" % (self.https(), PACKAGE)
        name = "missing.zip" if kind == "http_missing" else PACKAGE
        return "http://127.0.0.1:%d/%s" % (self.http(), name)


class Simulator:
    def __init__(self, build, workdir, options):
        self.link = os.path.join(workdir, "ttyUSB2")
        self.log = os.path.join(workdir, "sim.log")
        cmd = [os.path.join(build, "tests", "sim", "dfota-sim"), "--link", self.link,
               "--log", self.log, "--exit-after", "120"] + options
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = read_line(self.proc.stdout, deadline=time.monotonic() + 10)
        if line.strip() != "ready " + self.link:
            self.stop()
            fail("simulator did not get ready (said %r)" % line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def dialogue(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return "(no simulator log)"


@contextmanager
def module_and_servers(build, sim_options):
    """A scratch folder, the loopback servers over it and a simulator; all gone after."""
    work = tempfile.mkdtemp(prefix="dfota-e2e-")
    servers = Servers(work)
    sim = None
    try:
        sim = Simulator(build, work, sim_options)
        yield servers, sim
    finally:
        if sim:
            sim.stop()
        servers.stop()
        shutil.rmtree(work, ignore_errors=True)


def read_line(stream, deadline):
    """One line from a pipe, or "" at the deadline."""
    buf = b""
    fd = stream.fileno()
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")


TOOL = None  # --tool: the dfota to run instead of DIR/examples/dfota


def tool_path(build):
    return TOOL or os.path.join(build, "examples", "dfota")


def wrapper():
    """A command to run the host under (DFOTA_E2E_WRAP, e.g. valgrind), or none."""
    return os.environ.get("DFOTA_E2E_WRAP", "").split()


def host_command(build, via, link, target, host_opts):
    opts = dict(o.split("=") for o in host_opts)
    if via == "cli":
        cmd = [tool_path(build), "upgrade", "--json", "-v", target, "--port", link]
        if "first_urc" in opts:
            cmd += ["--first-urc-timeout", opts["first_urc"]]
        if "port_timeout" in opts:
            cmd += ["--port-timeout", opts["port_timeout"]]
        if "no_preflight" in opts:
            cmd += ["--no-preflight"]
        if "set_urcport" in opts:
            cmd += ["--set-urcport"]
        return cmd
    return [os.path.join(build, "tests", "e2e", "e2e-lib-runner"), link, target,
            str(int(float(opts.get("first_urc", "0")) * 1000)),
            str(int(float(opts.get("port_timeout", "0")) * 1000))] + \
        (["no-preflight"] if "no_preflight" in opts else
         ["set-urcport"] if "set_urcport" in opts else [])


def outcome(via, stdout):
    """(result name, code, event names) from the host's output."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    if not lines:
        return None, None, []
    if via == "cli":
        objects = [json.loads(l) for l in lines]  # stdout carries only JSON
        done = objects[-1]
        if done.get("event") != "done":
            fail("the last JSON line is not 'done': %s" % lines[-1])
        return done["result"], done["code"], [o["event"] for o in objects]
    words = lines[-1].split()
    if words[0] != "done":
        fail("the runner's last line is not 'done': %s" % lines[-1])
    code = int(words[2])
    return words[1], (None if code < 0 else code), [l.split()[1] for l in lines[:-1]]


def check_case(name, via, rc, stdout, stderr, events, sim_log):
    _, _, _, result, code = CASES[name]
    if via == "cli" and rc != EXIT_OF[result]:
        fail("exit status %d, expected %d" % (rc, EXIT_OF[result]))
    if via == "lib" and (rc == 0) != (result == "success"):
        fail("exit status %d for %s" % (rc, result))
    for password in (FTP_PASSWORD, WRONG_PASSWORD):
        if password in stdout or password in stderr:
            fail("an FTP password appears in the output")
    if name == "ftp_user_with_at" and "%s:***@" % FTP_USER_WITH_AT not in stderr:
        fail("the AT dialogue with the redacted target is not in the log")
    if name == "retry_502_ok" and events.count("update_start") != 3:
        fail("expected 3 update attempts, saw %d" % events.count("update_start"))
    if name == "uart" and "port_lost" in events:
        fail("a UART module never loses the port")
    if result == "success" and "progress" not in events:
        fail("no progress reported")
    if name in ("family_bg96", "bg96_local") and "install" not in events:
        fail("BG96's RESTORE on the way to END,0 is not reported as install")
    if name.startswith("family_") or name.endswith("_local") or name == "eg18_long_url":
        if events.count("update_start") != 1:
            fail("expected one update attempt, saw %d" % events.count("update_start"))
    if name == "family_ec800k" and events.count("port_lost") != 3:
        fail("EC800K reboots inside UPDATING: expected 3 port losses, saw %d" %
             events.count("port_lost"))
    if result in ("not_ready", "invalid_target") and "AT+QFOTADL" in sim_log:
        fail("a refused upgrade reached the module")
    if name in ("no_sim", "not_registered", "urcs_elsewhere") and \
            not any(e == "check" for e in events):
        fail("no check event")
    if name in ("registers_late", "http_ok") and "registered (home)" not in stdout:
        fail("the network check did not see the module registered")
    if name == "registers_late" and sim_log.count("rx AT+CEREG?") < 2:
        fail("a searching module was not asked again")
    if name == "urcs_routed_here":
        here, back = sim_log.find("URCs now go to usbat"), sim_log.find("URCs now go to usbmodem")
        if here < 0 or back < here:
            fail("the URC port was not routed here for the upgrade and put back after it")


def run_case(build, name, via):
    sim_opts, kind, host_opts, want_result, want_code = CASES[name]
    with module_and_servers(build, QUICK + sim_opts) as (servers, sim):
        cmd = wrapper() + host_command(build, via, sim.link, servers.target(kind), host_opts)
        started = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                                  timeout=RUN_DEADLINE_S)
        except subprocess.TimeoutExpired:
            fail("%s did not finish within %d s" % (via, RUN_DEADLINE_S))
        result, code, events = outcome(via, proc.stdout)
        print("%s via %s: %s code %s in %.1f s (expected %s %s)" % (
            name, via, result, code, time.monotonic() - started, want_result, want_code))
        if result != want_result or code != want_code:
            print(proc.stdout + "\n--- stderr\n" + proc.stderr + "\n--- simulator\n" +
                  sim.dialogue())
            fail("unexpected outcome")
        check_case(name, via, proc.returncode, proc.stdout, proc.stderr, events, sim.dialogue())


def tool_command(build, *args):
    return wrapper() + [tool_path(build)] + list(args)


def set_terminal_width(fd, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))


def run_tool_on_terminal(cmd, echo=False, columns=100, on_output=None):
    """Runs cmd with a pseudo-terminal of `columns` as stdout and stderr until it closes
    it (or the deadline); on_output(proc, master, output so far) after each read. Returns
    (status, output)."""
    master, slave = pty.openpty()
    set_terminal_width(slave, columns)
    proc = subprocess.Popen(cmd, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + RUN_DEADLINE_S
    while time.monotonic() < deadline:
        if not select.select([master], [], [], deadline - time.monotonic())[0]:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the tool exited and closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if echo:
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        if on_output:
            on_output(proc, master, output)
    os.close(master)
    return proc.wait(timeout=10), output.decode(errors="replace")


def run_on_terminal(build, sim_opts, echo):
    """Runs `dfota upgrade` with a pseudo-terminal as stdout; returns (status, output)."""
    with module_and_servers(build, sim_opts) as (servers, sim):
        target = servers.target("http")
        if echo:
            print("$ dfota upgrade --port %s %s" % (sim.link, target), flush=True)
        return run_tool_on_terminal(tool_command(build, "upgrade", "--port", sim.link, target),
                                    echo)


def run_named_cases(cases, run):
    """The command line of a driver of named cases: --list, or --case NAME --build DIR,
    which calls run(build, name)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--case")
    args = ap.parse_args()
    if args.list:
        print(";".join(cases))
    elif args.case in cases:
        run(os.path.abspath(args.build), args.case)
    else:
        fail("unknown case %r" % args.case)


def run_pty(build):
    status, out = run_on_terminal(build, QUICK + ["--progress-step", "10"], echo=False)
    if status != 0:
        fail("dfota on a terminal exited %d:\n%s" % (status, out))
    if "\r\033[K" not in out or "[##" not in out or "100%" not in out:
        fail("no live progress bar drawn:\n%r" % out)
    last = out.strip().splitlines()[-1]
    if "upgraded EM060KGLAAR01A07M4G" not in last or " in " not in last:
        fail("no final line: %r" % last)
    print("progress bar drawn; final line: %s" % last.strip("\r\033[K"))


def run_plain(build):
    """Not on a terminal and without --json: plain lines, no control characters."""
    with module_and_servers(build, QUICK) as (servers, sim):
        proc = subprocess.run(tool_command(build, "upgrade", "--port", sim.link,
                                           servers.target("http")),
                              capture_output=True, text=True, timeout=RUN_DEADLINE_S)
    out = proc.stdout
    if proc.returncode != 0 or any(c in out for c in "\r\033\b"):
        fail("plain output: exit %d\n%r" % (proc.returncode, out))
    for line in ("downloading", "rebooting", "updating", "final reboot"):
        if line + "\n" not in out:
            fail("no '%s' line in:\n%s" % (line, out))
    if not out.splitlines()[-1].startswith("upgraded EM060KGLAAR01A07M4G"):
        fail("no final line in:\n%s" % out)
    print(out)
    # A bad command line quotes the words it did not understand, never a password.
    bad = subprocess.run(tool_command(build, "ftp://u:%s@h/f.zip" % FTP_PASSWORD, "upgrade",
                                      "--bogus", "--json"),
                         capture_output=True, text=True, timeout=RUN_DEADLINE_S)
    if bad.returncode != 2 or FTP_PASSWORD in bad.stdout + bad.stderr or \
            json.loads(bad.stdout.splitlines()[-1])["result"] != "invalid_target":
        fail("bad usage: exit %d\n%s%s" % (bad.returncode, bad.stdout, bad.stderr))


def run_custom_port(build):
    """examples/custom_port: the library over a user-supplied transport and clock."""
    with module_and_servers(build, QUICK) as (servers, sim):
        proc = subprocess.run(wrapper() + [os.path.join(build, "examples", "custom_port"),
                                           sim.link, servers.target("http")],
                              capture_output=True, text=True, timeout=RUN_DEADLINE_S)
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("upgraded ") or \
            "updating 100%" not in lines:
        fail("custom port: exit %d\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    print(lines[-1])


def json_lines_until(proc, event, deadline):
    """Reads the tool's JSON lines until one has the given event; returns them all."""
    seen = []
    while time.monotonic() < deadline:
        line = read_line(proc.stdout, deadline)
        if not line:
            break
        seen.append(json.loads(line))
        if seen[-1]["event"] == event:
            return seen
    fail("no %r event; saw %s" % (event, [o["event"] for o in seen]))


def run_interrupt_then_watch(build):
    """SIGINT in the middle of the update: exit 130 at once; then `dfota watch` follows
    the module, which carried on by itself, to the end."""
    slow = ["--reboot-ms", "150", "--progress-ms", "100", "--progress-step", "5"]
    with module_and_servers(build, slow) as (servers, sim):
        upgrade = subprocess.Popen(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                                servers.target("http")),
                                   stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        json_lines_until(upgrade, "progress", time.monotonic() + 30)
        interrupted_at = time.monotonic()
        upgrade.send_signal(signal.SIGINT)
        rest = upgrade.stdout.read().decode().splitlines()
        status = upgrade.wait(timeout=10)
        took = time.monotonic() - interrupted_at
        if status != 130 or json.loads(rest[-1])["result"] != "interrupted" or took > 2:
            fail("SIGINT: exit %d, %s, after %.2f s" % (status, rest[-1], took))
        watch = subprocess.run(tool_command(build, "watch", "--json", "--port", sim.link),
                               capture_output=True, text=True, timeout=RUN_DEADLINE_S)
        events = [json.loads(l) for l in watch.stdout.splitlines()]
        if watch.returncode != 0 or events[-1]["result"] != "success" or \
                "update_end" not in [e["event"] for e in events]:
            fail("watch: exit %d\n%s\n%s" % (watch.returncode, watch.stdout,
                                             sim.dialogue()))
    print("interrupted in %.2f s (exit 130); watch followed to: %s" % (
        took, events[-1]["message"]))


def run_two_on_one_port(build):
    """A second dfota (the tool, then the library) on a port an upgrade holds: refused at
    once with exit 3 / port_error, naming the holder; the upgrade goes on untouched. "At
    once" is well inside the 120 s the tool would otherwise wait for its port (with room
    for valgrind's start-up)."""
    slow = ["--reboot-ms", "150", "--progress-ms", "100", "--progress-step", "5"]
    with module_and_servers(build, slow) as (servers, sim):
        first = subprocess.Popen(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                              servers.target("http")),
                                 stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        seen = json_lines_until(first, "download_start", time.monotonic() + 30)
        holder = "(pid %d)" % first.pid
        started = time.monotonic()
        cli = subprocess.run(tool_command(build, "info", "--json", "--port", sim.link),
                             capture_output=True, text=True, timeout=RUN_DEADLINE_S)
        cli_took = time.monotonic() - started
        done = json.loads(cli.stdout.splitlines()[-1])
        if cli.returncode != 3 or done["result"] != "port_error" or \
                "is in use by" not in cli.stderr or holder not in cli.stderr or cli_took > 10:
            first.kill()
            fail("second dfota: exit %d after %.2f s\n%s%s" % (cli.returncode, cli_took,
                                                              cli.stdout, cli.stderr))
        lib = subprocess.run(wrapper() + [os.path.join(build, "tests", "e2e", "e2e-lib-runner"),
                                          sim.link, servers.target("http")],
                             capture_output=True, text=True, timeout=RUN_DEADLINE_S)
        if lib.returncode == 0 or lib.stdout.split() != ["done", "port_error", "-1"] or \
                holder not in lib.stderr:
            first.kill()
            fail("library on a held port: exit %d\n%s%s" % (lib.returncode, lib.stdout,
                                                           lib.stderr))
        rest = [json.loads(l) for l in first.stdout.read().decode().splitlines()]
        status = first.wait(timeout=RUN_DEADLINE_S)
        if status != 0 or rest[-1]["result"] != "success" or \
                "port_lost" in [e["event"] for e in seen]:
            fail("the first dfota was disturbed: exit %d, %s\n%s" % (status, rest[-1],
                                                                     sim.dialogue()))
    print("second dfota refused in %.2f s: %s" % (
        cli_took, [l for l in cli.stderr.splitlines() if "in use" in l][0]))
    print("the first went on: %s" % rest[-1]["message"])


def run_baud_refused(build):
    """-b 50, 300, 14400: bad usage (exit 2) with the supported rates; nothing is sent."""
    with module_and_servers(build, QUICK) as (servers, sim):
        for baud in ("50", "300", "14400"):
            proc = subprocess.run(tool_command(build, "info", "--json", "--port", sim.link,
                                               "-b", baud),
                                  capture_output=True, text=True, timeout=RUN_DEADLINE_S)
            done = json.loads(proc.stdout.splitlines()[-1])
            want = "baud rate %s is not supported; supported rates: " % baud
            if proc.returncode != 2 or done["result"] != "invalid_target" or \
                    want not in proc.stderr or "115200" not in proc.stderr:
                fail("-b %s: exit %d\n%s%s" % (baud, proc.returncode, proc.stdout,
                                               proc.stderr))
        if "rx " in sim.dialogue():
            fail("the module received something:\n%s" % sim.dialogue())
    print([l for l in proc.stderr.splitlines() if "baud" in l][0])


def run_port_and_usb(build):
    """--port with --usb: the path is tried first, at the start and after every reboot
    (the simulated module has no USB identity to find it by)."""
    with module_and_servers(build, QUICK) as (servers, sim):
        proc = subprocess.run(tool_command(build, "upgrade", "--json", "--port", sim.link,
                                           "--usb", "2c7c:0125", servers.target("http")),
                              capture_output=True, text=True, timeout=RUN_DEADLINE_S)
        events = [json.loads(l) for l in proc.stdout.splitlines()]
        if proc.returncode != 0 or events[-1]["result"] != "success" or \
                [e["event"] for e in events].count("port_back") < 2:
            fail("--port with --usb: exit %d\n%s%s\n%s" % (proc.returncode, proc.stdout,
                                                          proc.stderr, sim.dialogue()))
    print(events[-1]["message"])


def run_soak(build, count):
    # Quick, but with the END URC some 60 ms after the port's return, so that a host
    # slowed down by a loaded machine still sees it (an earlier one may be lost, as on USB).
    fast = ["--reboot-ms", "20", "--progress-ms", "10", "--progress-step", "50",
            "--first-urc-delay-ms", "30", "--exit-after", "600"]
    with module_and_servers(build, fast) as (servers, sim):
        cmd = [os.path.join(build, "tests", "e2e", "e2e-soak"), sim.link,
               servers.target("http"), str(count)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=count * 3 + 60)
        print(proc.stdout.strip())
        if proc.returncode != 0:
            print(proc.stderr + "\n--- simulator\n" + sim.dialogue()[-4000:])
            fail("soak failed")


def run_demo(build):
    print("A simulated module on a pseudo-terminal, a loopback HTTP server with a package,")
    print("and the dfota tool upgrading the module through its reboots:\n", flush=True)
    status, _ = run_on_terminal(build, ["--reboot-ms", "1500", "--progress-ms", "150",
                                        "--progress-step", "5"], echo=True)
    sys.exit(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("--via", choices=["cli", "lib"], default="cli")
    ap.add_argument("--pty", action="store_true")
    ap.add_argument("--demo", action="store_true")
    ap.add_argument("--soak", type=int)
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--custom-port", action="store_true")
    ap.add_argument("--interrupt-then-watch", action="store_true")
    ap.add_argument("--tool")
    ap.add_argument("--two-on-one-port", action="store_true")
    ap.add_argument("--baud-refused", action="store_true")
    ap.add_argument("--port-and-usb", action="store_true")
    args = ap.parse_args()
    global TOOL
    TOOL = args.tool and os.path.abspath(args.tool)
    build = os.path.abspath(args.build)
    if args.list:
        print(";".join(CASES))
    elif args.pty:
        run_pty(build)
    elif args.demo:
        run_demo(build)
    elif args.soak:
        run_soak(build, args.soak)
    elif args.plain:
        run_plain(build)
    elif args.custom_port:
        run_custom_port(build)
    elif args.interrupt_then_watch:
        run_interrupt_then_watch(build)
    elif args.two_on_one_port:
        run_two_on_one_port(build)
    elif args.baud_refused:
        run_baud_refused(build)
    elif args.port_and_usb:
        run_port_and_usb(build)
    elif args.case in CASES:
        run_case(build, args.case, args.via)
    else:
        fail("unknown case %r" % args.case)


if __name__ == "__main__":
    main()
