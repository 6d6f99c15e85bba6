#!/usr/bin/env python3
"""Place status of a million points from Python: numpy arrays against lists.

    PYTHONPATH=python FRONTLINE_LIBRARY=build/lib/libfrontline.so \\
        python3 bench/python_points.py [SNAPSHOT] [--points N] [--repeat R]

The same N points (default 1,000,000, uniform in the snapshot's bounds, fixed seed, as
bench/micro.c's status_at) go through ``snap.status(lat=ndarray, lon=ndarray)`` (the arrays
handed to the C library as they are, answers written into numpy arrays; output "codes" and
"names"), through ``snap.status_many(list, list)`` (floats copied into array('d'), the
answers made into a list of names) and, on the first --loop-points of them (default
100,000), through a Python loop of ``snap.status(lat, lon)``, one point a call. Prints the
least CPU time (time.process_time: this process only, steadier than wall time on a shared
machine) and wall time of R runs (default 5; 1 for the loop), per million points, with the
ratios; checks that every way gives the same answers. SNAPSHOT defaults to the embedded
2022-09-30 sample; the shared DeepStateMap exports are the real workload.

Every way ends in the same C call (fl_snapshot_status_at: it answers each point with the
point locator it built on the first call and keeps with the snapshot), so the numpy path
costs that call and nothing more, and the others add what they do in Python around it.
"""

import argparse
import os
import sys
import time

import numpy as np

try:
    import frontline
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                    "python"))
    import frontline


def best(fn, repeat):
    """(least CPU seconds, least wall seconds) of repeat runs of fn, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return (min(cpu), min(wall)), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("snapshot", nargs="?", default=None)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--loop-points", type=int, default=100_000)
    o = ap.parse_args()
    snap = frontline.load(o.snapshot or frontline.data_path("sample_20220930"))
    rng = np.random.default_rng(20220930)
    west, south, east, north = snap.bounds
    lat = rng.uniform(south, north, o.points)
    lon = rng.uniform(west, east, o.points)
    lat_list, lon_list = lat.tolist(), lon.tolist()
    snap.status(48.0, 37.0)  # the regions loaded, as in every run below
    k = min(o.loop_points, o.points)

    t_codes, codes = best(lambda: snap.status(lat=lat, lon=lon, output="codes"), o.repeat)
    t_names, names = best(lambda: snap.status(lat=lat, lon=lon), o.repeat)
    t_list, listed = best(lambda: snap.status_many(lat_list, lon_list), o.repeat)
    t_loop, looped = best(lambda: [snap.status(la, lo) for la, lo in
                                   zip(lat_list[:k], lon_list[:k])], 1)
    assert names.tolist() == listed, "numpy and list answers differ"
    assert looped == listed[:k], "one-by-one and list answers differ"
    by_name = np.asarray(snap.profile.names_by_code, dtype=object)
    assert by_name[codes].tolist() == listed

    per_m = 1e6 / o.points
    rows = [("numpy arrays -> int codes", t_codes, per_m),
            ("numpy arrays -> names", t_names, per_m),
            ("lists -> list of names (status_many)", t_list, per_m),
            ("loop of status(lat, lon), %d points" % k, t_loop, 1e6 / k)]
    print("snapshot: %s; %d points uniform in its bounds; least of %d runs (loop: 1)"
          % (snap.path, o.points, o.repeat))
    print("%-42s %12s %12s" % ("", "CPU s/1M", "wall s/1M"))
    for label, (cpu, wall), scale in rows:
        print("%-42s %12.3f %12.3f" % (label, cpu * scale, wall * scale))
    for label, (cpu, wall), scale in rows[1:]:
        print("%s / numpy codes: %.1fx CPU, %.1fx wall" % (
            label, cpu * scale / (t_codes[0] * per_m), wall * scale / (t_codes[1] * per_m)))

if __name__ == "__main__":
    main()
