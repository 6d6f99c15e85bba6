#!/usr/bin/env bash
# test_cli.sh FRONTLINE — the CLI on the embedded sample data: every command runs, prints
# valid JSON with the documented keys, and shows the sample's story (Lyman and the Kherson
# bridgehead change hands); bad input and bad usage exit non-zero with a one-line error.
set -u
fl=$1
data=${FRONTLINE_DATA:?}
a=$data/sample/20220930.geojson
b=$data/sample/20221004.geojson
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# json FILE EXPR: evaluates a Python expression on the parsed document `d`
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }

for cmd in info area diff status claims front timeline convert; do
  check "$cmd --help" "$fl" "$cmd" --help
done
"$fl" nosuch >/dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
"$fl" area >/dev/null 2>&1; check "missing argument exits 2" test $? -eq 2

"$fl" area "$a" --json >"$tmp/area.json"
check "area json keys" json "$tmp/area.json" \
  "set(d) >= {'file','time','status_km2','territory','regions','features'} and len(d['regions']) == 27 and d['time'] == '2022-09-30T00:00:00Z'"
check "area shares" json "$tmp/area.json" \
  "all(0 <= v <= 1 for r in d['regions'] for v in r['status_share'].values()) and [r for r in d['regions'] if r['code']=='UA-09'][0]['status_share']['occupied'] > 0.9"
check "area features accounted" json "$tmp/area.json" \
  "d['features']['total'] == d['features']['classified'] + d['features']['ignored'] + d['features']['unclassified'] + d['features']['no_polygon'] and d['features']['unclassified'] == 0"
"$fl" area "$a" >"$tmp/area.txt"; check "area table" grep -q "Luhansk Oblast" "$tmp/area.txt"

# levels (docs/regions.md): the 136 raions of 2020 add up to their oblasts; Kyiv and
# Sevastopol, which have no raions, stand for themselves at the raion level
"$fl" area "$a" --level raion --json >"$tmp/raions.json"
check "region objects" json "$tmp/area.json" \
  "all(set(r) >= {'code','name','name_uk','level','parent'} for r in d['regions']) and d['regions'][0]['level'] == 'oblast'"
check "area --level raion: 136 raions" json "$tmp/raions.json" \
  "sum(r['level'] == 'raion' for r in d['regions']) == 136"
check "raions add up to their oblasts" python3 -c "
import json, sys
o = {r['code']: r for r in json.load(open(sys.argv[1]))['regions']}
s = {}
for r in json.load(open(sys.argv[2]))['regions']:
    s[r['parent']] = s.get(r['parent'], 0) + r['area_km2']
    s.setdefault(r['parent'] + ' occupied', 0)
    s[r['parent'] + ' occupied'] += r['status_km2']['occupied']
sys.exit(0 if set(o) == {k for k in s if ' ' not in k} and all(
    abs(s[c] - o[c]['area_km2']) < 1e-6 * o[c]['area_km2'] and
    abs(s[c + ' occupied'] - o[c]['status_km2']['occupied']) < 1e-3 for c in o) else 1)
" "$tmp/area.json" "$tmp/raions.json"
"$fl" area "$a" --level county >/dev/null 2>"$tmp/err"; rc=$?
check "--level county refused" test $rc -eq 2 -a -n "$(grep -- "--level wants oblast, raion or hromada" "$tmp/err")"
"$fl" area "$a" --level raion --regions "$data/regions/ua_oblasts.shp" >/dev/null 2>"$tmp/err"
check "--level with --regions refused" grep -q "does not apply to --regions" "$tmp/err"
"$fl" status "$a" --level hromada --point 46.6354,32.6169 --json >"$tmp/kherson.json"
check "Kherson city is in a Kherson Oblast hromada" json "$tmp/kherson.json" \
  "d['places'][0]['region'].startswith('UA65')"

"$fl" diff "$a" "$b" --json --geojson "$tmp/changed.geojson" >"$tmp/diff.json"
check "diff json" json "$tmp/diff.json" "set(d) >= {'from','to','transitions','regions','places','changes'}"
check "diff Lyman flips" json "$tmp/diff.json" \
  "any(p['name']=='Lyman' and p['from']=='occupied' and p['to']!='occupied' for p in d['places'])"
check "diff Kherson bridgehead" json "$tmp/diff.json" \
  "{'Zolota Balka','Myroliubivka'} <= {p['name'] for p in d['places'] if p['from']=='occupied'}"
check "changed pieces geojson" json "$tmp/changed.geojson" \
  "d['type']=='FeatureCollection' and len(d['features']) > 0 and set(d['features'][0]['properties']) >= {'from','to','km2','region'}"
"$fl" diff "$a" "$b" >"$tmp/diff.txt"; check "diff summary" grep -q "occupied → not occupied" "$tmp/diff.txt"

