"""Finds, for each set of modules, a Python 3 interpreter that imports them all.

Run by Meson at configure time (python/meson.build) with the sets as arguments, each a
comma-separated list of module names ("" for none):

    find_python.py "" numpy numpy,pandas,geopandas

It prints one line per set: the first interpreter that imports every module of the set,
else the first interpreter that runs at all (its tests then skip, exit 77). The candidates
are every ``python3`` on PATH, in PATH order, then the interpreter running this script;
each is asked once which of all the modules it imports. So a PATH where a pyenv or venv
``python3`` comes before the system's still finds the system's python3-numpy,
python3-pandas and python3-geopandas for the tests that need them, without naming a path.
"""

import os
import subprocess
import sys

PROBE = ("import importlib, sys\n"
         "for m in sys.argv[1:]:\n"
         "    try:\n"
         "        importlib.import_module(m)\n"
         "        print(m)\n"
         "    except Exception:\n"
         "        pass\n")


def candidates():
    seen, out = set(), []
    for d in os.environ.get("PATH", "").split(os.pathsep) + [None]:
        p = sys.executable if d is None else os.path.join(d or ".", "python3")
        if not p or not os.access(p, os.X_OK) or os.path.isdir(p):
            continue
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def imports(python, modules):
    """The modules python imports, or None when it does not run (or is not Python 3)."""
    try:
        r = subprocess.run([python, "-c", PROBE] + sorted(modules), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return set(r.stdout.decode().split()) if r.returncode == 0 else None


def main(sets):
    wanted = [set(m for m in s.split(",") if m) for s in sets]
    every = set().union(*wanted) if wanted else set()
    found = [(p, imports(p, every)) for p in candidates()]
    found = [(p, have) for p, have in found if have is not None]
    if not found:
        sys.exit("find_python.py: no working python3 on PATH")
    for want in wanted:
        print(next((p for p, have in found if want <= have), found[0][0]))


if __name__ == "__main__":
    main(sys.argv[1:])
