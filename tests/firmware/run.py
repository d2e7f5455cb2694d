#!/usr/bin/python3
"""The bare-metal firmware (examples/firmware) under QEMU's mps2-an385, its UART on the
module simulator's pseudo-terminal (a UART module: the port never goes away), with the
loopback HTTP server of the end-to-end tests. Every wait has a deadline.

  run.py --build DIR --firmware-build DIR --case NAME   one upgrade case
  run.py --build DIR --firmware-build DIR --list        the case names
  run.py --firmware-build DIR --footprint [--full-build DIR]
                                                        flash figures: the core's share of
                                                        the linked image (from the linker
                                                        map), checked against the target;
                                                        --full-build: the same firmware
                                                        with every part of the library in,
                                                        for comparison
  run.py --firmware-build DIR --choice-costs SCRATCH   what each build choice of the
                                                        firmware costs in the core's flash
                                                        (builds it once per choice in
                                                        SCRATCH; figures, not a test)
DIR (--build) is the host build holding tests/sim/dfota-sim.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import e2e  # noqa: E402  (the simulator, the loopback servers, fail())

RUN_DEADLINE_S = 60
# The core's flash as linked into the firmware, with the build choices the firmware makes
# (examples/firmware/CMakeLists.txt): the test fails at the target.
CORE_FLASH_TARGET = 16 * 1024
RAM_TARGET = 8 * 1024
EXIT_OF = {"success": 0, "invalid": 1, "update_failed": 5, "timeout": 6}
URL_MAX = 255  # the DFOTA_URL_MAX examples/firmware builds the core with

# name: (simulator options, first-URC window in ms, result, update attempts)
CASES = {
    "http_ok": ([], 90000, "success", 1),
    "retry_502_ok": (["--ends", "502,0"], 90000, "success", 2),
    "silent_after_reboot": (["--silent-after-reboot"], 1000, "timeout", 0),
    "url_over_build_limit": ([], 90000, "invalid", 0),
    "ftp_left_out": ([], 90000, "invalid", 0),
    "local_left_out": ([], 90000, "invalid", 0),
}
# What a refusal names: the build choice whose limit the target broke.
REFUSAL_NAMES = {"url_over_build_limit": "(DFOTA_URL_MAX)", "ftp_left_out": "(DFOTA_WITH_FTP=0)",
                 "local_left_out": "(DFOTA_WITH_UPLOAD=0)"}
FTP_PASSWORD = "fw-s3cret"


def case_target(name, servers):
    """The case's target: for url_over_build_limit one a byte longer than the build takes
    (the generic rules, 700 bytes, would let it through); for ftp_left_out an FTP URL with
    a password, which a build without ftp:// refuses and never prints."""
    if name == "ftp_left_out":
        return "ftp://fw:%s@127.0.0.1/update.zip" % FTP_PASSWORD
    if name == "local_left_out":  # a package in the module's file system: the upload's part
        return "/usrdata/cache/ufs/update.zip"
    url = servers.target("http")
    if name == "url_over_build_limit":
        url = url.replace("/update", "/" + "d" * (URL_MAX - len(url)) + "/update", 1)
        assert len(url) == URL_MAX + 1, len(url)
    return url


def qemu_command(elf, serial, target, first_urc_ms):
    return ["qemu-system-arm", "-M", "mps2-an385", "-display", "none", "-monitor", "none",
            "-nodefaults", "-nic", "none",
            "-chardev", "serial,id=modem,path=" + serial, "-serial", "chardev:modem",
            "-chardev", "stdio,id=console,signal=off", "-semihosting-config",
            "enable=on,target=native,chardev=console,arg=firmware,arg=%s,arg=%d" % (
                target, first_urc_ms),
            "-kernel", elf]


def parse_output(out):
    """(events as (name, fields) pairs, the memory figures) from the firmware's lines."""
    events, memory = [], {}
    for line in out.splitlines():
        words = line.split()
        if words[:1] == ["event"]:
            fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
            events.append((words[1], fields))
        elif words[:1] == ["memory"]:
            memory = {k: int(v) for k, v in (w.split("=") for w in words[1:])}
    return events, memory


def check_memory(memory, out):
    if not memory:
        e2e.fail("no memory figures in:\n" + out)
    used = memory["static"] + memory["heap"] + memory["stack"]
    print("RAM: static %(static)d + heap %(heap)d + stack %(stack)d bytes" % memory +
          " = %d (target < %d)" % (used, RAM_TARGET))
    if used >= RAM_TARGET:
        e2e.fail("the upgrade used %d bytes of RAM, over the %d-byte target" % (used, RAM_TARGET))
    if memory["overruns"]:
        e2e.fail("%d bytes lost to receive-ring overruns" % memory["overruns"])


def check_refused(name, events, out, dialogue):
    """Refused before anything is sent: no event, the build choice named, no password
    printed, the module untouched."""
    if events:
        e2e.fail("a refused target started the session:\n" + out)
    if "start: invalid" not in out or REFUSAL_NAMES[name] not in out:
        e2e.fail("the refusal does not name %s:\n%s" % (REFUSAL_NAMES[name], out))
    if FTP_PASSWORD in out:
        e2e.fail("the firmware printed the password:\n" + out)
    if "AT" in dialogue:
        e2e.fail("the module received a command:\n" + dialogue)


