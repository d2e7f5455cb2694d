#!/usr/bin/env python3
"""dfota-sim's file commands over its pty: AT+QFLDS, AT+QFLST, AT+QFDEL, AT+QFUPL in ack
mode with the checksum, the injected faults, the local AT+QFOTADL check and --baud-pace.

Usage: test_sim_ufs.py SIM_BINARY [CASE]   (no CASE: all cases)"""
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import termios
import time
import tty

DEADLINE_S = 10


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def checksum(data):
    """The module's XOR over big-endian byte pairs; an odd last byte is a high byte."""
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s ^= data[i] << 8 | data[i + 1]
    return s


class Sim:
    def __init__(self, binary, options):
        self.work = tempfile.mkdtemp(prefix="dfota-sim-ufs-")
        self.link = os.path.join(self.work, "ttyUSB2")
        self.logpath = os.path.join(self.work, "sim.log")
        self.proc = subprocess.Popen([binary, "--link", self.link, "--log", self.logpath,
                                      "--exit-after", "60"] + options,
                                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        ready = self.proc.stdout.readline().decode()
        if ready.strip() != "ready " + self.link:
            fail("simulator not ready: %r" % ready)
        self.fd = os.open(self.link, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.buf = b""
        self.command("ATE0")

    def close(self):
        os.close(self.fd)
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        log = open(self.logpath, errors="replace").read()
        for name in os.listdir(self.work):
            os.unlink(os.path.join(self.work, name))
        os.rmdir(self.work)
        return log

    def read_some(self, deadline):
        left = deadline - time.monotonic()
        if left > 0 and select.select([self.fd], [], [], left)[0]:
            self.buf += os.read(self.fd, 4096)
            return True
        return False

    def line(self, deadline=None):
        """The next non-empty line, or None at the deadline."""
        deadline = deadline or time.monotonic() + DEADLINE_S
        while True:
            self.buf = self.buf.lstrip(b"\r\n")
            end = self.buf.find(b"\r\n")
            if end > 0:
                text, self.buf = self.buf[:end], self.buf[end + 2:]
                return text.decode(errors="replace")
            if not self.read_some(deadline):
                return None

    def final(self, deadline=None):
        """The lines up to a final result (or CONNECT): (lines, final)."""
        lines = []
        while True:
            text = self.line(deadline)
            if text is None:
                return lines, None
            if text in ("OK", "ERROR", "CONNECT") or text.startswith("+CME ERROR:"):
                return lines, text
            lines.append(text)

    def command(self, text, expect=None):
        os.write(self.fd, (text + "\r").encode())
        lines, final = self.final()
        if expect is not None and final != expect:
            fail("%s: expected %s, got %r %r" % (text, expect, lines, final))
        return lines, final

    def wait_ack(self, deadline):
        """True on 'A'; False at the deadline; an error line ends it too (returned)."""
        while True:
            self.buf = self.buf.lstrip(b"\r\n") if not self.buf.startswith(b"A") else self.buf
            if self.buf.startswith(b"A"):
                self.buf = self.buf[1:]
                return True
            if b"\r\n" in self.buf:
                return self.line()
            if not self.read_some(deadline):
                return False

    def upload(self, name, data, timeout_s=5, stop_after=None):
        """AT+QFUPL in ack mode: (lines, final, blocks acknowledged)."""
        _, final = self.command('AT+QFUPL="%s",%d,%d,1' % (name, len(data), timeout_s))
        if final != "CONNECT":
            return [], final, 0
        acked = 0
        for off in range(0, len(data), 1024):
            block = data[off:off + 1024]
            os.write(self.fd, block)
            if stop_after is not None and acked == stop_after:
                return [], None, acked
            if len(block) == 1024:
                got = self.wait_ack(time.monotonic() + DEADLINE_S)
                if got is not True:
                    return [], got, acked
                acked += 1
        lines, final = self.final()
        return lines, final, acked


def payload(n, seed=1):
    return random.Random(seed).randbytes(n)


def case_commands(binary):
    sim = Sim(binary, [])
    lines, _ = sim.command('AT+QFLDS="UFS"', "OK")
    if lines != ["+QFLDS: 134217728,134217728"]:
        fail("QFLDS: %r" % lines)
    data = payload(5001)
    lines, final, acked = sim.upload("pkg.bin", data)
    if final != "OK" or acked != 4 or lines != ["+QFUPL: 5001,%x" % checksum(data)]:
        fail("upload: %r %r %d" % (lines, final, acked))
    lines, _ = sim.command('AT+QFLST="*"', "OK")
    if lines != ['+QFLST: "UFS:pkg.bin",5001']:
        fail("QFLST: %r" % lines)
    lines, _ = sim.command('AT+QFLDS="UFS"', "OK")
    if lines != ["+QFLDS: %d,134217728" % (134217728 - 5001)]:
        fail("QFLDS after upload: %r" % lines)
    sim.command('AT+QFUPL="pkg.bin",10,5,1', "+CME ERROR: 407")
    sim.command('AT+QFOTADL="/usrdata/cache/ufs/missing.bin"', "ERROR")
    sim.command('AT+QFDEL="pkg.bin"', "OK")
    sim.command('AT+QFDEL="pkg.bin"', "+CME ERROR: 405")
    sim.command('AT+QFOTADL="/usrdata/cache/ufs/pkg.bin"', "ERROR")
    # an even size: the last block is acknowledged too; then the local upgrade finds it
    data = payload(4096, 2)
    lines, final, acked = sim.upload("pkg.bin", data)
    if final != "OK" or acked != 4 or lines != ["+QFUPL: 4096,%x" % checksum(data)]:
        fail("whole blocks: %r %r %d" % (lines, final, acked))
    # OK, then the module reboots at once (the OK may be lost with the port): the log tells
    os.write(sim.fd, b'AT+QFOTADL="/usrdata/cache/ufs/pkg.bin"\r')
    deadline = time.monotonic() + DEADLINE_S
    while os.path.exists(sim.link) and time.monotonic() < deadline:
        sim.read_some(min(deadline, time.monotonic() + 0.05))
    log = sim.close()
    if "local package /usrdata/cache/ufs/pkg.bin: no download" not in log:
        fail("the local upgrade did not start:\n" + log)


def expect_two(binary, fault, first_ok, second_ok, short):
    sim = Sim(binary, ["--upload-fault", fault])
    data = payload(3000)
    for ok in (first_ok, second_ok):
        lines, final, _ = sim.upload("f.bin", data)
        count, _, sum_text = lines[0].partition(",") if lines else ("", "", "")
        good = lines == ["+QFUPL: 3000,%x" % checksum(data)] and final == "OK"
        if good != ok:
            fail("%s: %r %r" % (fault, lines, final))
        if not ok and short and count != "+QFUPL: 2999":
            fail("%s: count %r" % (fault, lines))
        sim.command('AT+QFDEL="f.bin"', "OK")
    sim.close()


def case_faults_sum_short(binary):
    expect_two(binary, "sum-once", False, True, False)
    expect_two(binary, "sum-always", False, False, False)
    expect_two(binary, "short-once", False, True, True)
    expect_two(binary, "short-always", False, False, True)


def case_cme_mid_transfer(binary):
    sim = Sim(binary, ["--upload-fault", "cme-at:2100"])
    lines, final, acked = sim.upload("f.bin", payload(5000))
    if final != "+CME ERROR: 409" or acked != 2:
        fail("cme: %r %r %d" % (lines, final, acked))
    sim.command("AT", "OK")  # the rest of the block did not reach the command parser
    lines, _ = sim.command('AT+QFLST="f.bin"', "OK")
    if lines != ['+QFLST: "UFS:f.bin",2100']:
        fail("partial file: %r" % lines)
    sim.command('AT+QFDEL="f.bin"', "OK")
    sim.close()


def case_stop_ack(binary):
    sim = Sim(binary, ["--upload-fault", "stop-ack-after:2"])
    os.write(sim.fd, b'AT+QFUPL="f.bin",5000,1,1\r')
    if sim.final()[1] != "CONNECT":
        fail("no CONNECT")
    data = payload(5000)
    for n in range(3):
        os.write(sim.fd, data[n * 1024:(n + 1) * 1024])
        got = sim.wait_ack(time.monotonic() + (DEADLINE_S if n < 2 else 2.0))
        if got is not (n < 2):
            fail("block %d: %r" % (n, got))
    # the module's 1 s data timeout ends its transfer silently; until then it takes "AT"
    # as data and answers nothing
    deadline = time.monotonic() + DEADLINE_S
    while True:
        os.write(sim.fd, b"AT\r")
        if sim.final(time.monotonic() + 0.3)[1] == "OK":
            break
        if time.monotonic() > deadline:
            fail("the hung module never came back")
    lines, final = sim.command('AT+QFLST="f.bin"', "OK")
    if lines != ['+QFLST: "UFS:f.bin",3072']:
        fail("partial file: %r" % lines)
    sim.close()


def case_data_timeout(binary):
    sim = Sim(binary, [])
    lines, final, _ = sim.upload("f.bin", payload(5000), timeout_s=1, stop_after=1)
    start = time.monotonic()
    lines, final = sim.final()
    waited = time.monotonic() - start
    if final != "+CME ERROR: 421" or not 0.5 < waited < 3:
        fail("data timeout: %r after %.1f s" % (final, waited))
    sim.close()


def case_space_and_locked(binary):
    sim = Sim(binary, ["--ufs-free", "1000", "--ufs-locked-file", "old.bin:77",
                       "--ufs-file", "x.bin:5"])
    lines, _ = sim.command('AT+QFLDS="UFS"', "OK")
    if lines != ["+QFLDS: 1000,134217728"]:
        fail("QFLDS: %r" % lines)
    sim.command('AT+QFUPL="big.bin",5000,5,1', "+CME ERROR: 420")
    sim.command('AT+QFDEL="old.bin"', "ERROR")
    sim.command('AT+QFUPL="old.bin",10,5,1', "+CME ERROR: 407")
    lines, _ = sim.command('AT+QFLST="*"', "OK")
    if sorted(lines) != ['+QFLST: "UFS:old.bin",77', '+QFLST: "UFS:x.bin",5']:
        fail("QFLST: %r" % lines)
    sim.close()


def case_baud_pace(binary):
    baud = 115200
    sim = Sim(binary, ["--baud-pace", str(baud)])
    data = payload(32 * 1024)
    start = time.monotonic()
    lines, final, _ = sim.upload("f.bin", data)
    took = time.monotonic() - start
    line_s = len(data) * 10 / baud
    if final != "OK":
        fail("paced upload: %r" % final)
    ratio = line_s / took
    print("paced upload: %d bytes in %.2f s, line time %.2f s, %.1f %% of the line rate"
          % (len(data), took, line_s, 100 * ratio))
    if ratio > 1.01:
        fail("faster than the line: %.3f" % ratio)
    if ratio < 0.5:
        fail("far slower than the line: %.3f" % ratio)
    sim.close()


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    binary = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    for name in names:
        CASES[name](binary)
        print("ok " + name, flush=True)


if __name__ == "__main__":
    main()
