"""GeoJSON geometry dicts to WKB bytes, in pure Python.

Little-endian ISO WKB (the byte order flag 1, geometry types 1..7, +1000 for Z), the format
``shapely.wkb.loads``, GEOS, PostGIS, GDAL and ``geopandas.GeoSeries.from_wkb`` read.
"""

import math
import struct

from ._errors import ArgumentError

__all__ = ["to_wkb", "WKB_TYPES"]

WKB_TYPES = {"Point": 1, "LineString": 2, "Polygon": 3, "MultiPoint": 4,
             "MultiLineString": 5, "MultiPolygon": 6, "GeometryCollection": 7}

_NESTING = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPoint": 1,
            "MultiLineString": 2, "MultiPolygon": 3}


def _has_z(coords, depth):
    """True when the first position found has a third ordinate."""
    c = coords
    for _ in range(depth):
        if not c:
            return False
        c = c[0]
    return bool(c) and len(c) >= 3


def _points(out, positions, z):
    n = 3 if z else 2
    fmt = "<%dd" % n
    for p in positions:
        if len(p) < 2:
            raise ArgumentError("a GeoJSON position needs at least 2 numbers: %r" % (p,))
        if z:
            out.append(struct.pack(fmt, p[0], p[1], p[2] if len(p) > 2 else 0.0))
        else:
            out.append(struct.pack(fmt, p[0], p[1]))


def _write(out, geom):
    if not isinstance(geom, dict) or "type" not in geom:
        raise ArgumentError("not a GeoJSON geometry: %r" % (geom,))
    kind = geom["type"]
    code = WKB_TYPES.get(kind)
    if code is None:
        raise ArgumentError("unsupported GeoJSON geometry type %r" % (kind,))
    if kind == "GeometryCollection":
        parts = geom.get("geometries") or []
        out.append(struct.pack("<BII", 1, code, len(parts)))
        for g in parts:
            _write(out, g)
        return
    coords = geom.get("coordinates")
    if coords is None:
        coords = []
    z = _has_z(coords, _NESTING[kind])
    code += 1000 if z else 0
    out.append(struct.pack("<BI", 1, code))
    if kind == "Point":
        if not coords:  # empty point: NaN ordinates, as GEOS writes it
            _points(out, [[math.nan] * (3 if z else 2)], z)
        else:
            _points(out, [coords], z)
    elif kind == "LineString":
        out.append(struct.pack("<I", len(coords)))
        _points(out, coords, z)
    elif kind == "Polygon":
        _rings(out, coords, z)
    else:  # Multi*: each part is a complete WKB geometry of the single type
        single = kind[5:]
        out.append(struct.pack("<I", len(coords)))
        for part in coords:
            _write_part(out, single, part, z)


def _write_part(out, kind, coords, z):
    code = WKB_TYPES[kind] + (1000 if z else 0)
    out.append(struct.pack("<BI", 1, code))
    if kind == "Point":
        _points(out, [coords], z)
    elif kind == "LineString":
        out.append(struct.pack("<I", len(coords)))
        _points(out, coords, z)
    else:
        _rings(out, coords, z)


def _rings(out, rings, z):
    """A polygon's rings; empty rings are left out (GEOS writes an empty polygon as
    [[]], which is the polygon with no ring)."""
    rings = [r for r in rings if r]
    out.append(struct.pack("<I", len(rings)))
    for ring in rings:
        out.append(struct.pack("<I", len(ring)))
        _points(out, ring, z)


def to_wkb(geometry):
    """WKB bytes (little-endian ISO) of a GeoJSON geometry dict: Point, LineString,
    Polygon, their Multi* forms, or a GeometryCollection. ``None`` (a null GeoJSON
    geometry) gives an empty GeometryCollection.

    >>> import frontline
    >>> frontline.to_wkb({"type": "Point", "coordinates": [30.5, 50.45]}).hex()
    '01010000000000000000803e409a99999999394940'
    """
    if geometry is None:
        return struct.pack("<BII", 1, 7, 0)
    out = []
    _write(out, geometry)
    return b"".join(out)
