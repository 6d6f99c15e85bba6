#!/usr/bin/env bash
# test_compare_cli.sh FRONTLINE — `frontline compare` on the embedded samples: the JSON of
# docs/compare.md, a map against itself agrees everywhere, the two sample days put Lyman on
# different sides, the GeoJSON of the pieces adds up to the matrix off its diagonal, the
# "vs" form is the same comparison, timeline --source puts two sources side by side, and bad
# usage gets one line and a non-zero exit.
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
# json1 FILE EXPR, json2 FILE OTHER EXPR: a Python expression on the parsed documents d, g
json1() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" "$2"; }
json2() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); g=json.load(open(sys.argv[2])); sys.exit(0 if ($3) else 1)" "$1" "$2" "$3"; }

"$fl" compare --help >"$tmp/help"; check "compare --help" grep -q "usage: frontline compare" "$tmp/help"

"$fl" compare "$a" "$b" --json --geojson "$tmp/pieces.geojson" >"$tmp/ab.json"
check "compare json keys" json1 "$tmp/ab.json" \
  "set(d) >= {'a','b','territory_km2','agree_km2','sides','regions','pieces','places'} and len(d['sides']) == 9 and len(d['regions']) == 27 and all(len(r['sides']) == 9 for r in d['regions'])"
check "rows and columns are each map's side areas" json1 "$tmp/ab.json" \
  "all(abs(sum(c['km2'] for c in d['sides'] if c[m]==s) - d[m]['side_km2'][s]) < 1e-5 for m in 'ab' for s in ('RU','none','UA'))"
check "the sides cover the territory" json1 "$tmp/ab.json" \
  "abs(sum(c['km2'] for c in d['sides']) - d['territory_km2']) < 1e-5"
check "regions add up to the territory" json1 "$tmp/ab.json" \
  "all(abs(sum(x['km2'] for r in d['regions'] for x in r['sides'] if (x['a'],x['b'])==(c['a'],c['b'])) - c['km2']) < 1e-5 for c in d['sides'])"
check "Lyman from RU to UA" json1 "$tmp/ab.json" \
  "any(p['name']=='Lyman' and p['a']=='RU' and p['b']=='UA' and p['a_status']=='occupied' and p['region']=='UA-14' for p in d['places'])"
check "pieces geojson adds up to the disagreement" json2 "$tmp/pieces.geojson" "$tmp/ab.json" \
  "d['type']=='FeatureCollection' and set(d['features'][0]['properties']) >= {'a','b','km2','region'} and abs(sum(f['properties']['km2'] for f in d['features']) - (g['territory_km2'] - g['agree_km2'])) < 1e-4"

"$fl" compare "$a" "$a" --json >"$tmp/aa.json"
check "a map agrees with itself" json1 "$tmp/aa.json" \
  "abs(d['agree_km2'] - d['territory_km2']) < 1e-6 and d['pieces'] == [] and d['places'] == []"

"$fl" compare "$a" vs "$b" --json >"$tmp/vs.json"
check "A vs B is A B" cmp -s "$tmp/ab.json" "$tmp/vs.json"
"$fl" compare "$a" "$b" --region UA-DT >"$tmp/dt.txt"
check "--region prints the region's matrix (the alias UA-DT is UA-14)" grep -q "within region UA-14" "$tmp/dt.txt"
"$fl" compare "$a" "$b" >"$tmp/ab.txt"
check "text: the matrix and Lyman" grep -q "Lyman.*A RU (occupied), B UA" "$tmp/ab.txt"

printf 'status occupied side=XX\ndefault free side=UA\nrule occupied fill=^A52714$\n' >"$tmp/xx.profile"
"$fl" compare "$a" "$b" --profile-b "$tmp/xx.profile" 2>"$tmp/err" >/dev/null
check "unknown side: exit 1" test $? -eq 1
check "unknown side: one line naming it" test "$(grep -c "'occupied' has side 'XX'" "$tmp/err")" -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
"$fl" compare "$a" >/dev/null 2>&1; check "one map: exit 2" test $? -eq 2
"$fl" compare "$a" "$b" "$b" >/dev/null 2>"$tmp/err"; check "three maps: exit 2" test $? -eq 2
check "three maps: one line" test "$(wc -l <"$tmp/err")" -eq 1
"$fl" compare "$a" "$b" --region XX-00 >/dev/null 2>&1; check "unknown region: exit 1" test $? -eq 1

# timeline over two sources: one row per day, a source's cells empty on a day it lacks; the
# side km² are those compare finds; a source calling contested ground Ukraine's has it in UA.
printf 'status occupied side=RU\nstatus contested side=UA\nstatus liberated side=UA\ndefault free side=UA\nrule occupied fill=^(A52714|880E4F)$\nrule contested fill=^BCAAA4$\nrule liberated fill=^0F9D58$\n' >"$tmp/other.profile"
# (--snap-km 0: the timeline's areas are conflated, the comparison's are as drawn, docs/compare.md)
"$fl" timeline --source deepstate="$data/sample" --source "$tmp/other.profile=$a" --snap-km 0 --csv "$tmp/src.csv" --json >"$tmp/src.json"
check "timeline --source days" json1 "$tmp/src.json" \
  "[x['date'] for x in d['days']] == ['2022-09-30','2022-10-04'] and d['days'][1]['other'] is None and [s['name'] for s in d['sources']] == ['deepstate','other']"
check "timeline --source: compare's side areas" json2 "$tmp/src.json" "$tmp/ab.json" \
  "all(abs(d['days'][i]['deepstate']['side_km2'][s] - g[m]['side_km2'][s]) < 1e-5 for i, m in ((0,'a'),(1,'b')) for s in ('RU','none','UA'))"
check "timeline --source: contested counted as UA" json1 "$tmp/src.json" \
  "abs(d['days'][0]['other']['side_km2']['UA'] - d['days'][0]['deepstate']['side_km2']['UA'] - d['days'][0]['deepstate']['side_km2']['none']) < 1e-5 and d['days'][0]['other']['side_km2']['none'] == 0"
check "timeline --source csv" test "$(head -1 "$tmp/src.csv")" = "date,deepstate_time,deepstate_RU_km2,deepstate_none_km2,deepstate_UA_km2,other_time,other_RU_km2,other_none_km2,other_UA_km2" -a "$(wc -l <"$tmp/src.csv")" -eq 3
check "timeline --source csv: empty cells" grep -q '^2022-10-04,.*,,,,$' "$tmp/src.csv"
"$fl" timeline --source deepstate="$data/sample" >/dev/null 2>&1; check "one source: exit 2" test $? -eq 2
"$fl" timeline --source deepstate="$data/sample" --source deepstate="$a" >/dev/null 2>"$tmp/err"
check "two sources of one name: exit 1" test $? -eq 1
"$fl" timeline --source nosuch="$a" --source deepstate="$a" >/dev/null 2>"$tmp/err"
check "unknown profile: one line" grep -q "nosuch: neither a file nor a shipped profile" "$tmp/err"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
