#!/bin/bash
# test_sources_cli.sh — the CLI over the other public sources (issue 15): several files as one
# version (arguments and comma lists), shipped profiles by name, `info` recognising the source,
# timelines grouping a day's layer files. Hand-made files first; the shared samples when
# ../shared is there.
set -u
cli=$1
src=$(cd "$(dirname "$0")" && pwd)/sources
shared=${FRONTLINE_SHARED:-$(dirname "$0")/../../shared/data}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # DESCRIPTION COMMAND... : the command must succeed
    local what=$1
    shift
    if ! "$@" >/dev/null 2>"$tmp/err"; then
        echo "FAIL: $what: $(cat "$tmp/err")"
        fails=$((fails + 1))
    fi
}
json_is() { # FILE PYTHON-EXPRESSION-ON-d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}

# several files as one version, as arguments and as a comma list: the same counts
"$cli" info --json --profile "$src/sources.profile" "$src/shapes.kml" "$src/esri.json" > "$tmp/a.json"
"$cli" info --json --profile "$src/sources.profile" "$src/shapes.kml,$src/esri.json" > "$tmp/b.json"
check "two files: 14 features" json_is "$tmp/a.json" "d['features']['total'] == 14 and d['features']['classified'] == 6"
check "a comma list is the same version" cmp "$tmp/a.json" "$tmp/b.json"
# a file that no shipped profile fits is said so
"$cli" info "$src/shapes.kml" > "$tmp/info.txt"
check "no shipped profile fits shapes.kml" grep -q "no shipped profile fits" "$tmp/info.txt"
# an unknown profile name: one line, exit 1
if "$cli" info --profile nosuch "$src/shapes.kml" 2>"$tmp/err" >/dev/null || [ "$(wc -l < "$tmp/err")" != 1 ] ||
   ! grep -q "neither a file nor a shipped profile" "$tmp/err"; then
    echo "FAIL: --profile nosuch: $(cat "$tmp/err")"
    fails=$((fails + 1))
fi

if [ -d "$shared/isw" ] && [ -d "$shared/amk" ] && [ -d "$shared/nzz" ]; then
    for pair in amk:amk/2026-05-01.kmz nzz:nzz/2022-10-03.json isw:isw/2023/20230501.geojson \
                deepstate:deepstate/raw/1664526365.geojson; do
        "$cli" info --json "$shared/${pair#*:}" > "$tmp/r.json"
        check "info recognises ${pair#*:} as ${pair%%:*}" json_is "$tmp/r.json" \
            "d['profile'] == '${pair%%:*}' and d['profile_fits'] and d['features']['unclassified'] == 0"
    done
    "$cli" timeline --json --profile isw "$shared/isw/2022" > "$tmp/isw.json"
    check "ISW 2022: two versions of five layer files each" json_is "$tmp/isw.json" \
        "len(d['snapshots']) == 2 and all(s['file'].count(',') == 4 for s in d['snapshots']) and abs(d['snapshots'][1]['status_km2']['occupied'] - 109539.0) < 110"
    "$cli" timeline --json --profile nzz "$shared/nzz" > "$tmp/nzz.json"
    check "NZZ: each file dated by _dateto" json_is "$tmp/nzz.json" \
        "[s['time'][:10] for s in d['snapshots']] == ['2022-09-30'] * 3 + ['2022-10-03'] * 3 + ['2023-06-14']"
    # the newspaper's published series, by its method (docs/sources.md): occupied + lost as
    # drawn + 26,689.32 km² for Crimea; the shared README's independent figures for the map of
    # 2022-10-03 give 88,739.4 + 2,375.0 + 26,689.32
    "$cli" timeline --profile nzz --csv "$tmp/nzz.csv" "$shared/nzz" > /dev/null
    check "NZZ: the published series' 2022-10-03 value" python3 -c "
import csv, sys
row = [r for r in csv.DictReader(open(sys.argv[1])) if r['file'].endswith('2022-10-03.json')][0]
series = float(row['drawn_occupied_km2']) + float(row['drawn_lost_km2']) + 26689.32
sys.exit(0 if abs(series - (88739.4 + 2375.0 + 26689.32)) <= 0.001 * series else 1)" "$tmp/nzz.csv"
else
    echo "no ../shared/data: the shared samples are not checked"
fi
[ "$fails" = 0 ] && echo "sources_cli: all passed"
exit $((fails > 0))
