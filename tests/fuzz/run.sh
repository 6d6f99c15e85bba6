#!/bin/bash
# run.sh — builds the libFuzzer targets into build-fuzz (clang, ASan + UBSan) and runs each
# for SECONDS (default 30), two at a time, then prints executions and coverage per target.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#   tests/fuzz/run.sh --report [TARGET...]     only the table, from the logs of the last run
#
# Environment:
#   FUZZ_BUILD   build directory (default: build-fuzz at the top of the source tree)
#   FUZZ_JOBS    targets run at the same time (default 2)
#   FUZZ_ARGS    extra libFuzzer arguments, e.g. "-fork=1 -ignore_crashes=1" to go on
#                after a crash (each crash is still saved), or "-max_total_time=..."
#
# Corpora: new inputs are kept in $FUZZ_BUILD/fuzz/corpus/TARGET (reused by the next run).
# Seeds are read from tests/fuzz/seeds/TARGET, from data/ (samples, profile, claims, the
# first lines of the places, shapefiles converted from the samples) and from the bad-input
# catalogue (tests/bad_input/files). Crashes, leaks and timeouts are written to
# $FUZZ_BUILD/fuzz/artifacts/TARGET/ and listed at the end; the exit status is 1 if any.
set -u

report_only=
if [ "${1:-}" = --report ]; then
    report_only=1
    shift
    secs=0
