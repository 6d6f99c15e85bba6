#!/usr/bin/python3
"""Checks that frontline's timeline and the reference pipeline agree: km² per status as
drawn, in the territory and per region within 0.01 % (or 0.01 km²), transitions within
0.01 % (or 0.05 km²), place statuses identical (frontline's from `frontline status --json`),
frontline length within 1 %.

usage: compare.py FRONTLINE frontline_timeline.json reference_rows.json"""
import json
import subprocess
import sys

fl, ours_path, ref_path = sys.argv[1:4]
ours = json.load(open(ours_path))["snapshots"]
ref = [json.loads(line) for line in open(ref_path)]
bad = checked = 0


def close(what, a, b, rel=1e-4, absolute=0.01):
    global bad, checked
    checked += 1
    if abs(a - b) > max(rel * abs(b), absolute):
        bad += 1
        print(f"differ: {what}: frontline {a:.4f}, reference {b:.4f}")


explained = 0  # per-region differences no larger than the region outline's own


def outline(o, r, code):
    """How much the region's outline measures differently in the two pipelines: frontline
    takes Natural Earth's edges as longitude/latitude lines, pyproj as geodesics."""
    return abs(sum(o["regions"][code].values()) - sum(r["regions"][code].values()))


for o, r in zip(ours, ref):
    name = r["file"].rsplit("/", 1)[-1]
    for s, v in r["status_km2"].items():
        close(f"{name} {s} as drawn", o["status_km2"][s], v)
    for s, v in r["territory_km2"].items():
        close(f"{name} {s} in the territory", o["territory_km2"][s], v)
    for code, st in r["regions"].items():
        for s, v in st.items():
            before = bad
            close(f"{name} {code} {s}", o["regions"][code][s], v)
            if bad > before and abs(o["regions"][code][s] - v) <= outline(o, r, code) + 0.01:
                explained += 1
    if "transitions" in r:
        cells = {f"{t['status_from']}>{t['status_to']}": t["km2"] for t in o["transitions"]}
        for k, v in r["transitions"].items():
            close(f"{name} {k}", cells.get(k, 0.0), v, 1e-4, 0.05)
    close(f"{name} front km", o["front_km"], r["front_km"], 1e-2, 1)
    status = json.loads(subprocess.run([fl, "status", r["file"], "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    for p in status["places"]:
        checked += 1
        if p["status"] != r["places"][p["id"]]:
            bad += 1
            print(f"differ: {name} {p['name']}: frontline {p['status']}, reference {r['places'][p['id']]}")
print(f"agreement: {checked - bad} of {checked} figures agree; of the {bad} others, {explained} "
      "are per-region figures that differ by no more than the region's outline does between the "
      "two edge models")
sys.exit(1 if bad else 0)