def check_events(name, events, out):
    _, _, want, attempts = CASES[name]
    names = [n for n, _ in events]
    if not names or names[-1] != "done":
        e2e.fail("the last event is not done:\n" + out)
    if "port_lost" in names:
        e2e.fail("a UART module never loses the port")
    if names.count("update_start") != attempts:
        e2e.fail("expected %d update attempts, saw %d" % (attempts, names.count("update_start")))
    if want == "success":
        last_attempt = len(names) - 1 - names[::-1].index("update_start")
        progress = [int(f["percent"]) for n, f in events[last_attempt:] if n == "progress"]
        versions = [f for n, f in events if n == "version"]
        if not progress or progress[-1] != 100 or progress != sorted(progress):
            e2e.fail("progress %s does not rise to 100" % progress)
        if len(versions) != 2:
            e2e.fail("expected the version before and after, saw %d" % len(versions))


def run_case(build, elf, name):
    sim_opts, first_urc_ms, want, _ = CASES[name]
    with e2e.module_and_servers(build, e2e.QUICK + ["--uart"] + sim_opts) as (servers, sim):
        serial = os.path.realpath(sim.link)
        cmd = qemu_command(elf, serial, case_target(name, servers), first_urc_ms)
        started = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                                  timeout=RUN_DEADLINE_S)
        except subprocess.TimeoutExpired:
            e2e.fail("the firmware did not finish within %d s\n%s" % (RUN_DEADLINE_S,
                                                                     sim.dialogue()))
        out = proc.stdout
        print("%s: exit %d in %.1f s (expected %d)" % (name, proc.returncode,
                                                        time.monotonic() - started,
                                                        EXIT_OF[want]))
        if proc.returncode != EXIT_OF[want]:
            e2e.fail("unexpected exit\n%s\n--- stderr\n%s\n--- simulator\n%s" % (
                out, proc.stderr, sim.dialogue()))
        events, memory = parse_output(out)
        if want == "invalid":
            check_refused(name, events, out, sim.dialogue())
        else:
            check_events(name, events, out)
        print([line for line in out.splitlines() if line.startswith("result")][0])
        check_memory(memory, out)


