"""Geometry: __geo_interface__ of snapshots, diffs, fronts, claims and regions, made by the C
library in memory, the same GeoJSON its writers put in files; shapely reads it; the
notebook pictures are PNGs."""

import json
import os
import struct
import tempfile
import unittest

from common import Fixture, SAMPLE_A, TMP, frontline, main

try:
    import shapely.geometry
    HAVE_SHAPELY = True
except ImportError:
    HAVE_SHAPELY = False


def written(write):
    """The GeoJSON a writer puts in a file, parsed."""
    path = os.path.join(TMP, "written.geojson")
    write(path)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class TestGeoInterface(unittest.TestCase):

    def test_same_as_files(self):
        # fl_X_geojson and fl_X_write share one writer: the memory text is the file's
        a, d, f = Fixture.a(), Fixture.diff(), Fixture.front()
        self.assertEqual(a.__geo_interface__, written(a.write))
        self.assertEqual(d.__geo_interface__, written(d.write))
        self.assertEqual(f.to_geojson(), written(f.write))
        self.assertEqual(f.__geo_interface__, written(f.write)["features"][0]["geometry"])
        c = a.claims()
        self.assertEqual(c.__geo_interface__,
                         written(lambda p: a.claims(geojson=p)))
        r = frontline.Regions()
        self.assertEqual(r.__geo_interface__, written(r.write))

    def test_contents(self):
        a, d = Fixture.a(), Fixture.diff()
        fc = a.__geo_interface__
        self.assertEqual(fc["type"], "FeatureCollection")
        self.assertEqual([x["properties"]["status"] for x in fc["features"]],
                         a.profile.drawn_statuses)
        self.assertEqual(a.layers(), {x["properties"]["status"]: x["geometry"]
                                      for x in fc["features"]})
        props = [x["properties"] for x in d.__geo_interface__["features"]]
        def words(p):  # the properties but the numbers
            return {k: v for k, v in p.items() if not isinstance(v, float)}
        self.assertEqual([words(p) for p in props], [words(p) for p in d.pieces()])
        for p, q in zip(props, d.pieces()):
            self.assertAlmostEqual(p["km2"], q["km2"], places=5)
        held = a.claims().__geo_interface__["features"]
        self.assertEqual({x["properties"]["claimant"] for x in held}, {"RU"})
        for obj in (a, d, Fixture.front(), a.claims(), frontline.Regions()):
            self.assertEqual(obj.crs, "EPSG:4326")
        self.assertEqual(frontline.CRS, "EPSG:4326")
        self.assertIn(Fixture.front().__geo_interface__["type"],
                      ("LineString", "MultiLineString"))

    def test_claims_report_is_plain_data(self):
        rep = Fixture.a().claims()
        self.assertIsInstance(rep, dict)
        self.assertEqual(json.loads(json.dumps(rep)), rep)

    def test_closed(self):
        d = Fixture.a().diff(Fixture.b(), places=False)
        d.close()
        with self.assertRaises(frontline.ClosedError):
            d.__geo_interface__
        self.assertIsNone(d._repr_png_())

    @unittest.skipUnless(HAVE_SHAPELY, "shapely is not importable")
    def test_shapely(self):
        f = Fixture.front()
        line = shapely.geometry.shape(f)
        self.assertIn(line.geom_type, ("LineString", "MultiLineString"))
        self.assertGreater(line.length, 1)  # degrees: the front is some 1,700 km long
        a = Fixture.a()
        for feat in a.__geo_interface__["features"]:
            g = shapely.geometry.shape(feat["geometry"])
            self.assertTrue(g.is_valid, feat["properties"]["status"])
        # the diff's pieces lie where the diff says: each piece holds its point
        d = Fixture.diff()
        for feat, p in zip(d.__geo_interface__["features"], d.pieces()):
            g = shapely.geometry.shape(feat["geometry"])
            self.assertTrue(g.buffer(1e-9).contains(shapely.geometry.Point(p["lon"], p["lat"])))


def png_size(data):
    """(width, height) of PNG bytes, from the IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    return struct.unpack(">II", data[16:24])


class TestPictures(unittest.TestCase):

    def test_repr_png(self):
        # the pictures go through a private temporary directory, removed afterwards: with
        # tempfile's directory pointed at an empty one, it is empty again at the end
        private = os.path.join(TMP, "pictures")
        os.makedirs(private)
        saved, tempfile.tempdir = tempfile.tempdir, private
        try:
            w, h = png_size(Fixture.a()._repr_png_())
            self.assertEqual(w, 900)
            self.assertGreater(h, 300)
            w, h = png_size(Fixture.diff()._repr_png_())
            self.assertEqual(w, 900)
            tl = frontline.timeline([SAMPLE_A], places=False)
            self.assertIsNone(tl._repr_png_())  # nothing added yet: no chart
            tl.run()
            w, h = png_size(tl._repr_png_())
            self.assertEqual(w, 900)
        finally:
            tempfile.tempdir = saved
        self.assertEqual(os.listdir(private), [])


if __name__ == "__main__":
    main()
