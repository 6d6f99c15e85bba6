"""The figures of ../shared/data/README.md and cross-checks against shapely and pyproj."""

import math
import os
import unittest

from common import RAW, SAMPLE_A, SAMPLE_B, SharedData, frontline, main, shared

_as_drawn = []


def AS_DRAWN():
    """The embedded regions with neither conflation nor water, opened once."""
    if not _as_drawn:
        _as_drawn.append(frontline.Regions(snap_km=0, water=None))
    return _as_drawn[0]

try:
    import shapely.geometry
    import shapely.prepared
    from shapely.geometry.polygon import orient
    HAVE_SHAPELY = True
except ImportError:
    HAVE_SHAPELY = False
try:
    import pyproj
    HAVE_PYPROJ = True
except ImportError:
    HAVE_PYPROJ = False


@unittest.skipUnless(os.path.isdir(RAW), "no shared data (%s)" % RAW)
class TestSharedFigures(unittest.TestCase):
    """The figures of ../shared/data/README.md, through the bindings (within 0.1 %)."""

    def test_occupied_20220930(self):
        s = frontline.load(shared("1664526365"))
        self.assertEqual(s.time_iso, "2022-09-30T08:26:05Z")
        self.assertAlmostEqual(s.status_km2["occupied"], 115835, delta=115835e-3)
        rep = s.area(regions=AS_DRAWN())
        share = {r["code"]: r["status_share"]["occupied"] for r in rep["regions"]}
        # the README's shares as drawn, recomputed for the OSM oblasts with shapely and pyproj
        # (see tests/test_realdata.c); UA-LH etc. are the old codes, aliases of UA-09 etc.
        for code, want in (("UA-LH", .9911), ("UA-KS", .8897), ("UA-ZP", .7246),
                           ("UA-DT", .5651)):
            self.assertAlmostEqual(share[AS_DRAWN()[code].code], want, delta=1.5e-3, msg=code)

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
        # as drawn: without the coast conflation and the water (docs/geography.md), which the
        # reference does not model
        got = s.status_many(self.lats, self.lons, regions=AS_DRAWN())
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
    main()
