#!/usr/bin/env python3
"""Extract the water inside Ukraine's territory from the geo-maps water polygons.

Usage: extract_water.py OBLASTS_SHP LAKES RIVERS SEAS OUT_GEOJSON

LAKES, RIVERS and SEAS are map.geo.json of the npm packages
@geo-maps/earth-lakes-100m, earth-rivers-100m and earth-seas-100m (0.6.0):
OpenStreetMap water polygons (openstreetmapdata.com, ODbL) simplified to 100 m
by geo-maps (MIT).  Each is intersected with the territory (the union of the
regions of REGIONS_SHP); what lies inside is inland water (lakes, reservoirs,
the Dnipro and its channels) or sea the regions' coastline draws as land
(lagoons such as Syvash, estuaries and limans, coastal disagreements).  Pieces
under 0.2 km² are dropped, the rest simplified to 0.0005 degrees (about 50 m)
and written as one feature per kind ("lake", "river", "sea"), rounded to 6
decimals.  Needs shapely and geopandas.
"""
import json
import sys

import geopandas as gpd
from shapely.ops import clip_by_rect
from shapely.geometry import mapping
from shapely.ops import unary_union
from shapely.validation import make_valid

MIN_DEG2 = 0.2 / (111.0 * 74.0)  # about 0.2 km² at 48 N
SIMPLIFY = 0.0005


def polygons(g):
    if g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g]
    if hasattr(g, "geoms"):
        return [p for x in g.geoms for p in polygons(x)]
    return []


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    regions = gpd.read_file(argv[1])
    territory = make_valid(unary_union(regions.geometry))
    w, s, e, n = territory.bounds
    out = []
    for kind, path in (("lake", argv[2]), ("river", argv[3]), ("sea", argv[4])):
        src = gpd.read_file(path, bbox=(w, s, e, n))
        parts = [clip_by_rect(p, w, s, e, n) for g in src.geometry for p in polygons(g)]
        parts = [make_valid(p) for p in parts if not p.is_empty]
        inside = make_valid(unary_union(parts)).intersection(territory)
        keep = [p for p in polygons(inside) if p.area >= MIN_DEG2]
        geom = make_valid(unary_union(keep).simplify(SIMPLIFY, preserve_topology=True))
        geom = unary_union(polygons(geom))
        out.append({"type": "Feature", "properties": {"kind": kind},
                    "geometry": json.loads(json.dumps(mapping(geom)), parse_float=lambda x: round(float(x), 6))})
        sys.stderr.write("extract_water: %s: %d pieces kept\n" % (kind, len(keep)))
    with open(argv[5], "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": out}, f, separators=(",", ":"))
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
