#!/usr/bin/env bash
# bench/archive.sh FRONTLINE DIR [JOBS...] — the timeline over a whole archive (any folder of
# snapshots; nothing is fetched): for each --jobs value (default 1 and 2) the wall and CPU
# seconds, the MB/s of snapshot text through the full timeline (areas by status and region,
# transitions, front, places) and the peak RSS, from /usr/bin/time -f; then the per-stage CPU
# seconds of the last run (--timing). Rows go to /dev/null; compare runs on a quiet machine.
set -eu
fl=${1:?usage: bench/archive.sh FRONTLINE DIR [JOBS...]}
dir=${2:?usage: bench/archive.sh FRONTLINE DIR [JOBS...]}
shift 2
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(1 2)
[ -x /usr/bin/time ] || { echo "bench/archive.sh: needs /usr/bin/time (GNU time)" >&2; exit 1; }
mb=$(find -L "$dir" -type f \( -name '*.geojson' -o -name '*.json' \) -printf '%s\n' |
     awk '{s += $1} END {printf "%.1f", s / 1e6}')
n=$(find -L "$dir" -type f \( -name '*.geojson' -o -name '*.json' \) | wc -l)
echo "archive $dir: $n files, $mb MB; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %8s %8s %8s %8s %9s\n' jobs wall_s user_s sys_s MB/s peak_MB
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for j in "${jobs[@]}"; do
  /usr/bin/time -o "$tmp" -f '%e %U %S %M' "$fl" timeline --jobs "$j" --timing "$dir" \
    >/dev/null 2>"$tmp.err" || { cat "$tmp.err" >&2; rm -f "$tmp.err"; exit 1; }
  read -r wall user sys rss <"$tmp"
  awk -v j="$j" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v mb="$mb" \
    'BEGIN {printf "%-6s %8.2f %8.2f %8.2f %8.1f %9.1f\n", j, w, u, s, mb / w, r / 1024}'
  stages=$(grep 'timeline stages' "$tmp.err" || true)
  rm -f "$tmp.err"
done
echo "last run: $stages"