"$fl" status "$a" --point 48.9862,37.8031 --point 49.84,24.03 --point 55.75,37.62 --point 91,0 --json >"$tmp/status.json"
check "status points" json "$tmp/status.json" \
  "[p['status'] for p in d['places']] == ['occupied','free','none','invalid'] and d['places'][0]['region']=='UA-14'"
"$fl" status "$a" --json >"$tmp/places.json"
check "status of embedded places" json "$tmp/places.json" \
  "len(d['places']) == 2853 and set(d['places'][0]) >= {'id','name','lat','lon','status','region'}"

"$fl" claims "$a" --json --geojson "$tmp/notheld.geojson" >"$tmp/claims.json"
check "claims in force" json "$tmp/claims.json" \
  "sorted(c['declared'] for c in d['claims']) == ['2014-03-18','2022-09-30'] and all(abs(r['held_share']+r['contested_share']+r['others_share']-1) < 1e-4 for c in d['claims'] for r in c['regions'])"
"$fl" claims "$a" --time 2022-09-29 --json >"$tmp/claims29.json"
check "claims before the annexation" json "$tmp/claims29.json" "[c['declared'] for c in d['claims']] == ['2014-03-18']"
check "claims geojson" json "$tmp/notheld.geojson" "len(d['features']) == 6"

"$fl" front "$a" --json --geojson "$tmp/front.geojson" >"$tmp/front.json"
check "front length" json "$tmp/front.json" "d['length_km'] > 500 and abs(sum(d['pieces_km']) - d['length_km']) < 1"
"$fl" front "$a" --tolerance 0 --json >"$tmp/front0.json"
check "front tolerance" python3 -c "import json; a=json.load(open('$tmp/front.json')); b=json.load(open('$tmp/front0.json')); exit(0 if b['length_km'] > a['length_km'] else 1)"

"$fl" timeline "$data/sample" --json --csv "$tmp/tl.csv" >"$tmp/tl.json" 2>/dev/null
check "timeline json" json "$tmp/tl.json" \
  "len(d['snapshots']) == 2 and d['snapshots'][0]['transitions'] is None and any(c['name']=='Lyman' for c in d['changes'])"
check "timeline csv" test "$(wc -l <"$tmp/tl.csv")" -eq 3
# three places are called Lyman: the one on the Donetsk front by its GeoNames id
"$fl" timeline "$b" "$a" --place 704204 >"$tmp/lyman.json" 2>/dev/null
check "timeline place history" json "$tmp/lyman.json" "[h['status'] for h in d['history']][0] == 'occupied' and len(d['history']) == 2"

"$fl" convert "$a" "$tmp/a.wkt" && "$fl" convert "$data/regions/ua_oblasts.shp" "$tmp/r.geojson"
check "convert" json "$tmp/r.geojson" "len(d['features']) == 27"
"$fl" info "$tmp/a.wkt" --json >"$tmp/info.json"
check "info of converted wkt" json "$tmp/info.json" "d['kind']=='wkt' and d['features']['no_polygon'] == 3"

printf '{"type":"FeatureCollection","features":[' >"$tmp/broken.geojson"
"$fl" area "$tmp/broken.geojson" 2>"$tmp/err.txt"; rc=$?
check "broken JSON exits 1" test $rc -eq 1
check "broken JSON message names the file" grep -q "broken.geojson:1:.*invalid JSON" "$tmp/err.txt"
"$fl" area "$a" --profile "$tmp/nosuch.profile" 2>"$tmp/err.txt"; rc=$?
check "missing profile" test $rc -eq 1 -a "$(wc -l <"$tmp/err.txt")" -eq 1

# places by any name (docs/geography.md): two villages are called Anatolivka (GeoNames 713489,
# 713487): the name is refused with both candidates and their ids; the id is accepted, and so
# is a Cyrillic alternate name folded ("КИЇВ" finds Kyiv, 703448)
"$fl" timeline "$a" --place anatolivka >/dev/null 2>"$tmp/err.txt"; rc=$?
check "ambiguous --place exits 1" test $rc -eq 1
check "ambiguous --place lists the candidates" grep -q "713489" "$tmp/err.txt"
check "ambiguous --place lists them all" grep -q "713487" "$tmp/err.txt"
"$fl" timeline "$a" --place 713489 --json >"$tmp/place.json"
check "--place by id" json "$tmp/place.json" "d['place']['id'] == '713489'"
"$fl" timeline "$a" --place "КИЇВ" --json >"$tmp/kyiv.json"
check "--place by an alternate name" json "$tmp/kyiv.json" "d['place']['id'] == '703448'"
# the water (docs/geography.md): a point in the Kakhovka reservoir that no status covers
"$fl" status "$a" --point 47.45,34.0 --json >"$tmp/water.json"
check "Kakhovka reservoir is water" json "$tmp/water.json" "'water' in json.dumps(d)"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
