"""What the Python binding tests share: the paths, the CLI, fixtures, skipping.

Each test_*.py file tests one subject and is run by `meson test` (tests/meson.build, tests
python_*) with FRONTLINE_LIBRARY, FRONTLINE_CLI, FRONTLINE_DATA, FRONTLINE_SHARED and
PYTHONPATH set, under an interpreter that imports what the file needs (found by
python/find_python.py); also runnable by hand from the repository:

    FRONTLINE_LIBRARY=build/lib/libfrontline.so python3 tests/python/test_loading.py

A file needing numpy, pandas or geopandas calls require() first, which exits 77 (skipped)
when they are missing; the shapely/pyproj cross-checks and the real-data tests skip when
those or ../shared/data (FRONTLINE_SHARED) are absent. FRONTLINE_PY_ALL_SHARED=1
cross-checks every shared snapshot instead of a representative handful.
"""

import atexit
import glob
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
try:
    import frontline
except ImportError:
    sys.path.insert(0, os.path.join(REPO, "python"))
    import frontline

DATA = os.environ.get("FRONTLINE_DATA") or os.path.join(REPO, "data")
SHARED = os.environ.get("FRONTLINE_SHARED") or os.path.join(REPO, "..", "shared", "data")
RAW = os.path.join(SHARED, "deepstate", "raw")
SAMPLE_A = os.path.join(DATA, "sample", "20220930.geojson")
SAMPLE_B = os.path.join(DATA, "sample", "20221004.geojson")
SAMPLE_DIR = os.path.join(DATA, "sample")

#: The keys of a transition's two statuses in the JSON (diff pieces, places, change log).
FROM, TO = "status_from", "status_to"

TINY_WKT = "occupied;POLYGON((37 48,37.1 48,37.1 48.1,37 48))\n"


def find_cli():
    """The frontline command of the same build as the loaded library."""
    env = os.environ.get("FRONTLINE_CLI")
    if env:
        return env if os.access(env, os.X_OK) else None
    build = os.path.dirname(os.path.dirname(os.path.realpath(frontline.library_path)))
    cand = os.path.join(build, "cli", "frontline")
    return cand if os.access(cand, os.X_OK) else None


CLI = find_cli()


# The bindings' regions measure the drawing as it is (the library's default); the CLI applies
# the coast conflation and the water unless told not to (docs/geography.md).
AS_DRAWN = {"area", "diff", "status", "claims", "front", "timeline", "render", "compare"}


def cli_json(*args):
    """Runs `frontline ARGS --json` (as drawn, like the bindings) and returns the output."""
    env = dict(os.environ, FRONTLINE_DATA=DATA)
    extra = ["--snap-km", "0", "--water", "none"] if args and args[0] in AS_DRAWN else []
    p = subprocess.run([CLI, *args, *extra, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=600)
    if p.returncode != 0:
        raise AssertionError("frontline %s failed: %s" % (" ".join(args), p.stderr.decode()))
    return json.loads(p.stdout)


def cli_error(*args):
    """The message the CLI prints for a failing command (without 'frontline: ')."""
    env = dict(os.environ, FRONTLINE_DATA=DATA)
    p = subprocess.run([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=600)
    assert p.returncode != 0, "frontline %s succeeded" % " ".join(args)
    line = p.stderr.decode().strip().splitlines()[-1]
    return line[len("frontline: "):] if line.startswith("frontline: ") else line


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def need_cli(test):
    return unittest.skipUnless(CLI, "the frontline CLI was not found (set FRONTLINE_CLI)")(test)


class Fixture:
    """Objects shared by the tests (all made in the main thread)."""
    _cache = {}

    @classmethod
    def get(cls, key, make):
        if key not in cls._cache:
            cls._cache[key] = make()
        return cls._cache[key]

    @classmethod
    def a(cls):
        return cls.get("a", lambda: frontline.load(SAMPLE_A))

    @classmethod
    def b(cls):
        return cls.get("b", lambda: frontline.load(SAMPLE_B))

    @classmethod
    def diff(cls):
        return cls.get("diff", lambda: cls.a().diff(cls.b()))

    @classmethod
    def front(cls):
        return cls.get("front", lambda: cls.a().front())

    @classmethod
    def timeline(cls):
        """(timeline, its report(), Lyman's history) over the samples, run once."""
        def make():
            tl = frontline.timeline(SAMPLE_DIR)
            return tl, tl.report(), tl.place_history("Lyman")
        return cls.get("timeline", make)


#: A private temporary directory for the tests' files, removed at exit.
TMP = tempfile.mkdtemp(prefix="frontline-pytest-")
atexit.register(shutil.rmtree, TMP, True)


def tmpfile(name, content):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    return path


def require(*modules):
    """Exits 77 (meson's "skipped") unless every module imports."""
    missing = []
    for m in modules:
        try:
            importlib.import_module(m)
        except ImportError:
            missing.append(m)
    if missing:
        print("skipped: %s cannot import %s" % (sys.executable, ", ".join(missing)))
        sys.exit(77)


class SharedData:
    """The shared real snapshots (skipped when absent)."""

    @staticmethod
    def files():
        files = sorted(glob.glob(os.path.join(RAW, "*.geojson")))
        if os.environ.get("FRONTLINE_PY_ALL_SHARED") == "1":
            return files
        keep = {"1648989208", "1664141413", "1664526365", "1664748468", "1664813274",
                "1664920017", "1665437267", "1687591202", "1711228520", "1754251105"}
        return [f for f in files if os.path.basename(f).split(".")[0] in keep]


def shared(name):
    return os.path.join(RAW, name + ".geojson")


def main():
    """Runs the calling file's tests. Exits 0 when everything passed or was skipped, 1 on a
    failure (unittest.main alone exits 5 when no test ran, Python >= 3.12)."""
    prog = unittest.main(module="__main__", verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
