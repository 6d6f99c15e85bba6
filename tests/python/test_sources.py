"""frontline.load over the other public sources (python/frontline), standard library only:
several files as one version, shipped profiles by name, the library's extension list; the
hand-made files of tests/sources, and ISW's and NZZ's samples when ../shared/data is there
(FRONTLINE_SHARED), against the shared README's figures (within 0.1 %)."""

import glob
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
try:
    import frontline
except ImportError:
    sys.path.insert(0, os.path.join(REPO, "python"))
    import frontline

SOURCES = os.path.join(REPO, "tests", "sources")
SHARED = os.environ.get("FRONTLINE_SHARED") or os.path.join(REPO, "..", "shared", "data")
PROFILE = os.path.join(SOURCES, "sources.profile")


class SourcesTest(unittest.TestCase):
    def test_several_files_are_one_version(self):
        kml, esri = os.path.join(SOURCES, "shapes.kml"), os.path.join(SOURCES, "esri.json")
        both = frontline.load([kml, esri], profile=PROFILE)
        one, other = frontline.load(kml, profile=PROFILE), frontline.load(esri, profile=PROFILE)
        self.assertEqual(both.path, kml + "," + esri)
        for key in ("total", "classified", "ignored", "unclassified", "no_polygon"):
            self.assertEqual(both.counts[key], one.counts[key] + other.counts[key], key)
        self.assertEqual(both.kind, "kml")

    def test_extensions_from_the_library(self):
        from frontline._timeline import SNAPSHOT_EXTENSIONS
        self.assertIn(".kml", SNAPSHOT_EXTENSIONS)
        self.assertIn(".kmz", SNAPSHOT_EXTENSIONS)

    def test_unknown_profile_name(self):
        with self.assertRaises(frontline.Error):
            frontline.load(os.path.join(SOURCES, "shapes.kml"), profile="nosuchsource")

    @unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "isw")), "no ../shared/data")
    def test_isw_layers_by_name(self):
        files = sorted(glob.glob(os.path.join(SHARED, "isw", "2022", "*", "20220930_*.geojson")))
        self.assertEqual(len(files), 5)
        s = frontline.load(files, profile="isw")
        self.assertEqual(s.counts["unclassified"], 0)
        for status, km2 in (("occupied", 111657.7), ("advance", 3685.9),
                            ("claimed_ru", 580.7), ("claimed_ua", 14491.2)):
            self.assertAlmostEqual(s.status_km2[status], km2, delta=1e-3 * km2, msg=status)

    @unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "nzz")), "no ../shared/data")
    def test_nzz_wrapped_and_dated_by_property(self):
        s = frontline.load(os.path.join(SHARED, "nzz", "2022-10-05.json"), profile="nzz")
        self.assertEqual(s.time_iso, "2022-10-03T00:00:00Z")  # _dateto, not the file's name
        self.assertAlmostEqual(s.status_km2["occupied"], 88739.4, delta=88.7)
        self.assertAlmostEqual(s.status_km2["lost"], 2375.0, delta=2.4)


if __name__ == "__main__":
    unittest.main()