else
    secs=${1:-30}
    [ $# -gt 0 ] && shift
fi
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
jobs=${FUZZ_JOBS:-2}
all_targets="geojson_snapshot geojson_regions wkt profile claims places shapefile kml esri"
targets=${*:-$all_targets}
work=$build/fuzz

main() {
# ---- build ------------------------------------------------------------------------------
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$src" -Dfuzz=true -Db_lundef=false >/dev/null || exit 1
else
    meson configure "$build" -Dfuzz=true >/dev/null || exit 1
fi
ninja_targets="cli/frontline"
for t in $targets; do ninja_targets="$ninja_targets tests/fuzz/fuzz_$t"; done
# shellcheck disable=SC2086
ninja -C "$build" $ninja_targets >/dev/null || { ninja -C "$build" $ninja_targets; exit 1; }

# ---- seeds ------------------------------------------------------------------------------
seeds=$work/seeds
rm -rf "$seeds"
for t in $all_targets; do mkdir -p "$seeds/$t" "$work/corpus/$t" "$work/artifacts/$t"; done
for t in $targets; do # artifacts of earlier runs are kept aside, not reported again
    for a in "$work/artifacts/$t"/*; do
        [ -f "$a" ] && mkdir -p "$work/artifacts/$t/previous" && mv "$a" "$work/artifacts/$t/previous/"
    done
done
bad=$src/tests/bad_input/files
cp "$src"/data/sample/*.geojson "$seeds/geojson_snapshot/"
cp "$bad"/*.geojson "$seeds/geojson_snapshot/"
cp "$bad"/regions_*.geojson "$seeds/geojson_regions/"
cp "$src"/data/profiles/*.profile "$bad"/*.profile "$seeds/profile/"
rm -f "$seeds/profile/regex_blowup.profile" # known to blow up (see cases.txt): no seed
cp "$bad"/*.wkt "$seeds/wkt/"
cp "$src/data/claims.csv" "$bad"/claims_*.csv "$seeds/claims/"
head -n 40 "$src/data/places/ua_places.csv" > "$seeds/places/ua_places_head.csv"
cp "$bad"/places_*.csv "$seeds/places/"
cp "$bad"/kml_*.kml "$src"/tests/sources/*.kml "$seeds/kml/"
cp "$bad"/esri_*.json "$bad"/wrapped_*.json "$src"/tests/sources/*.json "$seeds/esri/"

# The shapefile target reads FLAGS, LEN(.shp), LEN(.shx) (little-endian 32-bit), then the
# three files (see fuzz_shapefile.c).
le32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
    $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
pack_shapefile() { # OUT FLAGS BASE (BASE.shp, BASE.shx, BASE.dbf)
    { printf "$(printf '\\%03o' "$2")"; le32 "$(stat -c %s "$3.shp")"
      le32 "$(stat -c %s "$3.shx")"; cat "$3.shp" "$3.shx" "$3.dbf"; } > "$1"
}
tmp=$(mktemp -d)
# the targets' scratch files (.wkt, .shp...): in memory when /dev/shm exists
scratch=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/frontline-fuzz-run.XXXXXX")
export FUZZ_SCRATCH=$scratch
trap 'rm -rf "$tmp" "$scratch"' EXIT
cli=$build/cli/frontline
for f in "$src"/data/sample/*.geojson "$bad/self_intersecting.geojson" \
         "$bad/coords_3d.geojson"; do
    b=$(basename "$f" .geojson)
    "$cli" convert "$f" "$tmp/$b.shp" 2>/dev/null &&
        pack_shapefile "$seeds/shapefile/snapshot_$b.bin" 0 "$tmp/$b"
done
for f in "$src"/tests/fuzz/seeds/geojson_regions/*.geojson "$bad/regions_self_intersecting.geojson"; do
    b=$(basename "$f" .geojson)
    "$cli" convert "$f" "$tmp/r_$b.shp" 2>/dev/null &&
        pack_shapefile "$seeds/shapefile/regions_$b.bin" 1 "$tmp/r_$b"
done

dict_of() {
    case $1 in
    geojson_* | esri) echo "$src/tests/fuzz/json.dict" ;;
    kml) echo "$src/tests/fuzz/kml.dict" ;;
    wkt) echo "$src/tests/fuzz/wkt.dict" ;;
    profile) echo "$src/tests/fuzz/profile.dict" ;;
    claims | places) echo "$src/tests/fuzz/csv.dict" ;;
    esac
}
max_len_of() {
    case $1 in
    geojson_* | shapefile | kml | esri) echo 16384 ;;
    *) echo 4096 ;;
    esac
}

# ---- run --------------------------------------------------------------------------------
run_one() {
    local t=$1 dict extra=()
    dict=$(dict_of "$t")
    [ -n "$dict" ] && extra+=("-dict=$dict")
    local committed=$src/tests/fuzz/seeds/$t
    [ -d "$committed" ] || committed=
    # shellcheck disable=SC2086
    (cd "$work/artifacts/$t" &&
     ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
     UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
     "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$(max_len_of "$t")" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$t/" "${extra[@]}" ${FUZZ_ARGS:-} \
        "$work/corpus/$t" "$seeds/$t" $committed) > "$work/$t.log" 2>&1
}

echo "fuzzing $(echo $targets | wc -w) targets for $secs s each, $jobs at a time (logs: $work/*.log)"
running=0
for t in $targets; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
}

# ---- report -----------------------------------------------------------------------------
report() {
status=0
printf '\n%-18s %12s %9s %12s %8s %8s  %s\n' target executions exec/s "cov/edges" ft corpus problems
for t in $targets; do
    log=$work/$t.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep ' cov: ' "$log" | tail -1)
    if [ -z "$rate" ]; then # -fork mode: executions over the time of the last status line
        t_end=$(echo "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
        rate=$(( ${execs:-0} / (${t_end:-0} > 0 ? ${t_end:-1} : 1) ))
    fi
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    edges=$(sed -n 's/.*Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -1)
    found=$(ls "$work/artifacts/$t" 2>/dev/null | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | wc -l)
    problems=ok
    forked=$(echo "$last" | sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p')
    if [ "$found" -gt 0 ] || [ "${forked:-0/0/0}" != 0/0/0 ] || grep -q -E '^==[0-9]+==ERROR|^SUMMARY: |deadly signal|-- timeout|out-of-memory' "$log"; then
        problems="$found artifact(s)${forked:+, oom/timeout/crash $forked}: $(grep -o -E 'SUMMARY: [A-Za-z]+: [a-z-]+|ERROR: [A-Za-z]+: [A-Za-z-]+|runtime error: [a-z ]+' "$log" | sort | uniq -c | tr -s ' ' | paste -sd ';' -)"
        status=1
    fi
    printf '%-18s %12s %9s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}/${edges:-?}" "${ft:-?}" "${corp:-?}" "$problems"
done
for t in $targets; do
    for a in "$work/artifacts/$t"/*; do [ -f "$a" ] && echo "  $t: $a"; done
done
return $status
}

# Bash reads a script as it runs: everything is in functions, called from the last line, so
# that editing this file during a run cannot derail it.
if [ -z "$report_only" ]; then main; fi; report; exit $?
