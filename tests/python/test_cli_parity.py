"""The dicts are those of `frontline ... --json`: same keys, same values."""

import unittest

from common import (Fixture, SAMPLE_A, SAMPLE_B, SAMPLE_DIR, cli_json, main, need_cli)


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
        donetsk = Fixture.a().regions["UA-DT"].code  # (an alias of the oblast's code)
        self.assertAlmostEqual(mine.km2("occupied", "UA-DT"),
                               next(r for r in cli["regions"] if r["code"] == donetsk)
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
        # (the CLI refuses --point 91,0; the library answers "invalid", tested elsewhere)
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

if __name__ == "__main__":
    main()
