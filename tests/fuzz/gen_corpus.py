#!/usr/bin/env python3
"""Writes the seed corpora under corpus/ (run from anywhere; rewrites only corpus/)."""
import functools
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- fuzz_at: [flags][n][n control bytes][port bytes] -----------------------------------
# Command indexes and time steps as in fuzz_at.c.
AT, ATE0, ATI, QGMR, CPIN, QFLDS, QFOTADL, QFUPL_A, QFUPL_B, QFUPL_C, QFUPL_D, QFUPL_E, \
    QFLST, QURCCFG, AT_LOWER, LONG_OK, LONG_BAD, EMPTY, WITH_CR, WITH_LF, \
    QFUPL_F, QFUPL_G = range(22)
STEP = {0: 0, 1: 1, 10: 2, 100: 3, 299: 4, 300: 5, 301: 6, 1000: 7, 4999: 8, 5000: 9,
        5001: 10, 10000: 11, 60000: 12, 90000: 13, 300000: 14, 1800000: 15}
RAW = b"0123456789abcdefghij"


class Script:
    def __init__(self, custom_urcs=False):
        self.flags = 1 if custom_urcs else 0
        self.ctl = bytearray()
        self.port = bytearray()

    def send(self, index):
        self.ctl.append(index << 3 | 0)
        return self

    def rx(self, data, chunk=32):
        if isinstance(data, str):
            data = data.encode()
        self.port += data
        left = len(data)
        while left > 0:
            if chunk <= 32:
                n = min(chunk, left)
                self.ctl.append((n - 1) << 3 | 1)
            else:
                k = min(chunk // 16, 32)
                n = min(k * 16, left)
                self.ctl.append((k - 1) << 3 | 2)
            left -= n
        return self

    def tick(self, ms):
        self.ctl.append(STEP[ms] << 3 | 3)
        return self

    def lost(self):
        self.ctl.append(4)
        return self

    def abort(self):
        self.ctl.append(5)
        return self

    def fail_writes(self, n):
        self.ctl.append(n << 3 | 6)
        return self

    def chain(self, index):
        self.ctl.append(((index + 1) if index is not None else 0) << 3 | 7)
        return self

    def bytes(self):
        assert len(self.ctl) <= 255, len(self.ctl)
        return bytes([self.flags, len(self.ctl)]) + bytes(self.ctl) + bytes(self.port)


def qfupl_checksum(data):
    if len(data) % 2:
        data += b"\0"
    return functools.reduce(lambda a, i: a ^ (data[i] << 8 | data[i + 1]), range(0, len(data), 2), 0)


def crlf(*lines):
    return "".join("\r\n%s\r\n" % l for l in lines)


FTP_URCS = crlf('+QIND: "FOTA","FTPSTART"', '+QIND: "FOTA","FTPEND",0')
UPDATE_URCS = crlf('+QIND: "FOTA","START"', '+QIND: "FOTA","UPDATING",1',
                   '+QIND: "FOTA","UPDATING",50', '+QIND: "FOTA","UPDATING",100',
                   '+QIND: "FOTA","END",0')
BOOT_URCS = crlf("RDY", "+CPIN: READY", "+QUSIM: 1", "+CFUN: 1", "+QIND: SMS DONE",
                 "+QIND: PB DONE")


def at_corpus():
    c = {}
    c["ati_echo"] = Script().send(ATI).rx(
        "ATI\r" + crlf("Quectel", "EM060K-GL", "Revision: EM060KGLAAR01A07M4G", "OK"), 7)
    c["qgmr_bytewise"] = Script().send(QGMR).rx(
        "AT+QGMR\r" + crlf("EM060KGLAAR01A07M4G_01.001.01.001", "OK"), 1)
    c["cpin_with_urc"] = Script().send(CPIN).rx(
        "AT+CPIN?\r" + crlf("+CPIN: READY", '+QIND: "FOTA","FTPSTART"', "OK"), 5)
    c["ftp_upgrade"] = (Script().send(QFOTADL).rx('AT+QFOTADL="http://h/f.zip"\r' + crlf("OK"))
                        .rx(FTP_URCS, 64).lost().tick(10000).rx(UPDATE_URCS, 48).lost()
                        .tick(60000).rx(BOOT_URCS, 32))
    c["http_spellings"] = (Script().send(QFOTADL).rx(crlf("OK")).rx(crlf(
        '+QIND: "FOTA", "HTTPSTART"', '+QIND: "FOTA", "HTTPEnd", 0',
        '+QIND: "FOTA","HTTPEPEND",701', '+QIND: "FOTA","HTTPSSTART"',
        '+QIND: "FOTA","HTTPSEND",0', '+QIND: "FOTA","DOWNLOADING",37%'), 16))
    c["bg96_restore"] = Script().rx(crlf(
        '+QIND: "FOTA","Last upgrade was not finished,continue upgrade"',
        '+QIND: "FOTA","RESTORE",1%', '+QIND: "FOTA","RESTORE",100%',
        '+QIND: "FOTA","END",502', '+QIND: "FOTA","FILESTART"', '+QIND: "FOTA","FILEEND",0'),
        32)
    body = RAW[:10]
    c["qfupl_ack"] = (Script().send(QFUPL_A).rx('AT+QFUPL="a.bin",10,5,1\r' + crlf("CONNECT"))
                      .rx("A", 1).rx("xA", 2)
                      .rx(crlf("+QFUPL: 10,%x" % qfupl_checksum(body), "OK"), 9))
    c["qfupl_ack_exact_blocks"] = (Script().send(QFUPL_B).rx(crlf("CONNECT"))
                                   .rx("AA", 1).rx(crlf("+QFUPL: 8,%x" % qfupl_checksum(RAW[:8]),
                                                        "OK")))
    c["qfupl_noack"] = (Script().send(QFUPL_C).rx(crlf("CONNECT"))
                        .rx(crlf("+QFUPL: 8,%x" % qfupl_checksum(RAW[:8]), "OK"), 3))
    c["qfupl_exists"] = Script().send(QFUPL_A).rx(crlf("+CME ERROR: 407"))
    c["qfupl_empty"] = Script().send(QFUPL_D).rx(crlf("CONNECT", "+QFUPL: 0,0", "OK"))
    c["qfupl_ack1_timeout0"] = (Script().send(QFUPL_E).rx(crlf("CONNECT")).rx("A" * 19, 1)
                                .tick(0).tick(1))
    # the module's final result in the middle of a transfer ends it at once
    c["qfupl_cme_mid_transfer"] = (Script().send(QFUPL_A).rx(crlf("CONNECT")).rx("A", 1)
                                   .rx(crlf("+CME ERROR: 409"), 1).send(AT).rx(crlf("OK")))
    c["qfupl_error_mid_transfer"] = (Script().send(QFUPL_B).rx(crlf("CONNECT"))
                                     .rx("\r\nERROR\r\nA", 2).tick(5001))
    # a URC with an 'A' in it while an acknowledgement is awaited, then the ack
    c["qfupl_urc_before_ack"] = (Script().send(QFUPL_A).rx(crlf("CONNECT"))
                                 .rx(crlf("+CPIN: READY") + "A", 3).rx("A", 1)
                                 .rx(crlf("+QFUPL: 10,%x" % qfupl_checksum(body), "OK")))
    # the source gives out after 6 bytes; the module answers after its own timeout
    c["qfupl_source_gives_out"] = (Script().send(QFUPL_F).rx(crlf("CONNECT")).rx("A", 1)
                                   .tick(1000).rx(crlf("+QFUPL: 6,%x" % qfupl_checksum(RAW[:6]),
                                                       "OK")).send(QFUPL_G).rx(crlf("CONNECT"))
                                   .tick(301))
    c["error_results"] = (Script().send(AT).rx(crlf("ERROR")).send(ATE0)
                          .rx(crlf("+CME ERROR: 10")).send(CPIN).rx(crlf("+CMS ERROR: 500"))
                          .send(ATI).rx(crlf("+CME ERROR: SIM busy")).send(QGMR)
                          .rx(crlf("+CME ERROR: 99999999999")))
    c["timeout"] = Script().send(AT).tick(299).tick(1).rx(crlf("OK")).send(QGMR).tick(5000)
    c["port_lost_pending"] = Script().send(ATI).rx("ATI\r\r\nQuec").lost().rx("tel\r\n" + crlf("OK"))
    c["overlong_line"] = Script().send(ATI).rx("\r\n" + "X" * 300 + "\r\n" + "Y" * 256 +
                                               "\r\n" + crlf("OK"), 64)
    c["write_failures"] = (Script().fail_writes(1).send(AT).send(QFUPL_A).fail_writes(1)
                           .rx(crlf("CONNECT")).fail_writes(0).send(AT).rx(crlf("OK")))
    c["chained"] = (Script().chain(AT).send(ATI).rx(crlf("Quectel", "OK")).chain(None)
                    .rx(crlf("OK")).send(AT).rx("AT\r" + crlf("OK")))
    c["abort_then_urcs"] = Script().send(QFOTADL).abort().rx(FTP_URCS, 64).send(AT).rx(crlf("OK"))
    c["noise"] = (Script().send(AT_LOWER).rx(b"\0\r\r\n\n\r \r\nat\r\r\n\0ok\r\n", 3)
                  .send(AT).rx(b"\r\nO").rx(b"K\r").rx(b"\n"))
    c["uart_boot_custom_urcs"] = (Script(custom_urcs=True).send(ATI).rx(BOOT_URCS, 16)
                                  .rx(crlf("OK")))
    c["invalid_sends"] = (Script().send(LONG_BAD).send(EMPTY).send(WITH_CR).send(WITH_LF)
                          .send(LONG_OK).send(AT).rx(crlf("OK"), 48))
    c["qflds_qflst_urcport"] = (Script().send(QFLDS).rx(crlf("+QFLDS: 123456,654321", "OK"))
                                .send(QFLST).rx(crlf('+QFLST: "UFS:update.zip",1234',
                                                     '+QFLST: "UFS:b.bin",8', "OK"), 17)
                                .send(QURCCFG).rx(crlf('+QURCCFG: "urcport","usbat"', "OK")))
    c["send_while_busy"] = Script().send(AT).send(ATI).rx(crlf("OK")).tick(1800000)
    return {k: v.bytes() for k, v in c.items()}


# ---- fuzz_qind: one line per file ---------------------------------------------------
QIND_LINES = [
    '+QIND: "FOTA","FTPSTART"', '+QIND: "FOTA","FTPEND",0', '+QIND: "FOTA","FTPEND",601',
    '+QIND: "FOTA","HTTPSTART"', '+QIND: "FOTA","HTTPEND",0', '+QIND: "FOTA", "HTTPSTART"',
    '+QIND: "FOTA", "HTTPEnd", 0', '+QIND: "FOTA","HTTPEPEND",701',
    '+QIND: "FOTA","HTTPSSTART"', '+QIND: "FOTA","HTTPSEND",714',
    '+QIND: "FOTA","DOWNLOADING",37%', '+QIND: "FOTA","START"',
    '+QIND: "FOTA","UPDATING",1', '+QIND: "FOTA","UPDATING",37%',
    '+QIND: "FOTA","END",0', '+QIND: "FOTA","END",505', '+QIND: "FOTA","RESTORE",1%',
    '+QIND: "FOTA","FILESTART"', '+QIND: "FOTA","FILEEND",0',
    '+QIND: "FOTA","Last upgrade was not finished,continue upgrade"',
    "RDY", "\r\nRDY\r\n", '\r +qind : "fota" , "updating" , 100 \r\n', "+QIND: SMS DONE",
    "+QIND: PB DONE", "+CPIN: READY", '+QIND: "FOTA","END",99999999999999',
    '+QIND: "FOTA","END', '+QIND: FOTA,UPDATING,5', '+QIND: "FOTA","UPDATING",5x',
]


# ---- fuzz_target: [prefix][msg size][out size][text] -----------------------------------
def target_corpus():
    p50 = "p" * 50
    t = [
        (0, 128, 128, "ftp://user:secretpw@ftp.example.com:21/pkg/update.zip"),
        (0, 128, 128, "FTP://User:Pass1234@10.0.0.1/update.zip"),
        (0, 128, 128, "ftp://anon.example.com/f.zip"),
        (0, 128, 128, "ftp://u:p@ss@host/f.zip"),
        (0, 128, 128, "ftp://u:p/ss@host/f.zip"),
        (0, 128, 128, "ftp://%s:pw12@h/f" % ("u" * 50)),
        (0, 128, 128, "ftp://%s:pw12@h/f" % ("u" * 51)),
        (0, 128, 128, "ftp://u:%s@h/f" % p50),
        (0, 128, 128, "ftp://u:%sp@h/f" % p50),
        (0, 128, 128, "ftp://u:pw12@%s/f" % ("h" * 50)),
        (0, 128, 128, "ftp://h/%s" % ("f" * 50)),
        (0, 128, 128, "ftp://h/%s" % ("f" * 51)),
        (0, 128, 128, "ftp://:pass@h/f"), (0, 128, 128, "ftp://user:@h/f"),
        (0, 128, 128, "ftp://user@h/f"), (0, 128, 128, "ftp://user:pass word@h/f"),
        (0, 64, 64, "ftp://user:hunter22@h:99999/f"),
        (0, 64, 64, "ftp://user:hunter22@h:2x1/f"),
        (0, 128, 128, "http://example.com/a.zip"), (0, 128, 128, "http://h:80/x"),
        (0, 128, 128, "https://h:443/dir/file.bin"), (0, 128, 128, "HTTPS://[::1]:8080/f"),
        (0, 128, 128, "http://h:0/f"), (0, 128, 128, "http://h:65535/f"),
        (0, 128, 128, "http://h:65536/f"), (0, 128, 128, "http://h:/f"),
        (0, 128, 128, "http://h"), (0, 128, 128, "http://h/"), (0, 128, 128, "http:///f"),
        (0, 128, 128, "http://u:pass@h/f"),
        (0, 128, 128, "http://h/" + "a" * 91), (0, 128, 128, "http://h/" + "a" * 92),
        (0, 128, 128, '/usrdata/cache/ufs/update.zip'), (1, 128, 128, "/cache/ufs/u.zip"),
        (2, 128, 128, "/data/ufs/u.zip"), (2, 128, 128, "/data/ufsx"),
        (3, 128, 128, "/usrdata/cache/ufs/"), (0, 128, 128, "/usrdata/cache/ufs/" + "a" * 81),
        (0, 128, 128, "/usrdata/cache/ufs/" + "a" * 82), (1, 128, 128, "/usrdata/cache/ufs/u"),
        (0, 128, 128, 'http://h/f"\r\nAT+CFUN=0'), (0, 128, 128, "http://h/f\x01"),
        (0, 128, 128, "http://h/f\x7f"), (0, 128, 128, "gopher://h/f"),
        (0, 128, 128, "update.zip"), (0, 0, 0, ""),
        (0, 1, 1, "ftp://user:secretpw@h/f"), (0, 5, 12, "ftp://user:secretpw@h/f"),
        (0, 200, 200, 'AT+QFOTADL="ftp://user:hunter22@h/f" and ftp://a:b@c@d/e'),
        (0, 200, 200, "\xc3\xa9t\xc3\xa9 http://h/\xc3\xa9.zip"),
        (0, 128, 128, "ftp://user@corp:s3cret@127.0.0.1/pkg.zip"),
        (0, 200, 200, 'AT+QFOTADL="ftp://a@b@c:s3cret@h:21/f"'),
        (0, 128, 128, "http://h/a.zip "), (0, 128, 128, " http://h/a.zip"),
        (0, 128, 128, "http://[::1]x:80/a.zip"), (0, 128, 128, "http://h]/a.zip"),
        (0, 128, 128, "not 'ftp://u:s3 cret@h/a'"), (0, 128, 128, "ftp://u:a/b@c@h/f"),
    ]
    out = {}
    for i, (prefix, msg, outsz, text) in enumerate(t):
        out["t%02d" % i] = bytes([prefix, msg, outsz]) + text.encode("latin-1")
    return out


# ---- fuzz_cli: NUL-separated fields ------------------------------------------------------
# [slot byte][scheme part] user password rest [other words ...]; the secret word is
# scheme "://" user ":" password "@" rest, put among the other words at the slot.
def cli_corpus():
    port = ["--port", "/dev/ttyUSB2"]
    t = [
        (1, "ftp", "user@corp", "s3cretPw", "127.0.0.1/pkg.zip", ["--json", "upgrade"] + port),
        (2, "ftp", "u", "s3cretPw", "h:21/up.zip", ["upgrade", "-v"] + port),
        (0, "ftp", "user", "s3cr3t", "h/f.zip", ["upgrade"] + port),
        (3, "ftp", "u", "s3 cret", "h/a", ["upgrade", "--port", "/x", "--first-urc-timeout",
                                          "http://h/f.zip"]),
        (1, "--ufs-prefix=ftp", "u", "pw1234", "h/f", ["upgrade", "/usrdata/a.zip"] + port),
        (2, "ftp", "u", "pw1234", "h/f", ["info", "--usb"]),
        (1, "ftp", "u", "pw1234", "h/f", ["info", "--port"]),
        (0, "ftp", "u", "pw1234", "h/f", ["--bogus", "upgrade"] + port),
        (4, "ftp", "u", "pw/12@34", "h/f", ["upgrade", "--baud", "0x10"] + port),
        (1, "ftp", "a@b", "c:d@e", "h:2121/x/y.zip", ["upgrade", "--command-timeout", "1.5",
                                                     "--stall-timeout", ".5"] + port),
        (1, "http", "u", "secret", "h/f", ["upgrade"] + port),
        (2, "ftp", "u", "se\"cret", "h/f", ["upgrade", "-q"] + port),
        (1, "ftp", "u", "secret", "h/f ", ["watch", "upgrade"] + port),
    ]
    out = {}
    for i, (slot, scheme, user, password, rest, words) in enumerate(t):
        fields = [bytes([slot]) + scheme.encode(), user.encode(), password.encode(),
                  rest.encode()] + [w.encode() for w in words]
        out["c%02d" % i] = b"\0".join(fields)
    return out


def write(name, files):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for k, v in files.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)


write("at", at_corpus())
write("qind", {"q%02d" % i: l.encode() for i, l in enumerate(QIND_LINES)})
write("target", target_corpus())
write("cli", cli_corpus())
