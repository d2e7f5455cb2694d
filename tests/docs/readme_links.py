#!/usr/bin/python3
"""The READMEs hold together: every relative link in every README*.md of the repository
names a file or folder that exists, and README.md keeps the two Quick start commands
that .ci/run runs, in at most 300 lines.

  readme_links.py SOURCE-DIR

Links are Markdown's [text](target) and [label]: target, outside code blocks and code
spans. A target's #anchor and ?query are dropped; http:, https: and mailto: links are
not checked. A target starting with / is taken from the top of the repository. Folders
named build*, build trees (a CMakeCache.txt) and hidden folders (.git) are not searched.
"""
import os
import re
import sys
import urllib.parse

README_MAX_LINES = 300
# What .ci/run greps README.md for, when .ci/run itself is not there to say.
CI_PATTERNS = ["e2e.py --build build --demo", "ctest --test-dir build"]

INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]*)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
EXTERNAL = ("http:", "https:", "mailto:")


def readmes(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "build")) and
                         not os.path.exists(os.path.join(top, d, "CMakeCache.txt")))
        for name in sorted(files):
            if name.startswith("README") and name.endswith(".md"):
                yield os.path.join(top, name)


def prose(text):
    """The text without fenced code blocks (their lines left empty) and code spans."""
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
        elif m:
            fence = m.group(1)
            out.append("")
        else:
            out.append(CODE_SPAN.sub("code", line))
    return "\n".join(out)


def links(text):
    """(line number, target) of every link in the text."""
    body = prose(text)
    for pattern in (INLINE, REFERENCE):
        for m in pattern.finditer(body):
            yield body.count("\n", 0, m.start(1)) + 1, m.group(1)


def broken_links(root, path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    here = os.path.dirname(path)
    for line, target in links(text):
        if target.lower().startswith(EXTERNAL):
            continue
        name = urllib.parse.unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if not name:
            continue  # an anchor in the same file
        base = root if name.startswith("/") else here
        full = os.path.normpath(os.path.join(base, name.lstrip("/")))
        rel = os.path.relpath(path, root)
        if os.path.relpath(full, root).startswith(".."):
            yield "%s:%d: %s leads out of the repository" % (rel, line, target)
        elif not os.path.exists(full):
            yield "%s:%d: %s: no such file or folder" % (rel, line, target)


def ci_patterns(root):
    """The fixed strings .ci/run greps README.md for, or the known two without it."""
    try:
        with open(os.path.join(root, ".ci", "run"), encoding="utf-8") as f:
            found = re.findall(r"grep -F '([^']+)' README\.md", f.read())
    except FileNotFoundError:
        return CI_PATTERNS
    return found


def quick_start_problems(root):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > README_MAX_LINES:
        yield "README.md: %d lines, more than %d" % (len(lines), README_MAX_LINES)
    patterns = ci_patterns(root)
    if len(patterns) != len(CI_PATTERNS):
        yield ".ci/run: %d grep -F patterns for README.md, not %d: %s" % (
            len(patterns), len(CI_PATTERNS), patterns)
    start = next((i for i, l in enumerate(lines) if l.strip() == "## Quick start"), None)
    if start is None:
        yield "README.md: no '## Quick start' section"
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
               len(lines))
    for pattern in patterns:
        first = next((i for i, l in enumerate(lines) if pattern in l), None)
        if first is None:
            yield "README.md: no line has '%s', which .ci/run runs" % pattern
        elif not start < first < end:
            yield "README.md:%d: the first line with '%s' (what .ci/run runs) is not in " \
                  "the Quick start" % (first + 1, pattern)


def main():
    root = os.path.abspath(sys.argv[1])
    problems, files, count = [], 0, 0
    for path in readmes(root):
        files += 1
        with open(path, encoding="utf-8") as f:
            count += sum(1 for _ in links(f.read()))
        problems.extend(broken_links(root, path))
    if not os.path.exists(os.path.join(root, "README.md")):
        problems.append("README.md: missing")
    else:
        problems.extend(quick_start_problems(root))
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("%d READMEs, %d links, all resolve; README.md keeps the Quick start that "
          ".ci/run runs" % (files, count))


if __name__ == "__main__":
    main()
