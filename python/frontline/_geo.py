"""GeoJSON from the C library, in memory, and the ``__geo_interface__`` protocol.

Every geometry the bindings hand out comes from one of libfrontline's ``fl_*_geojson``
calls: the GeoJSON text the matching ``frontline ... --geojson`` option writes to a file,
given in memory instead, parsed once here. No temporary file, no WKB round trip.

Coordinates are WGS84 longitude/latitude in degrees, as RFC 7946 GeoJSON always is:
``CRS = "EPSG:4326"``. Objects with geometry carry it as ``obj.crs``; ``to_geodataframe()``
sets it on the GeoDataFrame (``GeoDataFrame.from_features`` cannot know it).

The protocol (https://gist.github.com/sgillies/2217756): ``obj.__geo_interface__`` is a
GeoJSON dict, a FeatureCollection for collections (``geopandas.GeoDataFrame.from_features``
takes those) or a geometry (``shapely.geometry.shape`` takes those).
"""

from __future__ import annotations

import json
from typing import Any, Dict

__all__ = ["CRS", "GeoMixin", "parse"]

#: The coordinate reference system of every geometry: WGS84 longitude/latitude.
CRS = "EPSG:4326"


def parse(call, fn, *args) -> Dict[str, Any]:
    """A FeatureCollection dict from ``fn(ctx, *args, char **out)`` (call: an open _Call)."""
    return json.loads(call.json(fn, *args))


class GeoMixin:
    """``__geo_interface__``, ``crs`` and ``to_geodataframe()`` over ``_features()`` (a
    FeatureCollection dict, computed by the subclass)."""

    #: The CRS of the coordinates: WGS84 longitude/latitude (GeoJSON's own).
    crs = CRS

    def _features(self) -> Dict[str, Any]:
        raise NotImplementedError

    @property
    def __geo_interface__(self) -> Dict[str, Any]:
        """This object's geometry as a GeoJSON FeatureCollection dict (EPSG:4326)."""
        return self._features()

    def to_geodataframe(self):
        """A ``geopandas.GeoDataFrame`` of the features, one row each, with their
        properties as columns and ``crs`` set to EPSG:4326 (geopandas is imported only
        here)."""
        import geopandas  # lazily: the bindings need only the standard library
        return geopandas.GeoDataFrame.from_features(self._features()["features"], crs=CRS)
