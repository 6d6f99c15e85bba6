#!/usr/bin/python3
"""The analyst's pipeline that frontline replaces: shapely + pyproj (GEOS and GeographicLib
underneath), written the way a notebook would, computing the same figures as
`frontline timeline`: per snapshot, km² per status as drawn, per status in the territory and
in each of the 27 regions, the status of every embedded place, the transition matrix against
the previous snapshot, and the frontline length.

usage: reference.py DATA_DIR REGIONS.geojson SNAPSHOT... > rows.json
Prints one JSON object per snapshot; on stderr, CPU seconds and peak RSS."""
import csv
import json
import re
import resource
import sys
import time

from pyproj import Geod, Transformer
from shapely.geometry import Point, shape
from shapely.ops import transform, unary_union
from shapely.prepared import prep
from shapely.validation import make_valid

GEOD = Geod(ellps="WGS84")
STATUSES = ["occupied", "contested", "liberated"]
COLOURS = {"A52714": 0, "880E4F": 0, "BCAAA4": 1, "BDBDBD": 1, "757575": 1,
           "0F9D58": 2, "0288D1": 2, "01579B": 2, "0097A7": 2}


def km2(g):
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6 if not g.is_empty else 0.0


def classify(path):
    polys = [[], [], []]
    for f in json.load(open(path, encoding="utf-8"))["features"]:
        g, p = f.get("geometry"), f.get("properties") or {}
        if not g or g["type"] in ("Point", "MultiPoint", "LineString", "MultiLineString"):
            continue
        if not p:  # single-layer extract: the occupied territory
            polys[0].append(make_valid(shape(g)))
            continue
        m = re.match(r"#poly-([0-9A-Fa-f]{6})", p.get("styleUrl", ""))
        colour, name = (m.group(1).upper() if m else ""), p.get("name", "")
        if colour == "880E4F" and re.search("Transnistria|Придністров", name, re.I):
            continue
        if colour == "000000":
            polys[0 if re.search("ОРДЛО|CADR|Крим|Crimea|Тузла|Tuzla", name, re.I) else 1].append(make_valid(shape(g)))
        elif colour in COLOURS:
            polys[COLOURS[colour]].append(make_valid(shape(g)))
    layers, cover = [], None
    for ps in polys:
        u = unary_union(ps)
        layers.append(u if cover is None else u.difference(cover))
        cover = u if cover is None else cover.union(u)
    return layers, cover


def main():
    data, regions_path, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    regions = [(f["properties"]["code"], make_valid(shape(f["geometry"])))
               for f in json.load(open(regions_path, encoding="utf-8"))["features"]]
    territory = unary_union([g for _, g in regions])
    places = list(csv.DictReader(open(f"{data}/places/ua_places.csv", encoding="utf-8")))
    points = [Point(float(p["lon"]), float(p["lat"])) for p in places]
    c = territory.centroid
    fwd = Transformer.from_crs("EPSG:4326", f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84",
                               always_xy=True).transform
    inv = Transformer.from_crs(f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84", "EPSG:4326",
                               always_xy=True).transform
    band = transform(fwd, territory.boundary).buffer(2000)
    prev = None
    stage = dict.fromkeys(("load+classify", "areas by region", "places", "transitions", "front"), 0.0)
    clock = time.process_time()

    def lap(name):  # CPU seconds per stage, for BENCHMARKS.md
        nonlocal clock
        now = time.process_time()
        stage[name] += now - clock
        clock = now

    for path in paths:
        layers, cover = classify(path)
        free = territory.difference(cover)
        parts = layers + [free]
        lap("load+classify")
        row = {"file": path, "status_km2": {s: km2(g) for s, g in zip(STATUSES, layers)}}
        row["territory_km2"] = {s: km2(g.intersection(territory)) for s, g in zip(STATUSES, layers)}
        row["territory_km2"]["free"] = km2(free)
        row["regions"] = {code: {s: km2(g.intersection(r)) for s, g in zip(STATUSES + ["free"], parts)}
                          for code, r in regions}
        lap("areas by region")
        prepared = [prep(g) for g in layers]
        inside = prep(territory)
        row["places"] = {}
        for p, pt in zip(places, points):
            st = next((s for s, g in zip(STATUSES, prepared) if g.covers(pt)), None)
            row["places"][p["id"]] = st or ("free" if inside.covers(pt) else "none")
        lap("places")
        if prev:
            row["transitions"] = {f"{a}>{b}": km2(ga.intersection(gb))
                                  for a, ga in zip(STATUSES + ["free"], prev)
                                  for b, gb in zip(STATUSES + ["free"], parts) if a != b}
        lap("transitions")
        edge = transform(fwd, layers[0].intersection(territory).boundary).difference(band)
        row["front_km"] = GEOD.geometry_length(transform(inv, edge)) / 1e3
        lap("front")
        prev = parts
        print(json.dumps(row))
    print("reference stages (CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in stage.items()),
          file=sys.stderr)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"reference: {ru.ru_utime + ru.ru_stime:.2f} s CPU, {ru.ru_maxrss / 1024:.0f} MB peak RSS",
          file=sys.stderr)


if __name__ == "__main__":
    main()
