"""geopandas takes the results directly: the changed pieces' equal-area sum is the
transitions' km² (within 1 %), the status layers' that of the snapshot, with the CRS set."""

from common import FROM, TO, Fixture, frontline, main, require

require("numpy", "pandas", "geopandas", "pyproj", "shapely")

import unittest  # noqa: E402 (after the skip)

import geopandas  # noqa: E402
import pyproj  # noqa: E402
import shapely.geometry  # noqa: E402

#: An equal-area projection on the WGS84 ellipsoid (cylindrical equal-area, EASE-Grid 2.0).
EQUAL_AREA = "EPSG:6933"


class TestGeoPandas(unittest.TestCase):

    def test_diff_pieces_area(self):
        d = Fixture.diff()
        gdf = geopandas.GeoDataFrame.from_features(d, crs=d.crs)
        self.assertEqual(len(gdf), len(d.pieces()))
        # the transitions' km²: every off-diagonal cell of the matrix
        m = d.matrix()
        changed = sum(km2 for a, row in m.items() for b, km2 in row.items() if a != b)
        equal_area = gdf.to_crs(EQUAL_AREA).area.sum() / 1e6
        self.assertAlmostEqual(equal_area, changed, delta=0.01 * changed)
        # and geodesically (pyproj's Geod, independent of the library's GeographicLib)
        geod = pyproj.Geod(ellps="WGS84")
        geodesic = sum(abs(geod.geometry_area_perimeter(g)[0]) for g in gdf.geometry) / 1e6
        self.assertAlmostEqual(geodesic, changed, delta=0.01 * changed)
        # by transition, as the matrix has it
        by = gdf.assign(km2_ea=gdf.to_crs(EQUAL_AREA).area / 1e6).groupby([FROM, TO])
        for (a, b), km2 in by["km2_ea"].sum().items():
            self.assertAlmostEqual(km2, d.km2(a, b), delta=0.01 * d.km2(a, b) + 1e-3)

    def test_to_geodataframe(self):
        a = Fixture.a()
        gdf = a.to_geodataframe()
        self.assertEqual(gdf.crs.to_epsg(), 4326)
        self.assertEqual(list(gdf["status"]), a.profile.drawn_statuses)
        km2 = gdf.to_crs(EQUAL_AREA).area / 1e6
        for st, v in zip(gdf["status"], km2):
            self.assertAlmostEqual(v, a.status_km2[st], delta=0.01 * a.status_km2[st])
        claims = a.claims().to_geodataframe()
        self.assertEqual(claims.crs.to_epsg(), 4326)
        self.assertEqual(set(claims.columns) >= {"claimant", "declared", "region", "km2"}, True)
        front = Fixture.front().to_geodataframe()
        self.assertEqual(len(front), 1)
        self.assertEqual(front.geometry[0].geom_type,
                         shapely.geometry.shape(Fixture.front()).geom_type)
        regions = frontline.Regions().to_geodataframe()
        self.assertEqual(len(regions), 27)


if __name__ == "__main__":
    main()
