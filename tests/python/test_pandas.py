"""Timelines as pandas DataFrames: tidy rows with UTC datetimes, and the place change log."""

from common import FROM, TO, SAMPLE_DIR, frontline, main, require

require("numpy", "pandas")

import os  # noqa: E402 (after the skip)
import sys  # noqa: E402
import unittest  # noqa: E402

import pandas as pd  # noqa: E402


class TestTimelineFrames(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tl = frontline.timeline(SAMPLE_DIR)
        cls.df = cls.tl.to_dataframe()
        cls.changes = cls.tl.changes_dataframe()

    def test_tidy(self):
        df, rows = self.df, self.tl.rows
        self.assertEqual(list(df.columns), ["time", "file", "region", "status", "km2"])
        self.assertTrue(pd.api.types.is_datetime64_any_dtype(df["time"]))
        self.assertEqual(str(df["time"].dt.tz), "UTC")
        self.assertEqual(sorted(df["time"].unique()),
                         [pd.Timestamp("2022-09-30", tz="UTC"),
                          pd.Timestamp("2022-10-04", tz="UTC")])
        # one line per snapshot, scope and status, with the rows' figures
        n_status = len(rows[0]["territory_km2"])
        donetsk = self.tl.regions["UA-DT"].code  # (an alias of the oblast's code)
        self.assertEqual(len(df), len(rows) * (1 + len(rows[0]["regions"])) * n_status)
        terr = df[df.region == "territory"].pivot(index="time", columns="status",
                                                  values="km2")
        for row in rows:
            t = pd.Timestamp(row["time"])
            for st, km2 in row["territory_km2"].items():
                self.assertEqual(terr.loc[t, st], km2)
        dt = df[(df.region == donetsk) & (df.status == "occupied")]["km2"].tolist()
        self.assertEqual(dt, [r["status_km2"]["occupied"] for row in rows
                              for r in row["regions"] if r["code"] == donetsk])
        self.assertEqual(len(dt), len(rows))

    def test_changes(self):
        ch = self.changes
        self.assertEqual(list(ch.columns), list(self.tl.changes()[0]))
        self.assertTrue({"name", FROM, TO, "before", "after"} <= set(ch.columns))
        self.assertEqual(len(ch), len(self.tl.changes()))
        self.assertEqual(str(ch["after"].dt.tz), "UTC")
        lyman = ch[ch.name == "Lyman"].iloc[0]
        self.assertEqual((lyman[FROM], lyman[TO]), ("occupied", "liberated"))
        self.assertLess(lyman["before"], lyman["after"])

    def test_lazy_import(self):
        # the bindings import neither pandas nor numpy by themselves
        import subprocess
        code = ("import sys, frontline; frontline.timeline(%r, places=False).run(); "
                "print('pandas' in sys.modules, 'numpy' in sys.modules)" % SAMPLE_DIR)
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(frontline.__file__)))
        out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                             check=True).stdout.decode().split()
        self.assertEqual(out, ["False", "False"])


if __name__ == "__main__":
    main()
