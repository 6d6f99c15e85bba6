"""Tests of the Python bindings (python/frontline), standard library only.

Run by `meson test` (test 'python') with FRONTLINE_LIBRARY, FRONTLINE_CLI, FRONTLINE_DATA,
FRONTLINE_SHARED and PYTHONPATH set; also runnable by hand from the repository:

    FRONTLINE_LIBRARY=build/lib/libfrontline.so python3 tests/python/test_frontline.py

The shapely/pyproj cross-checks run when both are importable (Debian: python3-shapely,
python3-pyproj); the real-data tests when ../shared/data is there (FRONTLINE_SHARED). Both
skip cleanly otherwise. FRONTLINE_PY_ALL_SHARED=1 cross-checks every shared snapshot
instead of a representative handful.
"""

import array
import gc
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import weakref

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

try:
    import shapely.geometry
    import shapely.ops
    import shapely.prepared
    import shapely.wkb
    from shapely.geometry.polygon import orient
    HAVE_SHAPELY = True
except ImportError:
    HAVE_SHAPELY = False
try:
    import pyproj
    HAVE_PYPROJ = True
except ImportError:
    HAVE_PYPROJ = False

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


def cli_json(*args):
    """Runs `frontline ARGS --json` and returns the parsed output."""
    env = dict(os.environ, FRONTLINE_DATA=DATA)
    p = subprocess.run([CLI, *args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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


def setUpModule():
    global TMP
    TMP = tempfile.mkdtemp(prefix="frontline-pytest-")


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def tmpfile(name, content):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    return path


# ---------------------------------------------------------------------------------------

class TestLoading(unittest.TestCase):

    def test_library_and_data(self):
        self.assertTrue(os.path.exists(frontline.library_path))
        self.assertEqual(frontline.version(), frontline.__version__)
        self.assertTrue(os.path.isfile(frontline.data_path("profile")))
        for key in frontline.DATA_FILES:
            self.assertTrue(os.path.isfile(frontline.data_path(key)), key)

    def test_load_samples(self):
        a, b = Fixture.a(), Fixture.b()
        self.assertEqual(a.kind, "deepstate")
        self.assertEqual(a.time_iso, "2022-09-30T00:00:00Z")
        self.assertEqual(b.time_iso, "2022-10-04T00:00:00Z")
        self.assertEqual(a.path, SAMPLE_A)
        c = a.counts
        self.assertEqual(c["total"], c["classified"] + c["ignored"] + c["unclassified"] +
                         c["no_polygon"])
        self.assertEqual(sum(a.by_status.values()), c["classified"])
        self.assertEqual(list(a.status_km2), ["occupied", "contested", "liberated"])
        self.assertGreater(a.status_km2["occupied"], 100000)
        w, s, e, n = a.bounds
        self.assertTrue(22 < w < e < 41 and 44 < s < n < 53)
        self.assertEqual(a.datetime.year, 2022)
        self.assertIn("20220930", repr(a))

    @need_cli
    def test_info_matches_cli(self):
        self.assertEqual(Fixture.a().info, cli_json("info", SAMPLE_A))

    def test_time(self):
        s = frontline.load(SAMPLE_A, time="2022-10-01T12:00:00")
        self.assertEqual(s.time_iso, "2022-10-01T12:00:00Z")
        s.time = 1664526365
        self.assertEqual(s.time_iso, "2022-09-30T08:26:05Z")
        s.time = None
        self.assertIsNone(s.time)
        self.assertIsNone(s.time_iso)
        self.assertEqual(frontline.parse_time("1664526365.geojson"), 1664526365)
        self.assertEqual(frontline.parse_time("x/20221004.geojson"), 1664841600)
        self.assertIsNone(frontline.parse_time("no time here"))
        import datetime
        self.assertEqual(frontline.parse_time(datetime.date(2022, 10, 4)), 1664841600)
        self.assertEqual(frontline.format_time(1664526365), "2022-09-30T08:26:05Z")
        with self.assertRaises(frontline.ArgumentError):
            frontline.load(SAMPLE_A, time="yesterday")
        # out of range must raise, not wrap (2**70 wrapped to 1970); invalid dates and
        # trailing text are refused, offsets applied (docs/times.md)
        for bad in (2 ** 70, -2 ** 70, 2 ** 63, "2022-02-30", "2022-09-30Tgarbage",
                    "2200-01-01"):
            with self.assertRaises(frontline.ArgumentError, msg=repr(bad)):
                frontline.load(SAMPLE_A, time=bad)
        with self.assertRaises(frontline.ArgumentError):
            s.time = 2 ** 70
        s.time = "2022-09-30T13:26:05+05:00"
        self.assertEqual(s.time_iso, "2022-09-30T08:26:05Z")

    # an empty layer is written {"type":"Polygon","coordinates":[]} and must read back as an
    # empty layer
    def test_write_read_back_empty_layer(self):
        # frontline.h: "Reading the file back with the same profile gives the same layers"
        s = frontline.load(tmpfile("20221005.wkt", TINY_WKT))
        self.assertIn(s.layers()["liberated"]["coordinates"], ([], [[]]))
        gj = os.path.join(TMP, "empty-layer.geojson")
        s.write(gj)
        t = frontline.load(gj)
        # GeoJSON coordinates carry 7 decimals (about 1 cm): the same area to 1e-6
        for k, v in s.status_km2.items():
            self.assertAlmostEqual(t.status_km2[k], v, delta=1e-6 * max(v, 1.0))

    def test_profile_regions_places(self):
        p = frontline.Profile()
        self.assertEqual(p.statuses, ["occupied", "contested", "liberated", "free"])
        self.assertEqual(p.default_status, "free")
        self.assertEqual(p.front_status, "occupied")
        self.assertEqual(p.side("occupied"), "RU")
        self.assertEqual(p.status("liberated").side, "UA")
        self.assertEqual(p.index("none"), frontline.STATUS_NONE)
        with self.assertRaises(frontline.ArgumentError):
            p.index("bogus")
        r = frontline.Regions()
        self.assertEqual(len(r), 27)
        self.assertEqual(r["UA-DT"].name, "Donetsk Oblast")
        self.assertEqual(r.find("UA-14"), r.find("UA-DT"))  # the "iso" attribute too
        self.assertEqual(r.attr("UA-DT", "name_uk"), "Донецька область")
        self.assertEqual(r.locate(48.0159, 37.8028), "UA-DT")  # Donetsk
        self.assertIsNone(r.locate(0, 0))
        self.assertAlmostEqual(sum(x.area_km2 for x in r) / r.territory_km2, 1, places=6)
        fc = r.to_geojson()
        self.assertEqual(len(fc["features"]), 27)
        pl = frontline.Places()
        self.assertEqual(len(pl), 2853)
        lyman = pl["Lyman"]
        self.assertAlmostEqual(lyman.lat, 48.98616, places=4)
        self.assertEqual(pl.find("zolota balka"), pl.find("Zolota Balka"))
        self.assertEqual(pl.find("Atlantis"), -1)
        self.assertEqual(len(frontline.Claims()), 6)

    def test_load_with_objects_and_paths(self):
        prof = frontline.Profile(frontline.data_path("profile"))
        s = frontline.load(SAMPLE_A, profile=prof, regions=frontline.data_path("regions"))
        self.assertIs(s.profile, prof)
        self.assertEqual(len(s.regions), 27)
        self.assertEqual(s.area(), Fixture.a().area())

    def test_formats(self):
        wkt = tmpfile("20221001.wkt", "occupied;POLYGON((37 48,38 48,38 49,37 49,37 48))\n"
                      "contested;POLYGON((36 48,37 48,37 49,36 49,36 48))\n"
                      "liberated;POLYGON((35 48,36 48,36 49,35 49,35 48))\n")
        s = frontline.load(wkt)
        self.assertEqual(s.kind, "wkt")
        self.assertEqual(s.by_status, {"occupied": 1, "contested": 1, "liberated": 1})
        gj = os.path.join(TMP, "layers.geojson")
        s.write(gj)
        t = frontline.load(gj)
        for k, v in s.status_km2.items():
            self.assertAlmostEqual(t.status_km2[k], v, delta=1e-6 * max(v, 1))
        shp = os.path.join(TMP, "conv.shp")
        frontline.convert(wkt, shp)
        u = frontline.load(shp)
        self.assertEqual(u.kind, "shapefile")
        self.assertAlmostEqual(u.status_km2["occupied"], s.status_km2["occupied"], delta=1e-3)
        self.assertEqual(frontline.sort_paths(["b/1664920017.json", "a/20220930.geojson",
                                               "zz.geojson", "1664526365.wkt"]),
                         ["a/20220930.geojson", "1664526365.wkt", "b/1664920017.json",
                          "zz.geojson"])


@need_cli
class TestCLIParity(unittest.TestCase):
    """The dicts are those of `frontline ... --json`: same keys, same values."""

    def test_area(self):
        mine = Fixture.a().area()
        cli = cli_json("area", SAMPLE_A)
        self.assertEqual(list(mine), list(cli))
        self.assertEqual(list(mine["territory"]), list(cli["territory"]))
        self.assertEqual(mine, cli)
        self.assertAlmostEqual(mine.km2("occupied"), cli["territory"]["status_km2"]["occupied"],
                               places=4)
        self.assertAlmostEqual(mine.km2("occupied", "UA-DT"),
                               next(r for r in cli["regions"] if r["code"] == "UA-DT")
                               ["status_km2"]["occupied"], places=4)

    def test_diff(self):
        mine = Fixture.diff()
        cli = cli_json("diff", SAMPLE_A, SAMPLE_B)
        self.assertEqual(list(mine), list(cli))
        self.assertEqual(dict(mine), cli)
        self.assertEqual(mine, cli)

    def test_status_places_and_points(self):
        a = Fixture.a()
        self.assertEqual(a.status(), cli_json("status", SAMPLE_A))
        # (the CLI refuses --point 91,0; the library answers "invalid", tested below)
        pts = [(48.9862, 37.8031), (50.45, 30.52), (0, 0), (45.3, 34.4)]
        args = []
        for la, lo in pts:
            args += ["--point", "%r,%r" % (la, lo)]
        self.assertEqual(a.status(points=pts), cli_json("status", SAMPLE_A, *args))

    def test_claims(self):
        self.assertEqual(Fixture.a().claims(), cli_json("claims", SAMPLE_A))

    def test_front(self):
        self.assertEqual(Fixture.front(), cli_json("front", SAMPLE_A))

    def test_timeline(self):
        # (--place NAME prints fl_timeline_place_json, as place_history(); not re-run here:
        # every timeline run computes a frontline per snapshot, which is slow)
        tl, report, _ = Fixture.timeline()
        self.assertEqual(report, cli_json("timeline", SAMPLE_DIR))


class TestAnalyses(unittest.TestCase):

    def test_area_report(self):
        rep = Fixture.a().area()
        self.assertIsInstance(rep, dict)
        terr = rep["territory"]
        self.assertAlmostEqual(sum(terr["status_km2"].values()), terr["area_km2"], delta=1)
        for r in rep["regions"]:
            self.assertAlmostEqual(rep.km2("free", r["code"]), r["status_km2"]["free"],
                                   delta=1e-5)
        with self.assertRaises(frontline.ArgumentError):
            rep.km2("occupied", "UA-XX")
        json.dumps(rep)  # plain JSON types

    def test_diff(self):
        d = Fixture.diff()
        self.assertEqual(d.statuses, ["occupied", "contested", "liberated", "free", "none"])
        lost = sum(d.km2("occupied", s) for s in d.statuses if s != "occupied")
        occ = next(c for c in d["changes"] if c["status"] == "occupied")
        self.assertAlmostEqual(lost, occ["lost_km2"], delta=1e-4)
        m = d.matrix()
        self.assertEqual(m["occupied"]["liberated"], d.km2("occupied", "liberated"))
        # the matrix conserves the drawn area of A
        a = Fixture.a().status_km2
        self.assertAlmostEqual(sum(m["occupied"].values()), a["occupied"],
                               delta=1e-6 * a["occupied"])
        ks = d.matrix("UA-KS")
        self.assertGreater(ks["occupied"]["liberated"], 0)
        pieces = d.pieces()
        # every piece; the JSON lists those of 0.01 km² or more and says how many it left
        self.assertEqual(len(pieces), d["pieces_total"])
        self.assertEqual(len(d["pieces"]) + d["pieces_below_0_01_km2"], d["pieces_total"])
        self.assertEqual(len(d["pieces"]), sum(p["km2"] >= 0.01 for p in pieces))
        self.assertEqual(pieces, sorted(pieces, key=lambda p: -p["km2"]))
        for mine, js in zip(pieces, d["pieces"]):
            self.assertAlmostEqual(mine["km2"], js["km2"], places=5)
            self.assertEqual((mine["status_from"], mine["status_to"], mine["region"]),
                             (js["status_from"], js["status_to"], js["region"]))
        fc = d.pieces_geojson()
        self.assertEqual(len(fc["features"]), len(pieces))
        self.assertEqual(len(d.pieces_wkb()), len(pieces))
        flipped = {p["name"] for p in d["places"]}
        self.assertIn("Lyman", flipped)
        with self.assertRaises(frontline.ArgumentError):
            d.km2("occupied", "bogus")

    def test_diff_options(self):
        a, b = Fixture.a(), Fixture.b()
        out = os.path.join(TMP, "pieces.geojson")
        with a.diff(b, places=False, geojson=out) as d:
            self.assertEqual(d["places"], [])
            with open(out) as f:
                self.assertEqual(len(json.load(f)["features"]), len(d["pieces"]))
        self.assertTrue(d.closed)
        self.assertGreater(d.km2("occupied", "liberated"), 0)  # numbers outlive close()
        with self.assertRaises(frontline.ClosedError):
            d.pieces_geojson()
        few = tmpfile("few.csv", "id,name,lat,lon\n1,Lyman,48.98616,37.80307\n"
                      "2,Kyiv,50.45466,30.5238\n")
        d2 = a.diff(b, places=few)
        self.assertEqual([p["name"] for p in d2["places"]], ["Lyman"])

    def test_status(self):
        a = Fixture.a()
        self.assertEqual(a.status(48.9862, 37.8031), "occupied")       # Lyman, 09-30
        self.assertEqual(Fixture.b().status(48.9862, 37.8031), "liberated")
        self.assertEqual(a.status(50.45466, 30.5238), "free")          # Kyiv
        self.assertEqual(a.status(0, 0), "none")
        self.assertEqual(a.status(91, 0), "invalid")
        self.assertEqual(a.status(float("nan"), 0), "invalid")
        lats = [48.9862, 50.45466, 0, 91, 45.3]
        lons = [37.8031, 30.5238, 0, 0, 34.4]
        many = a.status_many(lats, lons)
        self.assertEqual(many, [a.status(la, lo) for la, lo in zip(lats, lons)])
        self.assertEqual(a.status_many(array.array("d", lats), tuple(lons)), many)
        self.assertEqual(a.status_many(iter(lats), iter(lons)), many)
        self.assertEqual(a.status_many([], []), [])
        pairs = a.status_many(lats, lons, with_region=True)
        self.assertEqual(pairs[0], ("occupied", "UA-DT"))
        self.assertEqual(pairs[2], ("none", None))
        # the places report agrees with status_many on the same coordinates
        rep = a.status()
        pl = rep["places"]
        self.assertEqual(len(pl), 2853)
        st = a.status_many([p["lat"] for p in pl], [p["lon"] for p in pl], with_region=True)
        self.assertEqual(st, [(p["status"], p["region"]) for p in pl])
        with self.assertRaises(frontline.ArgumentError):
            a.status_many([1, 2], [1])
        with self.assertRaises(frontline.ArgumentError):
            a.status_many(["x"], [1])
        with self.assertRaises(frontline.ArgumentError):
            a.status(48.0)

    def test_claims(self):
        rep = Fixture.a().claims()
        claims = rep["claims"]
        self.assertEqual([c["declared"] for c in claims], ["2014-03-18", "2022-09-30"])
        regions = {r["code"] for r in claims[1]["regions"]}
        self.assertEqual(regions, {"UA-DT", "UA-LH", "UA-ZP", "UA-KS"})
        out = os.path.join(TMP, "not_held.geojson")
        rep2 = Fixture.a().claims(geojson=out)
        self.assertEqual(rep, rep2)
        with open(out) as f:
            self.assertGreater(len(json.load(f)["features"]), 0)
        early = frontline.load(SAMPLE_A, time="2020-01-01")
        self.assertEqual([c["declared"] for c in early.claims()["claims"]], ["2014-03-18"])
        cl = frontline.Claims()
        self.assertEqual(Fixture.a().claims(cl), rep)
        with self.assertRaises(frontline.ArgumentError):
            Fixture.a().claims(cl, regions=frontline.Regions())

    def test_front(self):
        f = Fixture.front()
        self.assertEqual(f["status"], "occupied")
        self.assertAlmostEqual(f.km, f["front_km"], places=2)
        self.assertEqual(len(f.piece_km), len(f["pieces_km"]))
        g = f.geometry()
        self.assertIn(g["type"], ("LineString", "MultiLineString"))
        self.assertEqual(f.wkb()[:1], b"\x01")

    def test_timeline(self):
        order = frontline.timeline([SAMPLE_B, SAMPLE_A], places=False)
        self.assertEqual(order.paths, [SAMPLE_A, SAMPLE_B])  # ordered by time
        self.assertEqual(len(order), 2)
        order.close()
        tl, report, h = Fixture.timeline()
        self.assertEqual(tl.paths, [SAMPLE_A, SAMPLE_B])
        rows = report["snapshots"]
        self.assertEqual([r["time"] for r in rows], ["2022-09-30T00:00:00Z",
                                                     "2022-10-04T00:00:00Z"])
        self.assertIsNone(rows[0]["transitions"])
        self.assertGreater(rows[1]["place_changes"], 0)
        ch = tl.changes()
        self.assertEqual(ch, report["changes"])
        self.assertEqual(len(ch), rows[1]["place_changes"])
        self.assertIn("Lyman", {c["name"] for c in ch})
        self.assertEqual(h, tl.place_history(tl.places.find("Lyman")))
        self.assertEqual([x["status"] for x in h["history"]], ["occupied", "liberated"])
        self.assertEqual(list(tl), [])  # exhausted
        with self.assertRaises(frontline.ArgumentError):
            tl.place_history("Atlantis")
        t2 = frontline.timeline(SAMPLE_DIR, places=False)
        t2.close()
        with self.assertRaises(frontline.ClosedError):
            t2.changes()
        empty = os.path.join(TMP, "empty-dir")
        os.makedirs(empty, exist_ok=True)
        with self.assertRaises(frontline.ArgumentError):
            frontline.timeline(empty)
        with self.assertRaises(frontline.FileError):
            frontline.timeline(os.path.join(TMP, "no-such-dir"))

    def test_timeline_order_error(self):
        tl = frontline.timeline(SAMPLE_DIR, places=False)
        tl.add(SAMPLE_B)
        with self.assertRaises(frontline.ArgumentError) as e:
            tl.add(SAMPLE_A)
        self.assertIn("earlier than the previous snapshot", str(e.exception))
        self.assertEqual(tl.changes(), [])


class TestGeometry(unittest.TestCase):

    def test_layers(self):
        a = Fixture.a()
        layers = a.layers()
        self.assertEqual(list(layers), ["occupied", "contested", "liberated"])
        for g in layers.values():
            self.assertIn(g["type"], ("Polygon", "MultiPolygon", "GeometryCollection"))
        fc = a.to_geojson()
        self.assertEqual(fc["type"], "FeatureCollection")
        wkb = a.layers_wkb()
        for k, g in layers.items():
            self.assertEqual(wkb[k], frontline.to_wkb(g))
            self.assertEqual(wkb[k][0], 1)  # little-endian
            self.assertEqual(struct.unpack("<I", wkb[k][1:5])[0],
                             {"Polygon": 3, "MultiPolygon": 6,
                              "GeometryCollection": 7}[g["type"]])

    def test_wkb_encoding(self):
        self.assertEqual(frontline.to_wkb({"type": "Point", "coordinates": [30.5, 50.45]}),
                         struct.pack("<BIdd", 1, 1, 30.5, 50.45))
        ls = frontline.to_wkb({"type": "LineString", "coordinates": [[0, 0], [1, 2]]})
        self.assertEqual(ls, struct.pack("<BII4d", 1, 2, 2, 0, 0, 1, 2))
        poly = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
        self.assertEqual(frontline.to_wkb(poly),
                         struct.pack("<BIII8d", 1, 3, 1, 4, 0, 0, 1, 0, 1, 1, 0, 0))
        mp = frontline.to_wkb({"type": "MultiPolygon", "coordinates": [poly["coordinates"]] * 2})
        self.assertEqual(mp[:9], struct.pack("<BII", 1, 6, 2))
        z = frontline.to_wkb({"type": "Point", "coordinates": [1, 2, 3]})
        self.assertEqual(z, struct.pack("<BI3d", 1, 1001, 1, 2, 3))
        self.assertEqual(frontline.to_wkb(None), struct.pack("<BII", 1, 7, 0))
        with self.assertRaises(frontline.ArgumentError):
            frontline.to_wkb({"type": "Curve", "coordinates": []})

    @unittest.skipUnless(HAVE_SHAPELY, "shapely is not importable")
    def test_shapely_reads_wkb(self):
        a = Fixture.a()
        geoms = dict(a.layers())
        wkbs = dict(a.layers_wkb())
        geoms["front"] = Fixture.front().geometry()
        wkbs["front"] = Fixture.front().wkb()
        for i, (g, w) in enumerate(zip(Fixture.diff().pieces_geojson()["features"],
                                       Fixture.diff().pieces_wkb())):
            geoms["piece%d" % i], wkbs["piece%d" % i] = g["geometry"], w
        extra = [{"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]},
                 {"type": "Polygon", "coordinates": []},
                 {"type": "GeometryCollection", "geometries": [
                     {"type": "Point", "coordinates": [1, 2]},
                     {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}]}]
        for i, g in enumerate(extra):
            geoms["extra%d" % i], wkbs["extra%d" % i] = g, frontline.to_wkb(g)
        for k, g in geoms.items():
            via_wkb = shapely.wkb.loads(wkbs[k])
            self.assertTrue(via_wkb.equals_exact(shapely.geometry.shape(g), 0) or
                            (via_wkb.is_empty and shapely.geometry.shape(g).is_empty), k)


class TestErrors(unittest.TestCase):

    def test_missing_file(self):
        path = os.path.join(TMP, "nonexistent.geojson")
        with self.assertRaises(frontline.FileError) as e:
            frontline.load(path)
        self.assertIsInstance(e.exception, OSError)
        self.assertIsInstance(e.exception, frontline.Error)
        self.assertEqual(e.exception.code, frontline.EIO)
        self.assertEqual(e.exception.strerror, "I/O error")
        self.assertIn(path, str(e.exception))
        if CLI:
            self.assertEqual(str(e.exception), cli_error("info", path))

    def test_bad_json(self):
        path = tmpfile("bad.geojson", '{"type":"FeatureCollection","features":[')
        with self.assertRaises(frontline.ParseError) as e:
            frontline.load(path)
        self.assertEqual(e.exception.code, frontline.EPARSE)
        self.assertIn("bad.geojson", e.exception.message)
        if CLI:
            self.assertEqual(str(e.exception), cli_error("info", path))

    def test_not_a_map(self):
        path = tmpfile("array.geojson", "[1, 2]")
        with self.assertRaises(frontline.FormatError) as e:
            frontline.load(path)
        if CLI:
            self.assertEqual(str(e.exception), cli_error("info", path))

    def test_bad_geometry(self):
        path = tmpfile("ring.geojson", '{"type":"FeatureCollection","features":[{"type":'
                       '"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":'
                       '[[[0,0],[1,1],[0,0]]]}}]}')
        with self.assertRaises(frontline.GeometryError) as e:
            frontline.load(path)
        self.assertIn("feature 0", str(e.exception))

    def test_bad_profile(self):
        path = tmpfile("bad.profile", "status bogus\n")
        with self.assertRaises(frontline.ProfileError) as e:
            frontline.Profile(path)
        self.assertIn("bad.profile", str(e.exception))
        with self.assertRaises(frontline.ProfileError):
            frontline.load(SAMPLE_A, profile=path)
        if CLI:
            self.assertEqual(str(e.exception), cli_error("info", SAMPLE_A, "--profile", path))

    def test_limit(self):
        ctx = frontline.context()
        old = ctx.limit("file_bytes")
        try:
            ctx.set_limit("file_bytes", 100)
            with self.assertRaises(frontline.LimitError):
                frontline.load(SAMPLE_A)
        finally:
            ctx.set_limit("file_bytes", old)
        self.assertEqual(ctx.limit("file_bytes"), old)
        with self.assertRaises(frontline.ArgumentError):
            ctx.set_limit("file_bytes", 0)
        with self.assertRaises(frontline.ArgumentError):
            ctx.limit("bogus")

    def test_misuse(self):
        a = Fixture.a()
        for bad in (None, 42, b"a\0b", "a\0b", "", ["x"]):
            with self.assertRaises(frontline.Error):
                frontline.load(bad)
        with self.assertRaises(TypeError):  # ArgumentError is a TypeError too
            frontline.load(42)
        with self.assertRaises(frontline.FileError):
            frontline.load(TMP)  # a directory
        with self.assertRaises(frontline.ArgumentError):
            a.diff("not a snapshot")
        with self.assertRaises(frontline.ArgumentError):
            a.front(tolerance_km=-1)
        with self.assertRaises(frontline.ArgumentError):
            a.front(tolerance_km="far")
        with self.assertRaises(frontline.ArgumentError):
            a.area(regions=3.5)
        with self.assertRaises(frontline.ArgumentError):
            a.status(places=False)
        with self.assertRaises(TypeError):
            frontline.Context()
        with self.assertRaises(TypeError):
            frontline.Diff()

    def test_closed(self):
        s = frontline.load(SAMPLE_A)
        self.assertFalse(s.closed)
        s.close()
        self.assertTrue(s.closed)
        s.close()  # idempotent
        for op in (lambda: s.area(), lambda: s.kind, lambda: s.status(48, 37),
                   lambda: s.status_many([48], [37]), lambda: s.layers(), lambda: s.front(),
                   lambda: s.claims(), lambda: Fixture.a().diff(s), lambda: s.info):
            with self.assertRaises(frontline.ClosedError):
                op()
        self.assertIn("closed", repr(s))
        with frontline.load(SAMPLE_A) as t:
            self.assertEqual(t.kind, "deepstate")
        self.assertTrue(t.closed)
        with self.assertRaises(frontline.ClosedError):
            t.time
        r = frontline.Regions()
        r.close()
        with self.assertRaises(frontline.ClosedError):
            r.locate(48, 37)
        with self.assertRaises(frontline.ClosedError):
            Fixture.a().area(regions=r)

    def test_close_in_any_order(self):
        prof = frontline.Profile()
        reg = frontline.Regions()
        a = frontline.load(SAMPLE_A, profile=prof, regions=reg)
        b = frontline.load(SAMPLE_B, profile=prof, regions=reg)
        d = a.diff(b, places=False)
        prof.close()
        reg.close()
        a.close()
        b.close()
        with self.assertRaises(frontline.ClosedError):
            frontline.load(SAMPLE_A, profile=prof)
        # the diff keeps its snapshots' C data (and theirs) alive
        self.assertEqual(len(d.pieces_geojson()["features"]), len(d["pieces"]))
        st = d._res.state
        refs = st.refs
        d.close()
        self.assertLess(st.refs, refs)  # the C objects went with the last user

    def test_regions_cache_pinning(self):
        # libfrontline caches per-region areas in the snapshot, keyed by the regions'
        # address; the bindings keep those regions alive as long as the snapshot, so a new
        # Regions cannot reuse the address and be served stale numbers.
        one = tmpfile("one.geojson", '{"type":"FeatureCollection","features":[{"type":'
                      '"Feature","properties":{"code":"X-1","name":"Square"},"geometry":'
                      '{"type":"Polygon","coordinates":[[[36,47],[39,47],[39,50],[36,50],'
                      '[36,47]]]}}]}')
        with open(one) as f:
            square = f.read()
        two = tmpfile("two.geojson", square.replace(
            "[[[36,47],[39,47],[39,50],[36,50],[36,47]]]",
            "[[[30,45],[33,45],[33,48],[30,48],[30,45]]]"))
        s = frontline.load(SAMPLE_A)
        r1 = frontline.Regions(one)
        s.area(regions=r1)
        r1.close()
        del r1
        for _ in range(50):
            r2 = frontline.Regions(two)
            rep = s.area(regions=r2)
            self.assertAlmostEqual(rep["regions"][0]["status_km2"]["occupied"],
                                   rep["territory"]["status_km2"]["occupied"], delta=1e-3)
            r2.close()


class TestMemory(unittest.TestCase):

    def test_rss_flat_over_10000_snapshots(self):
        path = tmpfile("20221003.wkt", TINY_WKT)
        prof = frontline.Profile()
        for _ in range(300):  # warm up allocator and caches
            frontline.load(path, profile=prof).kind
        gc.collect()
        before = rss_bytes()
        t0 = time.perf_counter()
        for _ in range(10000):
            s = frontline.load(path, profile=prof)
            s.kind
            del s
        dt = time.perf_counter() - t0
        gc.collect()
        grown = rss_bytes() - before
        sys.stderr.write("\n[memory] 10000 snapshots in %.1f s: RSS %+.2f MB\n"
                         % (dt, grown / 2 ** 20))
        self.assertLess(grown, 20 * 2 ** 20)

    def test_rss_flat_over_analyses(self):
        path = tmpfile("20221003.wkt", TINY_WKT)
        s = frontline.load(path)
        lats, lons = [48.05] * 100, [37.05] * 100

        def work():
            s.area()
            s.status_many(lats, lons)
            s.claims()
            s.layers_wkb()
            t = frontline.load(path)
            t.status(48.0, 37.0)
            t.close()
        for _ in range(20):
            work()
        gc.collect()
        before = rss_bytes()
        for _ in range(300):
            work()
        gc.collect()
        grown = rss_bytes() - before
        sys.stderr.write("[memory] 300 rounds of analyses: RSS %+.2f MB\n" % (grown / 2 ** 20))
        self.assertLess(grown, 10 * 2 ** 20)


class TestThreads(unittest.TestCase):

    @staticmethod
    def job(a_path, b_path, lats, lons):
        a, b = frontline.load(a_path), frontline.load(b_path)
        return (a.area(), dict(a.diff(b)), a.status_many(lats, lons), a.claims(),
                b.status_many(lats, lons))

    def test_two_threads_same_as_sequential(self):
        pl = frontline.Places()
        lats, lons = [p.lat for p in pl], [p.lon for p in pl]
        seq = [self.job(SAMPLE_A, SAMPLE_B, lats, lons), self.job(SAMPLE_B, SAMPLE_A, lats, lons)]
        results, spans, errors = [None, None], [None, None], []

        def run(i, pa, pb):
            try:
                t0 = time.perf_counter()
                results[i] = self.job(pa, pb, lats, lons)
                spans[i] = (t0, time.perf_counter())
            except BaseException as e:  # reported below
                errors.append(e)
        ts = [threading.Thread(target=run, args=(0, SAMPLE_A, SAMPLE_B)),
              threading.Thread(target=run, args=(1, SAMPLE_B, SAMPLE_A))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(results, seq)
        # they ran at the same time
        self.assertLess(spans[0][0], spans[1][1])
        self.assertLess(spans[1][0], spans[0][1])

    def test_gil_released_during_c_calls(self):
        # Count iterations of a pure-Python loop while another thread sits in one long C
        # call (opening the regions: make-valid, union, index). If the call held the GIL,
        # this thread would be stopped for its whole duration.
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        n = 0
        while not stop.is_set():
            n += 1
        rate = n / 0.3
        done, started, took = threading.Event(), threading.Event(), []

        def work():
            started.set()
            t0 = time.perf_counter()
            frontline.Regions()
            took.append(time.perf_counter() - t0)
            done.set()
        t = threading.Thread(target=work)
        t.start()
        started.wait()
        n = 0
        while not done.is_set():
            n += 1
        t.join()
        expected = rate * took[0]
        sys.stderr.write("[threads] C call %.2f s; Python loop ran at %.0f%% of its speed "
                         "meanwhile\n" % (took[0], 100 * n / expected))
        self.assertGreater(took[0], 0.05)
        self.assertGreater(n, 0.10 * expected)  # holding the GIL: ~1 %

    def test_objects_stay_in_their_thread(self):
        a = frontline.load(SAMPLE_A)  # its default regions not resolved yet
        box = {}

        def other():
            try:
                a.area()
            except frontline.ThreadError as e:
                box["area"] = e
            try:
                a.status(48, 37)
            except frontline.ThreadError as e:
                box["status"] = e
            box["snap"] = frontline.load(SAMPLE_B)
            box["ctx"] = weakref.ref(frontline.context())
            box["state"] = frontline.context()._state
        t = threading.Thread(target=other, name="worker-x")
        t.start()
        t.join()
        self.assertIsInstance(box["area"], frontline.ThreadError)
        self.assertIn("MainThread", str(box["area"]))
        self.assertIn("status", box)
        self.assertEqual(a.area(), Fixture.a().area())  # still fine in its own thread
        theirs = box.pop("snap")
        with self.assertRaises(frontline.ThreadError) as e:
            a.diff(theirs)
        self.assertIn("worker-x", str(e.exception))
        with self.assertRaises(frontline.ThreadError):
            theirs.kind
        state = box.pop("state")
        self.assertIsNotNone(state.ptr)
        # dropping the other thread's objects here frees them (and, last, its context)
        del theirs
        gc.collect()
        self.assertIsNone(box["ctx"]())
        self.assertIsNone(state.ptr)

    def test_release_while_context_busy(self):
        # A finalizer running while the owning context is in use elsewhere queues the
        # release; the holder runs it when it lets go. No deadlock, nothing leaked.
        box = {}

        def make():
            box["snap"] = frontline.load(SAMPLE_A)
            box["state"] = frontline.context()._state
            box["go"].wait()
        box["go"] = threading.Event()
        t = threading.Thread(target=make)
        t.start()
        while "state" not in box:
            time.sleep(0.01)
        st = box["state"]
        st.lock.acquire()  # as if the owner were inside a C call
        snap = box.pop("snap")
        res = snap._res
        del snap  # finalizer: cannot take the lock, so it queues
        gc.collect()
        self.assertIsNotNone(res.ptr)
        self.assertEqual(len(st.pending), 1)
        st.leave()  # the holder lets go and runs the queue
        self.assertIsNone(res.ptr)
        box["go"].set()
        t.join()


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


@unittest.skipUnless(os.path.isdir(RAW), "no shared data (%s)" % RAW)
class TestSharedFigures(unittest.TestCase):
    """The figures of ../shared/data/README.md, through the bindings (within 0.1 %)."""

    def test_occupied_20220930(self):
        s = frontline.load(shared("1664526365"))
        self.assertEqual(s.time_iso, "2022-09-30T08:26:05Z")
        self.assertAlmostEqual(s.status_km2["occupied"], 115835, delta=115835e-3)
        rep = s.area()
        share = {r["code"]: r["status_share"]["occupied"] for r in rep["regions"]}
        for code, want in (("UA-LH", .983), ("UA-KS", .914), ("UA-ZP", .729), ("UA-DT", .560)):
            self.assertAlmostEqual(share[code], want, delta=1.5e-3, msg=code)

    def test_lyman(self):
        a, b = frontline.load(shared("1664526365")), frontline.load(shared("1664748468"))
        d = a.diff(b)
        occ = next(c for c in d["changes"] if c["status"] == "occupied")
        self.assertAlmostEqual(occ["lost_km2"], 626.6, delta=0.627)
        self.assertAlmostEqual(occ["largest_lost"][0]["km2"], 273, delta=1)
        self.assertEqual(a.status(48.9862, 37.8031), "occupied")
        self.assertNotEqual(b.status(48.9862, 37.8031), "occupied")
        self.assertIn("Lyman", {p["name"] for p in d["places"]})

    def test_kherson(self):
        a, b = frontline.load(shared("1664813274")), frontline.load(shared("1664920017"))
        d = a.diff(b)
        occ = next(c for c in d["changes"] if c["status"] == "occupied")
        self.assertAlmostEqual(occ["lost_km2"], 827.4, delta=0.828)
        big = occ["largest_lost"][0]  # merged across destinations
        self.assertAlmostEqual(big["km2"], 703.8, delta=0.704)
        self.assertLess(math.hypot(big["lat"] - 47.30, big["lon"] - 33.46), 0.3)


@unittest.skipUnless(HAVE_SHAPELY and HAVE_PYPROJ, "shapely and pyproj are not importable")
class TestCrossCheck(unittest.TestCase):
    """Areas, diffs and place statuses against pyproj (geodesic areas on WGS84) and
    shapely (point in polygon), on the samples and on the shared snapshots."""

    @classmethod
    def setUpClass(cls):
        cls.geod = pyproj.Geod(ellps="WGS84")
        places = frontline.Places()
        cls.lats = [p.lat for p in places]
        cls.lons = [p.lon for p in places]
        cls.points = [shapely.geometry.Point(lo, la) for la, lo in zip(cls.lats, cls.lons)]
        regions = [shapely.prepared.prep(shapely.geometry.shape(f["geometry"]))
                   for f in frontline.Regions().to_geojson()["features"]]
        cls.in_territory = [any(r.intersects(p) for r in regions) for p in cls.points]

    def km2(self, geom):
        """Geodesic area (km²) of the polygons of a shapely geometry."""
        if geom.is_empty:
            return 0.0
        if geom.geom_type == "Polygon":  # exterior counter-clockwise, holes clockwise
            return self.geod.geometry_area_perimeter(orient(geom, 1.0))[0] / 1e6
        if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
            return sum(self.km2(g) for g in geom.geoms)
        return 0.0

    def check_snapshot(self, path):
        s = frontline.load(path)
        layers = {k: shapely.geometry.shape(g) for k, g in s.layers().items()}
        drawn = s.status_km2
        for k, g in layers.items():
            mine = self.km2(g)
            self.assertAlmostEqual(mine, drawn[k], delta=max(1e-4 * drawn[k], 1e-6),
                                   msg="%s %s" % (os.path.basename(path), k))
        # statuses of every embedded place: first layer covering it, else free inside the
        # territory, else none
        prepared = [(k, shapely.prepared.prep(g)) for k, g in layers.items()]
        want = []
        for p, inside in zip(self.points, self.in_territory):
            st = next((k for k, g in prepared if g.intersects(p)), None)
            want.append(st or ("free" if inside else "none"))
        got = s.status_many(self.lats, self.lons)
        bad = [(i, got[i], want[i]) for i in range(len(got)) if got[i] != want[i]]
        self.assertEqual(bad, [], os.path.basename(path))
        return s, layers

    def check_diff(self, pa, pb):
        a, la = self.check_snapshot(pa)
        b, lb = self.check_snapshot(pb)
        d = a.diff(b, places=False)
        for c in d["changes"]:
            st = c["status"]
            lost = self.km2(la[st].difference(lb[st]))
            gained = self.km2(lb[st].difference(la[st]))
            tol = max(1e-3 * max(lost, gained), 0.05)
            self.assertAlmostEqual(c["lost_km2"], lost, delta=tol, msg="lost " + st)
            self.assertAlmostEqual(c["gained_km2"], gained, delta=tol, msg="gained " + st)

    def test_samples(self):
        self.check_diff(SAMPLE_A, SAMPLE_B)

    @unittest.skipUnless(os.path.isdir(RAW), "no shared data (%s)" % RAW)
    def test_shared_snapshots(self):
        files = SharedData.files()
        self.assertGreater(len(files), 0)
        for f in files:
            with self.subTest(file=os.path.basename(f)):
                self.check_snapshot(f)

    @unittest.skipUnless(os.path.isdir(RAW), "no shared data (%s)" % RAW)
    def test_shared_diffs(self):
        for pa, pb in (("1664526365", "1664748468"), ("1664813274", "1664920017")):
            with self.subTest(diff=pa + "->" + pb):
                self.check_diff(shared(pa), shared(pb))


if __name__ == "__main__":
    # Exit 0 when everything passed or was skipped (also when nothing could run), 1 on a
    # failure; unittest.main alone exits 5 when no test ran (Python >= 3.12).
    prog = unittest.main(verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
