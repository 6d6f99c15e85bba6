#!/usr/bin/env bash
# bench/run.sh [DIR...] — frontline's timeline against the shapely + pyproj reference pipeline
# on the same snapshots, in one invocation: CPU and wall time, peak RSS, the ratio, and a check
# that both agree. Default: the shared raw and occupied archives.
# Needs a build in build/ (see README) and Debian's python3-shapely and python3-pyproj.
set -euo pipefail
cd "$(dirname "$0")/.."
fl=${FRONTLINE:-build/cli/frontline}
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(../shared/data/deepstate/raw ../shared/data/deepstate/occupied)
out=${BENCH_OUT:-bench/out}   # outputs and the list of differences, kept for inspection
mkdir -p "$out"
"$fl" convert data/regions/ua_oblasts.shp "$out/regions.geojson"
printf '%-12s %-14s %10s %10s %10s %10s\n' archive pipeline "CPU s" "wall s" "RSS MB" "CPU ratio"
for dir in "${dirs[@]}"; do
  name=$(basename "$dir")
  mapfile -t files < <(ls "$dir"/*.geojson)
  # frontline runs FL_RUNS times (default 5) before the reference and as many times after it,
  # and the run with the least CPU is kept: a run of a second or two is at the mercy of other
  # jobs on the machine, where the reference's run of half a minute averages them out, and on
  # this VM the speed of the same build drifted by a third from one minute to the next; runs on
  # both sides of the reference span its time. The ratio to the median run is printed too.
  runs=${FL_RUNS:-5}
  fl_run() {
    /usr/bin/time -f '%U %S %e %M' -o "$out/fl.time.$1" "$fl" timeline "${files[@]}" --json --timing >"$out/$name.frontline.json" 2>"$out/$name.frontline.err.$1"
  }
  for ((k = 0; k < runs; k++)); do fl_run $k; done
  # the reference orders by the same times: frontline's order, as it printed it
  mapfile -t ordered < <(python3 -c 'import json,sys; [print(s["file"]) for s in json.load(open(sys.argv[1]))["snapshots"]]' "$out/$name.frontline.json")
  /usr/bin/time -f '%U %S %e %M' -o "$out/ref.time" /usr/bin/python3 bench/reference.py data "$out/regions.geojson" "${ordered[@]}" >"$out/$name.reference.json" 2>"$out/$name.reference.err"
  for ((k = runs; k < 2 * runs; k++)); do fl_run $k; done
  best=$(for ((k = 0; k < 2 * runs; k++)); do awk -v k=$k '{print $1 + $2, k}' "$out/fl.time.$k"; done | sort -g | head -1 | cut -d' ' -f2)
  cp "$out/fl.time.$best" "$out/fl.time"
  cp "$out/$name.frontline.err.$best" "$out/$name.frontline.err"
  fl_cpu() { for ((k = $1; k < $2; k++)); do awk '{printf "%.2f\n", $1 + $2}' "$out/fl.time.$k"; done | sort -g; }
  fl_before=$(fl_cpu 0 "$runs" | tr '\n' ' ')
  fl_after=$(fl_cpu "$runs" $((2 * runs)) | tr '\n' ' ')
  fl_median=$(fl_cpu 0 $((2 * runs)) | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')
  read -r fu fs fe fm <"$out/fl.time"
  read -r ru rs re rm <"$out/ref.time"
  fc=$(awk "BEGIN{print $fu + $fs}"); rc=$(awk "BEGIN{print $ru + $rs}")
  printf '%-12s %-14s %10.2f %10.2f %10.0f   (runs before the reference: %s| after: %s)\n' "$name" frontline "$fc" "$fe" "$((fm / 1024))" "$fl_before" "$fl_after"
  printf '%-12s %-14s %10.2f %10.2f %10.0f %10.1f   (to the median run, %.2f s: %.1f)\n' "$name" reference "$rc" "$re" "$((rm / 1024))" "$(awk "BEGIN{print $rc / $fc}")" "$fl_median" "$(awk "BEGIN{print $rc / $fl_median}")"
  # the same timeline on 2 threads (--jobs 2): its rows are tested equal to one thread's
  /usr/bin/time -f '%U %S %e %M' -o "$out/fl2.time" "$fl" timeline "${files[@]}" --json --jobs 2 >/dev/null 2>&1
  read -r ju js je jm <"$out/fl2.time"
  printf '%-12s %-14s %10.2f %10.2f %10.0f\n' "$name" "frontline -j2" "$(awk "BEGIN{print $ju + $js}")" "$je" "$((jm / 1024))"
  grep '^timeline stages' "$out/$name.frontline.err" | sed 's/^timeline/frontline/' || true
  grep '^reference stages' "$out/$name.reference.err" || true
  /usr/bin/python3 bench/compare.py "$fl" "$out/$name.frontline.json" "$out/$name.reference.json" >"$out/$name.differences.txt" || true
  tail -1 "$out/$name.differences.txt"
done
