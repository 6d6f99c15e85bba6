#!/usr/bin/env python3
"""bench/densify.py FACTOR IN_DIR OUT_DIR — copies of the GeoJSON files of IN_DIR with FACTOR
times the vertices per polygon ring, for the scaling runs (BENCHMARKS.md, "Scaling").

Every polygon edge (in Polygon, MultiPolygon and GeometryCollection geometries) gets
FACTOR - 1 evenly spaced points, straight in longitude/latitude (z, when present,
interpolated too), rounded to 7 decimals like DeepStateMap's own coordinates. Everything else
is written back as it was: the files are compact JSON, which this re-serialises byte for byte
(with FACTOR 1 the copies are identical to the originals). Prints the total number of polygon
vertices read and written. Standard library only."""
import json
import pathlib
import sys


def point_between(p, q, t):
    """The point a fraction t along p -> q, coordinate by coordinate."""
    out = []
    for a, b in zip(p, q):
        if isinstance(a, int) and a == b:  # an integer z such as DeepState's 0 stays so
            out.append(a)
        else:
            out.append(round(a + (b - a) * t, 7))
    return out


def densify_ring(ring, factor):
    out = []
    for p, q in zip(ring, ring[1:]):
        out.append(p)
        out.extend(point_between(p, q, j / factor) for j in range(1, factor))
    out.append(ring[-1])
    return out


def densify_geometry(geom, factor, counts):
    """Densifies geom in place; counts[0] and counts[1] add the vertices before and after."""
    kind = geom.get("type") if isinstance(geom, dict) else None
    if kind == "GeometryCollection":
        for g in geom.get("geometries") or []:
            densify_geometry(g, factor, counts)
        return
    if kind == "Polygon":
        polygons = [geom["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geom["coordinates"]
    else:
        return
    for rings in polygons:
        for i, ring in enumerate(rings):
            rings[i] = densify_ring(ring, factor)
            counts[0] += len(ring)
            counts[1] += len(rings[i])


def main():
    if len(sys.argv) != 4 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: densify.py FACTOR IN_DIR OUT_DIR")
    factor, src, dst = int(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    dst.mkdir(parents=True, exist_ok=True)
    counts = [0, 0]
    for path in sorted(src.glob("*.geojson")):
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        for feature in doc.get("features") or []:
            densify_geometry(feature.get("geometry"), factor, counts)
        newline = "\n" if text.endswith("\n") else ""
        out = json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + newline
        (dst / path.name).write_text(out, encoding="utf-8")
    print(counts[0], counts[1])


if __name__ == "__main__":
    main()
