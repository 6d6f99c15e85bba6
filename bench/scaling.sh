#!/usr/bin/env bash
# bench/scaling.sh [RAW_DIR] — how the cost of `frontline timeline` grows with the length of the
# archive (the raw archive 1x, 2x and 4x over) and with the vertices per ring (the archive
# densified 4x and 16x by bench/densify.py). Prints snapshots, polygon vertices, CPU and wall
# seconds, peak RSS and CPU ms per snapshot; see BENCHMARKS.md, "Scaling".
# Default RAW_DIR: ../shared/data/deepstate/raw. Needs a build in build/ (see README).
# Generated archives live in bench/out (BENCH_OUT) and are made once: remove them to remake.
# RUNS=N times every timeline N times and keeps the fastest (CPU), for a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
fl=${FRONTLINE:-build/cli/frontline}
raw=${1:-../shared/data/deepstate/raw}
out=${BENCH_OUT:-bench/out}
[ -d "$raw" ] || { echo "scaling: $raw is absent: skipped"; exit 0; }
raw=$(realpath "$raw")
mkdir -p "$out"
# Copies of the archive follow each other this many seconds apart (more than the archive
# spans), so that ordering by the time in the file names keeps each copy in sequence.
shift_s=200000000

# repeat N: the archive N times over, as symlinks named <unix + k * shift_s>.geojson
repeat() {
  local dir=$out/repeat$1 k f t
  rm -rf "$dir"
  mkdir -p "$dir"
  for ((k = 0; k < $1; k++)); do
    for f in "$raw"/*.geojson; do
      t=$(basename "$f" .geojson)
      ln -s "$f" "$dir/$((t + k * shift_s)).geojson"
    done
  done
  echo "$dir"
}

# densified FACTOR: the archive with FACTOR times the vertices per ring (made once; the
# vertex counts, written last, mark a complete copy)
densified() {
  local dir=$out/dense$1
  if [ ! -s "$dir/vertices" ]; then
    rm -rf "$dir"
    nice -n 10 python3 bench/densify.py "$1" "$raw" "$dir" >"$dir.vertices.tmp"
    mv "$dir.vertices.tmp" "$dir/vertices"
  fi
  echo "$dir"
}

# row LABEL VERTICES DIR: the timeline over the snapshots of DIR, timed RUNS times (default 1);
# the run with the least CPU is printed (the others were slowed down by whatever else ran)
row() {
  local files best="" i u s e m c
  files=("$3"/*.geojson)
  for ((i = 0; i < ${RUNS:-1}; i++)); do
    /usr/bin/time -f '%U %S %e %M' -o "$out/scaling.time" "$fl" timeline "${files[@]}" --json >/dev/null
    read -r u s e m <"$out/scaling.time"
    c=$(awk "BEGIN{print $u + $s}")
    if [ -z "$best" ] || awk "BEGIN{exit !($c < ${best%% *})}"; then best="$c $e $m"; fi
  done
  read -r c e m <<<"$best"
  awk -v l="$1" -v n=${#files[@]} -v v="$2" -v c="$c" -v e="$e" -v m="$m" 'BEGIN {
    printf "%-14s %9d %10d %8.2f %8.2f %9.0f %12.0f\n", l, n, v, c, e, m / 1024, c * 1000 / n }'
}

printf '%-14s %9s %10s %8s %8s %9s %12s\n' run snapshots vertices "CPU s" "wall s" "RSS MB" "CPU ms/snap"
dense4=$(densified 4)
dense16=$(densified 16)
read -r v1 v4 <"$dense4/vertices"
read -r _ v16 <"$dense16/vertices"
echo "# archive length"
for n in 1 2 4; do
  row "raw x$n" $((v1 * n)) "$(repeat "$n")"
done
echo "# vertices per ring"
row "raw" "$v1" "$raw"
row "densified 4x" "$v4" "$dense4"
row "densified 16x" "$v16" "$dense16"
