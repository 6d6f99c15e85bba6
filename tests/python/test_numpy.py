"""Place status over numpy arrays: one C call, the same answers as the list API."""

from common import Fixture, frontline, main, require

require("numpy")

import unittest  # noqa: E402 (after the skip)

import numpy as np  # noqa: E402


class TestNumpyStatus(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        places = frontline.Places()
        # the embedded places, plus outside, invalid and NaN points
        cls.lats = [p.lat for p in places] + [0.0, 91.0, float("nan"), 45.3]
        cls.lons = [p.lon for p in places] + [0.0, 0.0, 30.0, 34.4]

    def test_same_as_lists(self):
        a = Fixture.a()
        want = a.status_many(self.lats, self.lons, with_region=True)
        st, rg = a.status(lat=np.array(self.lats), lon=np.array(self.lons), with_region=True)
        self.assertIsInstance(st, np.ndarray)
        self.assertEqual(list(zip(st.tolist(), rg.tolist())), want)
        codes = a.status(lat=np.array(self.lats), lon=np.array(self.lons), output="codes")
        self.assertEqual(codes.dtype, np.intc)
        names = np.asarray(a.profile.names_by_code, dtype=object)
        self.assertEqual(names[codes].tolist(), [w[0] for w in want])
        self.assertEqual(set(codes.tolist()) >= {frontline.STATUS_NONE,
                                                 frontline.STATUS_INVALID}, True)

    def test_shapes_and_dtypes(self):
        a = Fixture.a()
        lat = np.array(self.lats[:40]).reshape(5, 8)
        lon = np.array(self.lons[:40]).reshape(5, 8)
        flat = a.status(lat=lat.ravel(), lon=lon.ravel())
        grid = a.status(lat=lat, lon=lon)
        self.assertEqual(grid.shape, (5, 8))
        self.assertEqual(grid.ravel().tolist(), flat.tolist())
        # Fortran order, float32, strided views: copied into float64 C order first
        self.assertEqual(a.status(lat=np.asfortranarray(lat), lon=np.asfortranarray(lon))
                         .tolist(), grid.tolist())
        self.assertEqual(a.status(lat=lat.T, lon=lon.T).tolist(), grid.T.tolist())
        f32 = a.status(lat=lat.astype(np.float32), lon=lon.astype(np.float32))
        self.assertEqual(f32.shape, (5, 8))
        self.assertEqual(a.status(lat=np.array([]), lon=np.array([])).tolist(), [])
        with self.assertRaises(frontline.ArgumentError):
            a.status(lat=np.zeros(3), lon=np.zeros(4))
        with self.assertRaises(frontline.ArgumentError):
            a.status(lat=np.zeros(3), lon=np.zeros(3), output="words")
        with self.assertRaises(frontline.ArgumentError):
            a.status(lat=np.array(["x"]), lon=np.zeros(1))

    def test_category(self):
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not importable")
        a = Fixture.a()
        cat = a.status(lat=np.array(self.lats), lon=np.array(self.lons), output="category")
        self.assertIsInstance(cat, pandas.Categorical)
        self.assertEqual(list(cat.categories), a.profile.names_by_code)
        self.assertEqual(list(cat), a.status_many(self.lats, self.lons))
        series = a.status(lat=pandas.Series(self.lats), lon=pandas.Series(self.lons))
        self.assertEqual(series.tolist(), list(cat))


if __name__ == "__main__":
    main()