def section_sizes(path):
    """{section: bytes} summed over an ELF or an archive's members (size -A)."""
    out = subprocess.run(["arm-none-eabi-size", "-A", path], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    sizes = {}
    for line in out.splitlines():
        m = re.match(r"^(\.\S+)\s+(\d+)", line)
        if m:
            key = m.group(1).split(".")[1]  # .text.foo -> text, .rodata.str1.1 -> rodata
            sizes[key] = sizes.get(key, 0) + int(m.group(2))
    return sizes


MAP_SECTIONS = ("vectors", "text", "rodata", "data")  # what takes flash (data: its image)
MAP_OUTPUT = re.compile(r"^\.(\S+)\s")
MAP_INPUT = re.compile(r"^ (\.\S+|\*fill\*|COMMON)"
                       r"(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)(?:\s+(\S.*))?)?\s*$")
MAP_INPUT_NEXT = re.compile(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$")


def map_inputs(path):
    """[(output section, address, size, input file)] of the flash sections in a GNU ld map;
    a long input section name puts its address, size and file on the next line."""
    inputs, out, pending, started = [], None, None, False
    with open(path) as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                started = True
            elif started and MAP_OUTPUT.match(line):
                out, pending = MAP_OUTPUT.match(line).group(1), None
            elif started and out in MAP_SECTIONS:
                m = MAP_INPUT.match(line)
                if m and m.group(2) is None:
                    pending = m.group(1)
                elif m:
                    inputs.append((out, int(m.group(2), 16), int(m.group(3), 16),
                                   (m.group(4) or "").strip()))
                    pending = None
                elif pending and MAP_INPUT_NEXT.match(line):
                    m = MAP_INPUT_NEXT.match(line)
                    inputs.append((out, int(m.group(1), 16), int(m.group(2), 16),
                                   m.group(3).strip()))
                    pending = None
    return inputs


def map_owner(path):
    if "libdfota_core.a(" in path:
        return "core"
    return "C library" if ".a(" in path else "firmware" if path else "padding"


def linked_shares(map_path):
    """({(owner, section): bytes}, {core object: bytes}) of the linked image; owners: the
    core's objects, the firmware's own, the C and compiler libraries, padding. Merged
    strings can make an input's listed size overlap the next one's: each counts up to
    where the next begins."""
    inputs, shares, core_objects = map_inputs(map_path), {}, {}
    for i, (out, addr, size, path) in enumerate(inputs):
        after = inputs[i + 1] if i + 1 < len(inputs) else None
        if after and after[0] == out:
            size = min(size, max(after[1] - addr, 0))
        key = (map_owner(path), out)
        shares[key] = shares.get(key, 0) + size
        if key[0] == "core":
            name = path.split("(", 1)[1].rstrip(")").replace(".c.obj", ".c")
            core_objects[name] = core_objects.get(name, 0) + size
    return shares, core_objects


def core_flash_of(fw_build):
    """(core flash as linked, {(owner, section): bytes}, {core object: bytes}) of a
    firmware build, its map checked against the image."""
    image = section_sizes(os.path.join(fw_build, "firmware.elf"))
    shares, core_objects = linked_shares(os.path.join(fw_build, "firmware.map"))
    image_flash = sum(image.get(s, 0) for s in MAP_SECTIONS)
    mapped = sum(shares.values())
    if mapped != image_flash:
        e2e.fail("the map accounts for %d bytes of flash, the image has %d" % (mapped,
                                                                             image_flash))
    core = sum(shares.get(("core", s), 0) for s in ("text", "rodata", "data"))
    return core, shares, core_objects, image


def run_footprint(fw_build, full_build):
    archive = section_sizes(os.path.join(fw_build, "libdfota_core.a"))
    core_flash, shares, core_objects, image = core_flash_of(fw_build)
    linked = {s: shares.get(("core", s), 0) for s in MAP_SECTIONS}
    print("core flash as linked: text %d + rodata %d + data %d = %d bytes (target < %d)" % (
        linked["text"], linked["rodata"], linked["data"], core_flash, CORE_FLASH_TARGET))
    print("core archive, all of it: text %d + rodata %d = %d bytes; data %d, bss %d" % (
        archive.get("text", 0), archive.get("rodata", 0),
        archive.get("text", 0) + archive.get("rodata", 0), archive.get("data", 0),
        archive.get("bss", 0)))
    print("image flash: vectors %d + text %d + rodata %d + data %d = %d bytes; bss %d" % (
        image.get("vectors", 0), image.get("text", 0), image.get("rodata", 0),
        image.get("data", 0), sum(image.get(s, 0) for s in MAP_SECTIONS), image.get("bss", 0)))
    print("image flash by owner: " + ", ".join(
        "%s %d" % (who, sum(v for (o, _), v in shares.items() if o == who))
        for who in ("core", "firmware", "C library", "padding")))
    print("core as linked, by object: " + ", ".join(
        "%s %d" % (name, size)
        for name, size in sorted(core_objects.items(), key=lambda item: -item[1])))
    if full_build:
        print("core flash as linked with every part of the library in (no target): %d bytes"
              % core_flash_of(full_build)[0])
    if core_flash >= CORE_FLASH_TARGET:
        e2e.fail("the core takes %d bytes of the image's flash, %d over its %d-byte target" % (
            core_flash, core_flash - CORE_FLASH_TARGET, CORE_FLASH_TARGET))
    print("the core is %d bytes under its flash target" % (CORE_FLASH_TARGET - core_flash))


FIRMWARE_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                               "examples", "firmware")
# What the library's own build takes where the firmware chooses less.
LIBRARY_DEFAULTS = {"DFOTA_URL_MAX": "700", "DFOTA_FAMILIES": "all"}


def choices_turned_on():
    """[options] that turn each of the firmware's choices (choices.cmake) back on."""
    with open(os.path.join(FIRMWARE_SOURCE, "choices.cmake")) as f:
        choices = re.findall(r"^set\((DFOTA_\w+) (\S+) CACHE", f.read(), re.M)
    turned_on = []
    for name, value in choices:
        on = "ON" if value == "OFF" else LIBRARY_DEFAULTS[name]
        turned_on.append(["-D%s=%s" % (name, on)])
    return turned_on


def build_firmware(where, options):
    for cmd in (["cmake", "-S", FIRMWARE_SOURCE, "-B", where] + options,
                ["cmake", "--build", where, "-j2"]):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=300)


def run_choice_costs(scratch):
    """What each build choice costs in the core's flash: the firmware built as it is, then
    once for each choice turned back on (not a test: figures for tests/bench/README.md)."""
    build_firmware(os.path.join(scratch, "as-is"), [])
    base = core_flash_of(os.path.join(scratch, "as-is"))[0]
    print("the core as the firmware builds it: %d bytes" % base)
    for i, options in enumerate(choices_turned_on()):
        where = os.path.join(scratch, "choice-%d" % i)
        build_firmware(where, options)
        print("%-50s %+6d bytes" % (" ".join(options), core_flash_of(where)[0] - base))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build")
    ap.add_argument("--firmware-build", required=True)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("--footprint", action="store_true")
    ap.add_argument("--full-build")
    ap.add_argument("--choice-costs", metavar="SCRATCH_DIR")
    args = ap.parse_args()
    fw_build = os.path.abspath(args.firmware_build)
    if args.list:
        print(";".join(CASES))
    elif args.choice_costs:
        run_choice_costs(os.path.abspath(args.choice_costs))
    elif args.footprint:
        run_footprint(fw_build, args.full_build and os.path.abspath(args.full_build))
    elif args.case in CASES and args.build:
        run_case(os.path.abspath(args.build), os.path.join(fw_build, "firmware.elf"), args.case)
    else:
        e2e.fail("need --build and a known --case, or --footprint")


if __name__ == "__main__":
    main()
