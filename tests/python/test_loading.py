"""Loading: the library and data found, snapshots, times, profiles, regions, places, formats."""

import os
import unittest

from common import (Fixture, SAMPLE_A, TINY_WKT, TMP, cli_json, frontline, main, need_cli, tmpfile)


class TestLoading(unittest.TestCase):

    def test_library_and_data(self):
        self.assertTrue(os.path.exists(frontline.library_path))
        self.assertEqual(frontline.version(), frontline.__version__)
        self.assertTrue(os.path.isfile(frontline.data_path("profile")))
        for key in frontline.DATA_FILES:
            self.assertTrue(os.path.isfile(frontline.data_path(key)), key)

    def test_help(self):
        # help() on every public name says something: its docstring, and its public
        # methods' and properties' docstrings
        import inspect
        for name in frontline.__all__:
            obj = getattr(frontline, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            self.assertTrue(inspect.getdoc(obj), name)
            if inspect.isclass(obj) and obj.__module__ == "frontline":
                for attr, member in vars(obj).items():
                    if attr.startswith("_") or not (callable(member) or
                                                    isinstance(member, property)):
                        continue
                    self.assertTrue(inspect.getdoc(member), "%s.%s" % (name, attr))
        self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(frontline.__file__),
                                                    "py.typed")))

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
        cli, mine = cli_json("info", SAMPLE_A), Fixture.a().info
        # both come from fl_snapshot_info_json; the CLI adds which shipped profile fits and the
        # features outside the territory (it recognises the source and loads the regions)
        self.assertLessEqual(set(cli) - set(mine), {"profile", "profile_fits", "outside_territory"})
        self.assertEqual(mine, {k: v for k, v in cli.items() if k in mine})

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
        self.assertEqual(r.locate(48.0159, 37.8028), r["UA-DT"].code)  # Donetsk
        self.assertIsNone(r.locate(0, 0))
        self.assertAlmostEqual(sum(x.area_km2 for x in r) / r.territory_km2, 1, places=6)
        fc = r.to_geojson()
        self.assertEqual(len(fc["features"]), 27)
        pl = frontline.Places()
        with open(frontline.data_path("places"), encoding="utf-8") as f:  # every row
            self.assertEqual(len(pl), len(f.readlines()) - 1)
        # the front-line towns cities500 lacked
        for name in ("Novohrodivka", "Ocheretyne", "Nyu-York"):
            self.assertGreaterEqual(pl.find(name), 0, name)
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

if __name__ == "__main__":
    main()
