"""Analyses: areas, diffs, place status, claims, the frontline, timelines."""

import array
import json
import os
import unittest

from common import (FROM, TO, Fixture, SAMPLE_A, SAMPLE_B, SAMPLE_DIR, TMP, frontline, main,
                    tmpfile)


class TestAnalyses(unittest.TestCase):

    def test_area_report(self):
        rep = Fixture.a().area()
        self.assertIsInstance(rep, dict)
        terr = rep["territory"]
        # the statuses cover the land; undrawn water is apart (docs/geography.md)
        self.assertAlmostEqual(sum(terr["status_km2"].values()) + terr["water_km2"],
                               terr["area_km2"], delta=1)
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
            self.assertEqual((mine[FROM], mine[TO], mine["region"]),
                             (js[FROM], js[TO], js["region"]))
        fc = d.pieces_geojson()
        self.assertEqual(len(fc["features"]), len(pieces))
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
        self.assertEqual(pairs[0], ("occupied", a.regions["UA-DT"].code))
        self.assertEqual(pairs[2], ("none", None))
        # the places report agrees with status_many on the same coordinates
        rep = a.status()
        pl = rep["places"]
        with open(frontline.data_path("places"), encoding="utf-8") as f:  # every row
            self.assertEqual(len(pl), len(f.readlines()) - 1)
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
        codes = Fixture.a().regions  # the claimed oblasts, by their aliases
        self.assertEqual(regions, {codes[k].code for k in ("UA-DT", "UA-LH", "UA-ZP", "UA-KS")})
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

    def test_timeline_progress(self):
        # sequential: after each snapshot, done counting up, total the timeline's paths
        calls = []
        tl = frontline.timeline(SAMPLE_DIR, places=False,
                                progress=lambda *a: calls.append(a))
        rows = tl.run()
        self.assertEqual(calls, [(1, 2, SAMPLE_A), (2, 2, SAMPLE_B)])
        # on two threads: the same rows, and every snapshot reported once, one call at a
        # time, done rising by one (the order of the paths may differ)
        seen, active = [], []

        def report(done, total, path):
            active.append(path)
            self.assertEqual(len(active), 1)  # not called concurrently
            seen.append((done, total, path))
            active.pop()
        tl2 = frontline.timeline(SAMPLE_DIR, places=False, jobs=2, progress=report)
        self.assertEqual(list(tl2), rows)
        self.assertEqual([s[:2] for s in seen], [(1, 2), (2, 2)])
        self.assertEqual(sorted(s[2] for s in seen), [SAMPLE_A, SAMPLE_B])
        self.assertEqual(tl2.rows, rows)

        def boom(done, total, path):
            raise KeyError("stop")
        with self.assertRaises(KeyError):  # raised once the C call returns
            next(iter(frontline.timeline(SAMPLE_DIR, places=False, progress=boom)))
        with self.assertRaises(frontline.ArgumentError):
            frontline.timeline(SAMPLE_DIR, progress="yes")
        with self.assertRaises(frontline.ArgumentError):
            frontline.timeline(SAMPLE_DIR, jobs=0)

    def test_timeline_order_error(self):
        tl = frontline.timeline(SAMPLE_DIR, places=False)
        tl.add(SAMPLE_B)
        with self.assertRaises(frontline.ArgumentError) as e:
            tl.add(SAMPLE_A)
        self.assertIn("earlier than the previous snapshot", str(e.exception))
        self.assertEqual(tl.changes(), [])

if __name__ == "__main__":
    main()
