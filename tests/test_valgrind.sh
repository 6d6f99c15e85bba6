#!/usr/bin/env bash
# test_valgrind.sh FRONTLINE — valgrind memcheck of the CLI (issue 7): 0 errors and no
# definite or indirect leaks for area, diff, status, claims, front and timeline.
#  - always: every command on the embedded samples;
#  - with ../shared/data, a representative subset (every command on every export would take
#    hours under valgrind): a timeline over three exports (each one loaded, its areas, the
#    transitions against the previous one and its front): the oldest (1648989208, April
#    2022, an older layer format), annexation day (1664526365) and the next version; status
#    and claims on annexation day; the diff across the format drift (1648989208 ->
#    1664141413). With the samples, about 10 minutes on two busy cores (a 4-file timeline
#    alone took 330 s), less when idle.
# Skipped (77) when valgrind is not installed.
set -u
fl=$1
data=${FRONTLINE_DATA:?}
shared=${FRONTLINE_SHARED:-$data/../../shared/data}/deepstate/raw
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
vg() {
  local what=$1; shift
  local t0=$SECONDS
  # --show-mismatched-frees=no: the CLI links mimalloc (meson.build), whose operator delete
  # is an alias of its free, so memcheck names every C++ delete (GEOS', PROJ's) a free of
  # memory from new. frontline's own code is C: it has no new or delete to mismatch.
  if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
       --show-leak-kinds=definite,indirect --show-mismatched-frees=no \
       --log-file="$tmp/vg.log" "$fl" "$@" >/dev/null 2>"$tmp/err"; then
    pass=$((pass + 1)); echo "ok   $what ($((SECONDS - t0)) s)"
  else
    fail=$((fail + 1)); echo "FAIL $what (exit $?)"; cat "$tmp/vg.log" "$tmp/err" | head -60
  fi
}
a=$data/sample/20220930.geojson
b=$data/sample/20221004.geojson
vg "area sample" area "$a" --json
vg "diff samples" diff "$a" "$b" --json --geojson "$tmp/changed.geojson"
vg "status sample" status "$a" --json
vg "claims sample" claims "$a" --json --geojson "$tmp/claims.geojson"
vg "front sample" front "$a" --json --geojson "$tmp/front.geojson"
vg "timeline samples" timeline "$a" "$b" --json --csv "$tmp/timeline.csv"

if [ -d "$shared" ]; then
  oldest=$shared/1648989208.geojson annex=$shared/1664526365.geojson
  vg "timeline: 3 shared exports" timeline "$oldest" "$annex" "$shared/1664571886.geojson" --json
  vg "status $(basename "$annex")" status "$annex" --json
  vg "claims $(basename "$annex")" claims "$annex" --json
  vg "diff 1648989208 -> 1664141413" diff "$oldest" "$shared/1664141413.geojson" --json
else
  echo "no shared data: the samples only"
fi
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
