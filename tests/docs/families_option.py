#!/usr/bin/python3
"""The names DFOTA_FAMILIES takes (cmake/DfotaOptions.cmake) are the family table's rows
as `dfota families --json` lists them, generic aside, in the same order.

  families_option.py DFOTA 'em060k;ec200u;...'
"""
import json
import subprocess
import sys


def main():
    tool, known = sys.argv[1], sys.argv[2].split(";")
    out = subprocess.run([tool, "families", "--json"], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    rows = [json.loads(line)["family"] for line in out.splitlines() if line.strip()]
    if rows[-1:] != ["generic"]:
        sys.exit("the table does not end with generic: %s" % rows)
    if rows[:-1] != known:
        sys.exit("DFOTA_FAMILIES takes %s, the table has %s" % (known, rows[:-1]))
    print("DFOTA_FAMILIES names the table's %d rows besides generic" % len(known))


if __name__ == "__main__":
    main()
