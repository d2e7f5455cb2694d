#!/usr/bin/python3
"""End-to-end cases of the upload (a package on the host, AT+QFUPL into the module's UFS):
the dfota CLI and the library (e2e-lib-runner) against the module simulator and its
injected faults. Every wait is on an event with a deadline; the simulator's log is the
module's side of the story (what it stored, what it deleted, when).

  e2e_upload.py --build DIR --list            the cases run through the CLI and the library
  e2e_upload.py --build DIR --list-cli        the cases run through the CLI alone
  e2e_upload.py --build DIR --case NAME --via cli|lib
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (the simulator, the servers and the helpers the cases share)
from e2e import QUICK, RUN_DEADLINE_S, fail, module_and_servers, read_line  # noqa: E402

NAME = "delta.bin"
SIZE = 20001  # odd: the checksum's lone last byte
BIG = 64 * 1024  # at 115200 baud some 5.7 s: room to act while it is sent
PACED = ["--baud-pace", "115200"]
LOCAL = "/usrdata/cache/ufs/"

# name: (simulator options, host options, result, code, what the module must show)
#   ok        one upload, the module's checksum ours, AT+QFOTADL of the local path
#   retried   a bad first upload deleted, the second one ok, then AT+QFOTADL
#   cleaned   the partial file deleted after the last upload; no AT+QFOTADL
#   untouched nothing written: no AT+QFUPL at all
#   refused   AT+QFUPL refused before any data; no AT+QFOTADL
CASES = {
    "upload_ok": ([], {}, "success", 0, "ok"),
    "upload_as_name": ([], {"as": "pkg-A09.bin"}, "success", 0, "ok"),
    "upload_ec200u": (["--family", "ec200u"], {}, "success", 0, "ok"),
    # Without acknowledgements the host writes far more than the pty holds: each write
    # must wait for room, within its command timeout.
    "upload_no_ack_large": ([], {"no_ack": "1", "size": str(2 * 1024 * 1024 + 1)}, "success", 0,
                            "ok"),
    "upload_sum_once": (["--upload-fault", "sum-once"], {}, "success", 0, "retried"),
    "upload_sum_always": (["--upload-fault", "sum-always"], {}, "upload_failed", None, "cleaned"),
    "upload_short_once": (["--upload-fault", "short-once"], {}, "success", 0, "retried"),
    "upload_short_always": (["--upload-fault", "short-always"], {}, "upload_failed", None,
                            "cleaned"),
    # A module timeout far longer than the run may take: the error must be seen at once.
    "upload_cme_mid_transfer": (["--upload-fault", "cme-at:5000"], {"upload_timeout": "30"},
                                "upload_failed", 409, "cleaned"),
    "upload_no_space": (["--ufs-free", "20000"], {}, "upload_failed", None, "untouched"),
    "upload_locked_file": (["--ufs-locked-file", NAME + ":100"], {}, "upload_failed", 407,
                           "refused"),
    # The host waits the module's data timeout and one command timeout for the 'A'.
    "upload_stops_acknowledging": (["--upload-fault", "stop-ack-after:3"],
                                   {"upload_timeout": "1", "command_timeout": "1"}, "timeout",
                                   None, "cleaned"),
}
SPECIAL = ["upload_then_upgrade", "upload_changes_size", "upload_bad_input"]
CLI_ONLY = ["upload_interrupted", "upload_progress_bar", "upload_narrow_terminal"]


def qfupl_sum(data):
    """The module's checksum: 16-bit XOR of big-endian byte pairs, a lone last byte high."""
    total = 0
    for i in range(0, len(data), 2):
        total ^= (data[i] << 8) | (data[i + 1] if i + 1 < len(data) else 0)
    return total


def make_package(work, size, name=NAME):
    path = os.path.join(work, name)
    data = os.urandom(size)
    with open(path, "wb") as f:
        f.write(data)
    return path, data


def host_command(build, via, link, package, opts, only=False):
    if via == "cli":
        cmd = [e2e.tool_path(build)] + (["upload", "--json", "-v", package] if only else
                                         ["upgrade", "--json", "-v", "--upload", package])
        cmd += ["--port", link]
        if "as" in opts:
            cmd += ["--as", opts["as"]]
        if "upload_timeout" in opts:
            cmd += ["--upload-timeout", opts["upload_timeout"]]
        if "no_ack" in opts:
            cmd += ["--upload-no-ack"]
        if "command_timeout" in opts:
            cmd += ["--command-timeout", opts["command_timeout"]]
        return e2e.wrapper() + cmd
    cmd = [os.path.join(build, "tests", "e2e", "e2e-lib-runner"), link, package, "0", "0",
           "upload-only" if only else "upload"]
    if "as" in opts:
        cmd.append("as=" + opts["as"])
    if "upload_timeout" in opts:
        cmd.append("upload-timeout=" + opts["upload_timeout"])
    if "no_ack" in opts:
        cmd.append("upload-no-ack")
    if "command_timeout" in opts:
        cmd.append("command-timeout=%d" % (float(opts["command_timeout"]) * 1000))
    return e2e.wrapper() + cmd


