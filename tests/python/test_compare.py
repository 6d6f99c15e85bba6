"""Snapshot.compare (python/frontline) against `frontline compare --json`, standard library
only: the same dict for the two samples, and for DeepStateMap against ISW's five layer files
of 2022-09-30 (profile isw) when ../shared/data is there (FRONTLINE_SHARED)."""

import glob
import json
import os
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
CLI = os.environ.get("FRONTLINE_CLI")
A = os.path.join(DATA, "sample", "20220930.geojson")
B = os.path.join(DATA, "sample", "20221004.geojson")


def cli_json(*args):
    return json.loads(subprocess.run([CLI, "compare", "--json"] + list(args), check=True,
                                     stdout=subprocess.PIPE).stdout)


class CompareTest(unittest.TestCase):
    @unittest.skipUnless(CLI, "FRONTLINE_CLI not set")
    def test_samples_as_the_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "pieces.geojson")
            d = frontline.load(A).compare(frontline.load(B), geojson=out)
            self.assertEqual(d, cli_json(A, B))
            with open(out) as f:
                pieces = json.load(f)["features"]
        off = d["territory_km2"] - d["agree_km2"]
        self.assertAlmostEqual(sum(f["properties"]["km2"] for f in pieces), off, delta=1e-4)
        lyman = [p for p in d["places"] if p["name"] == "Lyman"]
        self.assertEqual([(p["a"], p["b"]) for p in lyman], [("RU", "UA")])

    def test_without_places(self):
        d = frontline.load(A).compare(frontline.load(A), places=False)
        self.assertEqual(d["places"], [])
        self.assertAlmostEqual(d["agree_km2"], d["territory_km2"], delta=1e-6)

    @unittest.skipUnless(CLI, "FRONTLINE_CLI not set")
    def test_deepstate_isw(self):
        ds = os.path.join(SHARED, "deepstate", "raw", "1664526365.geojson")
        isw = sorted(glob.glob(os.path.join(SHARED, "isw", "2022", "*", "20220930_*.geojson")))
        if not os.path.exists(ds) or len(isw) != 5:
            self.skipTest("no shared data")
        d = frontline.load(ds).compare(frontline.load(isw, profile="isw"))
        self.assertEqual(d, cli_json(ds, "vs", *isw, "--profile-b", "isw"))


if __name__ == "__main__":
    unittest.main()
