#!/usr/bin/env python3
"""The September-October 2022 story with the frontline Python bindings.

On 2022-09-30 Russia declared the annexation of four Ukrainian oblasts. This script sets
the claims against the control map of that day, then compares it with a map of a few days
later (Lyman, the Kherson front) and lists the places that changed hands.

    python3 examples/python/seed_story.py              # the embedded samples (illustrative)
    python3 examples/python/seed_story.py A.geojson B.geojson
    python3 examples/python/seed_story.py ../shared/data/deepstate/raw/1664526365.geojson \\
                                          ../shared/data/deepstate/raw/1664920017.geojson

From the source tree it finds the package in python/ and the library in a build directory
(or set FRONTLINE_LIBRARY); after `meson install`, `import frontline` just works.
"""

import os
import sys

try:
    import frontline
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "python"))
    import frontline


def pct(x):
    return "%5.1f %%" % (100 * x)


def claims_table(snap):
    """The claims in force at the snapshot's time, against control."""
    rep = snap.claims()
    print("Claims in force on %s, against control" % (rep["time"] or "(time unknown)"))
    for claim in rep["claims"]:
        print("\n  %s, declared %s" % (claim["claimant"], claim["declared"]))
        print("  %-22s %10s %10s %8s %10s %8s %10s %8s" % (
            "region", "km²", "held", "share", "contested", "share", "others", "share"))
        for r in claim["regions"] + [dict(claim["total"], name="total")]:
            print("  %-22s %10.0f %10.0f %8s %10.0f %8s %10.0f %8s" % (
                r["name"], r["area_km2"], r["held_km2"], pct(r["held_share"]),
                r["contested_km2"], pct(r["contested_share"]), r["others_km2"],
                pct(r["others_share"])))
    for out in rep["outside_claims"]:
        if out["held_km2"] > 0:
            print("\n  %s also holds %.0f km² outside the regions it claims" % (
                out["claimant"], out["held_km2"]))


def where(piece):
    return "%.2f N %.2f E%s" % (piece["lat"], piece["lon"],
                                " (" + piece["region"] + ")" if piece.get("region") else "")


def diff_report(a, b, regions):
    """What changed between the two maps, and which places flipped."""
    with a.diff(b) as d:
        print("\nFrom %s to %s" % (d["from"]["time"], d["to"]["time"]))
        for c in d["changes"]:
            st = c["status"]
            if c["lost_km2"] >= 0.05:
                line = "  %-10s lost   %9.1f km²" % (st, c["lost_km2"])
                if c["largest_lost"]:
                    p = c["largest_lost"][0]
                    line += ", largest piece %.1f km² near %s" % (p["km2"], where(p))
                print(line)
            if c["gained_km2"] >= 0.05:
                line = "  %-10s gained %9.1f km²" % (st, c["gained_km2"])
                if c["largest_gained"]:
                    p = c["largest_gained"][0]
                    line += ", largest piece %.1f km² near %s" % (p["km2"], where(p))
                print(line)
        print("\n  transitions (km²):")
        for t in d["transitions"]:
            if t["status_from"] != t["status_to"] and t["km2"] >= 0.05:
                print("    %-10s -> %-10s %10.1f" % (t["status_from"], t["status_to"], t["km2"]))
        moved = sorted(((d.km2("occupied", "liberated", r.code), r.name) for r in regions),
                       reverse=True)
        moved = [(km2, name) for km2, name in moved if km2 >= 0.05]
        if moved:
            print("\n  occupied -> liberated by region:")
            for km2, name in moved:
                print("    %-22s %10.1f km²" % (name, km2))
        places = d["places"]
        print("\nPlaces that changed status: %d" % len(places))
        for p in places:
            print("  %-26s %8.4f N %8.4f E  %-6s %s -> %s" % (
                p["name"], p["lat"], p["lon"], p["region"] or "", p["status_from"], p["status_to"]))


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) > 1 and argv[1] in ("-h", "--help")):
        sys.stderr.write(__doc__)
        return 2
    if len(argv) == 3:
        paths = argv[1:]
        sample = False
    else:
        paths = [frontline.data_path("sample_20220930"), frontline.data_path("sample_20221004")]
        sample = True
    try:
        a, b = (frontline.load(p) for p in paths)
    except frontline.Error as e:
        sys.stderr.write("seed_story: %s\n" % e)
        return 1
    if sample:
        print("(The embedded samples are illustrative, hand-drawn maps, not real data.)\n")
    for s in (a, b):
        km2 = s.status_km2
        print("%s  %s  occupied as drawn %.0f km²" % (
            s.time_iso or "time unknown", os.path.basename(s.path), km2.get("occupied", 0)))
    print()
    claims_table(a)
    diff_report(a, b, a.regions)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