def events_of(via, stdout):
    """The host's events as dicts with at least 'event' (and 'percent', 'ok', 'checksum'
    where the CLI's JSON or the runner's line has them), and the done (result, code)."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    if not lines:
        fail("no output")
    if via == "cli":
        objects = [json.loads(l) for l in lines]
        done = objects[-1]
        if done.get("event") != "done":
            fail("the last JSON line is not 'done': %s" % lines[-1])
        return objects, done["result"], done["code"], done["message"]
    events = [runner_event(l) for l in lines[:-1]]
    words = lines[-1].split()
    if words[0] != "done":
        fail("the runner's last line is not 'done': %s" % lines[-1])
    code = int(words[2])
    message = [e["text"] for e in events if e["event"] == "done"]
    return events, words[1], (None if code < 0 else code), (message or [""])[-1]


def runner_event(line):
    """'event NAME percent=.. code=.. attempt=.. bytes=.. ok=.. text=...' as a dict."""
    head, _, text = line.partition(" text=")
    words = head.split()
    ev = {"event": words[1], "text": text}
    for w in words[2:]:
        key, _, value = w.partition("=")
        ev[key] = int(value)
    if ev["event"] == "upload_end":
        ev["ok"] = bool(ev["ok"])
        ev["checksum"] = text
    return ev


def uploads(log, name):
    """Each AT+QFUPL the module began storing for name, as log offsets."""
    return [m.start() for m in re.finditer(r"QFUPL: %s, \d+ bytes" % re.escape(name), log)]


def check_module(kind, log, name, data, family):
    began = uploads(log, name)
    sums = re.findall(r"tx \+QFUPL: (\d+),([0-9a-f]+)", log)
    local = ("UFS:" if family == "ec200u" else LOCAL) + name
    if kind in ("ok", "retried"):
        want = (str(len(data)), "%x" % qfupl_sum(data))
        if not sums or sums[-1] != want:
            fail("the module's last +QFUPL is %s, the package's is %s" % (sums[-1:], want))
        if 'rx AT+QFOTADL="%s"' % local not in log:
            fail("no AT+QFOTADL of %s" % local)
        if len(began) != (1 if kind == "ok" else 2):
            fail("%d uploads for %s" % (len(began), kind))
        if kind == "retried" and "UFS: %s deleted" % name not in log[began[0]:began[1]]:
            fail("the bad first upload was not deleted before the retry")
        return
    if "rx AT+QFOTADL" in log:
        fail("AT+QFOTADL after a failed upload")
    if kind == "untouched" and "rx AT+QFUPL" in log:
        fail("AT+QFUPL sent for a package that does not fit")
    if kind == "refused" and ("rx AT+QFUPL" not in log or began):
        fail("AT+QFUPL not refused before any data")
    if kind == "cleaned":
        if not began:
            fail("no upload began")
        if "UFS: %s deleted" % name not in log[began[-1]:]:
            fail("the partial file was left on the module")


def run(cmd, deadline_s=RUN_DEADLINE_S):
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=deadline_s)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (cmd[0], deadline_s))
    return proc, time.monotonic() - started


def check_exit(via, rc, result):
    if via == "cli" and rc != e2e.EXIT_OF.get(result, 1):
        fail("exit status %d for %s" % (rc, result))
    if via == "lib" and (rc == 0) != (result == "success"):
        fail("exit status %d for %s" % (rc, result))


def seconds_between(log, first, then):
    """Simulator time from the line holding first to the next line holding then."""
    stamp = r"\[dfota-sim\s+([0-9.]+)\] "
    a = re.search(stamp + ".*" + re.escape(first), log)
    b = a and re.compile(stamp + ".*" + re.escape(then)).search(log, a.end())
    if not a or not b:
        fail("no %r followed by %r in the module's log" % (first, then))
    return float(b.group(1)) - float(a.group(1))


def run_case(build, name, via):
    sim_opts, opts, want_result, want_code, kind = CASES[name]
    family = sim_opts[sim_opts.index("--family") + 1] if "--family" in sim_opts else "em060k"
    with module_and_servers(build, QUICK + sim_opts) as (servers, sim):
        package, data = make_package(servers.root, int(opts.get("size", SIZE)))
        proc, took = run(host_command(build, via, sim.link, package, opts))
        log = sim.dialogue()
        events, result, code, message = events_of(via, proc.stdout)
        print("%s via %s: %s code %s in %.1f s (expected %s %s): %s" % (
            name, via, result, code, took, want_result, want_code, message))
        if result != want_result or code != want_code:
            print(proc.stdout + "\n--- stderr\n" + proc.stderr + "\n--- simulator\n" + log)
            fail("unexpected outcome")
        check_exit(via, proc.returncode, result)
        check_module(kind, log, opts.get("as", NAME), data, family)
        names = [e["event"] for e in events]
        ends = [e for e in events if e["event"] == "upload_end"]
        if kind in ("ok", "retried", "cleaned") and name != "upload_cme_mid_transfer" and \
                name != "upload_stops_acknowledging":
            if not ends or ends[-1]["ok"] != (want_result == "success"):
                fail("upload_end events: %s" % ends)
        if want_result == "success":
            if "upload_progress" not in names or not ends[-1]["ok"] or \
                    ends[-1]["checksum"] != "%x" % qfupl_sum(data):
                fail("no upload_progress, or a wrong upload_end: %s" % ends)
            if [e for e in events if e["event"] == "upload_progress"][-1]["percent"] != 100:
                fail("the upload's progress did not reach 100 %")
        if kind == "retried" and len(ends) != 2:
            fail("expected two upload_end events, saw %d" % len(ends))
        if name == "upload_cme_mid_transfer":
            gap = seconds_between(log, "error injected", "rx AT+QFDEL")
            if gap > 3:
                fail("+CME ERROR mid-transfer seen only after %.1f s" % gap)
            print("the error was seen and the partial file deleted %.2f s after it" % gap)
        if name == "upload_stops_acknowledging":
            gap = seconds_between(log, "stops acknowledging", "transfer ended")
            if "rx AT+QFDEL" not in log[log.find("transfer ended"):] or gap < 0.9:
                fail("the partial file was not deleted after the module's data timeout")


def run_then_upgrade(build, via):
    """`dfota upload` alone prints the module's path; `dfota upgrade ... <that path>` then
    upgrades from it."""
    with module_and_servers(build, QUICK) as (servers, sim):
        package, data = make_package(servers.root, SIZE)
        only, _ = run(host_command(build, via, sim.link, package, {"as": "later.bin"}, only=True))
        events, result, _, message = events_of(via, only.stdout)
        check_exit(via, only.returncode, result)
        if result != "success" or message != "uploaded to " + LOCAL + "later.bin":
            fail("upload alone: %s, %r\n%s" % (result, message, only.stderr))
        if "rx AT+QFOTADL" in sim.dialogue():
            fail("an upload alone sent AT+QFOTADL")
        path = message[len("uploaded to "):]
        if via == "cli":  # the path in a field of its own, and the lines a person reads
            if events[-1].get("path") != path:
                fail("the done event has no path field: %s" % events[-1])
            plain, _ = run(e2e.wrapper() + [e2e.tool_path(build), "upload", "--port", sim.link,
                                            package, "--as", "plain.bin"])
            if plain.returncode != 0 or not plain.stdout.splitlines()[-1].startswith(
                    "uploaded to %splain.bin in " % LOCAL):
                fail("plain upload: exit %d\n%s" % (plain.returncode, plain.stdout))
            # -q prints only the answer: the path, for a script to take
            quiet, _ = run(e2e.wrapper() + [e2e.tool_path(build), "upload", "-q", "--port",
                                            sim.link, package, "--as", "quiet.bin"])
            if quiet.returncode != 0 or quiet.stdout != LOCAL + "quiet.bin\n":
                fail("upload -q: exit %d, printed %r" % (quiet.returncode, quiet.stdout))
        cmd = (e2e.wrapper() + [e2e.tool_path(build), "upgrade", "--json", "--port", sim.link,
                                path] if via == "cli" else
               e2e.wrapper() + [os.path.join(build, "tests", "e2e", "e2e-lib-runner"),
                                sim.link, path])
        upgrade, _ = run(cmd)
        _, result, _, message = events_of(via, upgrade.stdout)
        check_exit(via, upgrade.returncode, result)
        if result != "success" or 'rx AT+QFOTADL="%s"' % path not in sim.dialogue():
            fail("upgrade from %s: %s %s\n%s" % (path, result, message, sim.dialogue()))
        check_module("ok", sim.dialogue(), "later.bin", data, "em060k")
    print("uploaded to %s, then upgraded from it: %s" % (path, message))


def stream_until(proc, via, wanted, deadline):
    """Reads the host's event lines until wanted(event) holds; returns that event."""
    while time.monotonic() < deadline:
        line = read_line(proc.stdout, deadline)
        if not line:
            break
        if via == "cli":
            ev = json.loads(line)
        elif line.startswith("event "):
            ev = runner_event(line.strip())
        else:
            continue
        if wanted(ev):
            return ev
    proc.kill()
    fail("the awaited event never came")


