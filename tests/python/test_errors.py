"""Errors: one clear message naming the file, the feature and the reason; the exception classes."""

import os
import unittest

from common import (CLI, Fixture, SAMPLE_A, SAMPLE_B, TMP, cli_error, frontline, main, tmpfile)


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
        self.assertEqual(ctx.limit("threads"), 1)
        try:
            ctx.set_limit("threads", 2)
            self.assertEqual(ctx.limit("threads"), 2)
            with self.assertRaises(frontline.ArgumentError):
                ctx.set_limit("threads", 257)
        finally:
            ctx.set_limit("threads", 1)

    def test_misuse(self):
        a = Fixture.a()
        # each writer writes its formats only (issue 17: .kml was written as GeoJSON)
        kml = os.path.join(TMP, "layers.kml")
        with self.assertRaisesRegex(frontline.ArgumentError, r"layers\.kml: cannot write '\.kml'"):
            a.write(kml)
        self.assertFalse(os.path.exists(kml))
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

if __name__ == "__main__":
    main()
