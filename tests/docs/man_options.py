#!/usr/bin/python3
"""Every option `dfota --help` lists is in dfota(1), and every option dfota(1) lists is
in `dfota --help`.

  man_options.py DFOTA PAGE.scd

--help: an option is a line that starts with blanks and then '-' ("  -p, --port PATH").
dfota(1): an option is a definition line of the OPTIONS section that starts with '*-'
("*-p*, *--port* _PATH_"). Both spellings (-p and --port) count.
"""
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)")


def help_options(tool):
    out = subprocess.run([tool, "--help"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        sys.exit("%s --help exited %d" % (tool, out.returncode))
    found = set()
    for line in out.stdout.splitlines():
        m = re.match(r"^\s+(-[^ ,]+(?:, -[^ ,]+)*)", line)
        if m:
            found.update(OPTION.findall(m.group(1)))
    return found


def page_options(page):
    found, in_options = set(), False
    with open(page, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# "):
                in_options = line.strip() == "# OPTIONS"
            elif in_options and line.startswith("*-"):
                names = re.sub(r"_[^_]*_", "", line)  # drop the value's placeholder
                found.update(OPTION.findall(names.replace("*", " ")))
    return found


def main():
    tool, page = sys.argv[1], sys.argv[2]
    in_help, in_page = help_options(tool), page_options(page)
    if not in_help:
        sys.exit("no option found in %s --help: has its format changed?" % tool)
    if not in_page:
        sys.exit("no option found in the OPTIONS section of %s" % page)
    bad = False
    for name in sorted(in_help - in_page):
        print("%s: %s is in dfota --help but not in the OPTIONS of dfota(1)" % (page, name))
        bad = True
    for name in sorted(in_page - in_help):
        print("%s: %s is in dfota(1) but not in dfota --help" % (page, name))
        bad = True
    if bad:
        sys.exit(1)
    print("%d options, the same in dfota --help and dfota(1): %s"
          % (len(in_help), " ".join(sorted(in_help))))


if __name__ == "__main__":
    main()