def in_flight(ev):
    return ev["event"] == "upload_progress" and 0 < ev["percent"] < 100


def run_changes_size(build, via):
    """The package grows while it is sent (a paced link: some 5 s to send it; the file is
    appended to on the first progress report): upload_failed, the partial file deleted
    once the module's data timeout (2 s) ended its transfer."""
    with module_and_servers(build, QUICK + PACED) as (servers, sim):
        package, _ = make_package(servers.root, BIG)
        proc = subprocess.Popen(host_command(build, via, sim.link, package,
                                             {"upload_timeout": "2"}),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        ev = stream_until(proc, via, in_flight, time.monotonic() + 30)
        with open(package, "ab") as f:
            f.write(b"grown while sent")
        rest, err = proc.communicate(timeout=RUN_DEADLINE_S)
        events, result, _, message = events_of(via, rest.decode(errors="replace"))
        check_exit(via, proc.returncode, result)
        if result != "upload_failed" or "size" not in message:
            fail("a package that grew at %d %%: %s %r\n%s" % (ev["percent"], result, message,
                                                              err.decode(errors="replace")))
        check_module("cleaned", sim.dialogue(), NAME, b"", "em060k")
    print("grew at %d %% of the upload: %s: %s" % (ev["percent"], result, message))


def run_bad_input(build, via):
    """Refused with exit 2 before anything is sent: a file that does not exist, a
    directory, an empty file, a name with a quote, a name over 64 bytes."""
    with module_and_servers(build, QUICK) as (servers, sim):
        package, _ = make_package(servers.root, SIZE)
        empty, _ = make_package(servers.root, 0, "empty.bin")
        bad = [(os.path.join(servers.root, "missing.bin"), {}, "does not exist"),
               (servers.root, {}, "not a regular file"),
               (empty, {}, "empty"),
               (package, {"as": 'a"b.bin'}, "quote"),
               (package, {"as": "n" * 65}, "at most 64")]
        for path, opts, why in bad:
            proc, _ = run(host_command(build, via, sim.link, path, opts))
            _, result, _, _ = events_of(via, proc.stdout)
            want_rc = 2 if via == "cli" else 1
            if proc.returncode != want_rc or result != "invalid_target" or \
                    why not in proc.stderr:
                fail("%s %s: exit %d, %s\n%s" % (path, opts, proc.returncode, result,
                                                 proc.stderr))
            print("refused (%s): %s" % (why, [l for l in proc.stderr.splitlines()
                                              if why in l][0]))
        if "rx " in sim.dialogue():
            fail("bad input reached the module:\n%s" % sim.dialogue())


def run_interrupted(build, via):
    """SIGINT during the upload: exit 130 at once. The module is still in its transfer
    and takes what comes as data; once its data timeout (--upload-timeout) has passed
    without data it ends the transfer and answers AT again: the next `dfota info` gets
    through within that timeout and its own command timeout."""
    timeout_s = 2
    with module_and_servers(build, QUICK + PACED) as (servers, sim):
        package, _ = make_package(servers.root, BIG)
        proc = subprocess.Popen(host_command(build, via, sim.link, package,
                                             {"upload_timeout": str(timeout_s)}),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        stream_until(proc, via, in_flight, time.monotonic() + 30)
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=10)
        took = time.monotonic() - sent_at
        done = json.loads(rest.decode().splitlines()[-1])
        if proc.returncode != 130 or done["result"] != "interrupted" or took > 2:
            fail("SIGINT: exit %d, %s, after %.2f s" % (proc.returncode, done, took))
        info, info_took = run(e2e.wrapper() + [e2e.tool_path(build), "info", "--json", "--port",
                                               sim.link])
        _, result, _, message = events_of("cli", info.stdout)
        log = sim.dialogue()
        ended = log.find("transfer ended")
        if info.returncode != 0 or result != "success" or ended < 0 or \
                "rx ATI" not in log[ended:] or info_took > timeout_s + 5 + 3:
            fail("info after the interrupt: exit %d, %s in %.1f s\n%s" % (
                info.returncode, message, info_took, log))
    print("interrupted in %.2f s (exit 130); info answered after %.1f s: %s" % (
        took, info_took, message))


def run_progress_bar(build, via):
    """`dfota upload` on a terminal over a paced 115200-baud link: the live bar moves
    through the upload with its rate (about the line's 11.5 KB/s: one block's report
    comes when it is written, so a single figure may be some 10 % off) and the time
    left."""
    with module_and_servers(build, QUICK + PACED) as (servers, sim):
        package, _ = make_package(servers.root, BIG // 2)
        status, out = e2e.run_tool_on_terminal(
            e2e.wrapper() + [e2e.tool_path(build), "upload", "--port", sim.link, package])
    drawn = re.findall(r"uploading\s+\[[#.]+\]\s+(\d+)%.*?([0-9.]+) KB/s\s+(\S+) left", out)
    middle = [d for d in drawn if 0 < int(d[0]) < 100]
    if status != 0 or "\r\033[K" not in out or len(middle) < 3 or \
            "uploaded to " + LOCAL + NAME not in out:
        fail("upload on a terminal: exit %d, %d bars drawn mid-way\n%r" % (status, len(middle),
                                                                            out[-2000:]))
    rates = sorted(float(rate) for _, rate, _ in middle)
    median = rates[len(rates) // 2]
    if not 10 < median < 12.2 or not all(5 < rate < 15 for rate in rates):
        fail("rates against the line's 11.52 KB/s: median %.1f of %s" % (median, rates))
    print("%d bars drawn mid-way, median %.1f KB/s; e.g. %s %%, %s KB/s, %s left" % (
        (len(middle), median) + middle[len(middle) // 2]))


def drawn_lines(out):
    """Each state of the live line: what follows a redraw's "\\r\\033[K" up to the next
    redraw (a line that ends with a newline, CRLF on the terminal, is an ordinary line
    printed after a clear)."""
    lines = []
    for piece in out.split("\r\033[K")[1:]:
        text = re.split(r"\r|\n", piece, maxsplit=1)[0]
        if text and not piece[len(text):].startswith(("\r\n", "\n")):
            lines.append(text)
    return lines


def run_narrow_terminal(build, via):
    """The live line fits the terminal: on 60 columns the upload's least useful parts go
    first (no wrapped line is left behind at a redraw), and after a resize to 30 columns
    (SIGWINCH) the next redraw fits the new width."""
    resized = []

    def resize_after_three_bars(proc, master, output):
        if not resized and len(re.findall(rb"uploading +\[[#.]+\] +\d+%", output)) >= 3:
            e2e.set_terminal_width(master, 30)
            proc.send_signal(signal.SIGWINCH)
            resized.append(len(output.decode(errors="replace")))

    with module_and_servers(build, QUICK + PACED) as (servers, sim):
        package, _ = make_package(servers.root, BIG // 4)
        status, out = e2e.run_tool_on_terminal(
            e2e.wrapper() + [e2e.tool_path(build), "upload", "--port", sim.link, package],
            columns=60, on_output=resize_after_three_bars)
    if status != 0 or not resized:
        fail("upload on a 60-column terminal: exit %d, resized %s\n%r" % (status, resized,
                                                                          out[-2000:]))
    before, after = drawn_lines(out[:resized[0]]), drawn_lines(out[resized[0]:])
    too_wide = [l for l in before if len(l) > 59] + [l for l in after[1:] if len(l) > 29]
    if too_wide or not before or len(after) < 2:
        fail("lines wider than the terminal: %r (before %d, after %d)" % (too_wide, len(before),
                                                                         len(after)))
    if not any("uploading" in l and "%" in l for l in after[1:]):
        fail("the narrow line lost the phase or the percentage: %r" % after[1:])
    if not any(re.match(r"uploading +\[[#.]{24}\] +\d+%", l) for l in before):
        fail("on 60 columns the bar did not keep its width: %r" % before)
    print("60 columns: %r; 30 columns: %r" % (before[-1], after[-1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--list-cli", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("--via", choices=["cli", "lib"], default="cli")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    special = {"upload_then_upgrade": run_then_upgrade, "upload_changes_size": run_changes_size,
               "upload_bad_input": run_bad_input, "upload_interrupted": run_interrupted,
               "upload_progress_bar": run_progress_bar,
               "upload_narrow_terminal": run_narrow_terminal}
    if args.list:
        print(";".join(list(CASES) + SPECIAL))
    elif args.list_cli:
        print(";".join(CLI_ONLY))
    elif args.case in CASES:
        run_case(build, args.case, args.via)
    elif args.case in special:
        special[args.case](build, args.via)
    else:
        fail("unknown case %r" % args.case)


if __name__ == "__main__":
    main()
