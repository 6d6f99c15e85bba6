#!/usr/bin/env python3
"""check_size.py — the size rules of the house: no file in lib/ over 800 lines, no function in
lib/ or cli/ over 80 lines (from the line of its opening brace to that of its closing one).

A function is found as the C sources are written here: a definition starts at column 0 with
its name and parameters and its body opens with "{" alone at column 0; the body ends at the
next "}" at column 0. Comments and strings cannot fool this because nothing else in these
files puts braces at column 0 (the check fails loudly on a body it cannot close).

Usage: check_size.py SOURCE_ROOT; prints each breach and exits 1 when there is one."""
import pathlib
import sys

MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 80


def functions(lines):
    """(name line, first body line, last body line) of each function, 1-based."""
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "{":
            start = i
            j = i + 1
            while j < len(lines) and lines[j].rstrip() != "}" and not lines[j].startswith("}"):
                j += 1
            if j == len(lines):
                raise ValueError("line %d: a body that never closes" % (start + 1))
            k = start - 1  # the head: back to the line that starts with a name at column 0
            while k > 0 and (lines[k][:1].isspace() or lines[k].startswith(")")):
                k -= 1
            yield lines[k].strip(), start + 1, j + 1
            i = j + 1
        else:
            i += 1


def main(root):
    root = pathlib.Path(root)
    bad = []
    for path in sorted(root.glob("lib/*.[ch]")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_FILE_LINES:
            bad.append("%s: %d lines (at most %d)" % (path.relative_to(root), n, MAX_FILE_LINES))
    for path in sorted(list(root.glob("lib/*.c")) + list(root.glob("cli/*.c"))):
        lines = path.read_text(encoding="utf-8").splitlines()
        for head, first, last in functions(lines):
            n = last - first + 1
            if n > MAX_FUNCTION_LINES:
                bad.append("%s:%d: %s: %d lines (at most %d)"
                           % (path.relative_to(root), first, head, n, MAX_FUNCTION_LINES))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
