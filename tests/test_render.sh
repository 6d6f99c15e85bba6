#!/usr/bin/env bash
# test_render.sh FRONTLINE — pictures through the CLI: `render`, `diff --png/--svg/--pdf` and
# `timeline --plot` on the embedded samples (and on the shared data when present): the files
# are PNG of the asked width, SVG that parses as XML (xmllint), PDF that opens (pdfinfo); the
# legend's km² (`render --json`) are those of `frontline diff --json` and `frontline area
# --json`; bad usage fails with a one-line message and leaves no file behind.
set -u
fl=$1
data=${FRONTLINE_DATA:?}
shared=${FRONTLINE_SHARED:-$data/../../shared/data}
a=$data/sample/20220930.geojson
b=$data/sample/20221004.geojson
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 missing=""
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# png_width FILE: the width in the PNG header
png_width() { python3 -c "import struct,sys; h=open(sys.argv[1],'rb').read(24); print(struct.unpack('>I', h[16:20])[0] if h[:4]==b'\x89PNG' else 0)" "$1"; }
xml_ok() { if command -v xmllint >/dev/null; then xmllint --noout "$1"; else missing="$missing xmllint"; true; fi; }
pdf_ok() { if command -v pdfinfo >/dev/null; then pdfinfo "$1" >/dev/null; else missing="$missing pdfinfo"; true; fi; }
# legend_matches RENDER_JSON DIFF_JSON AREA_JSON: every transition between statuses of the
# diff is in the legend with the same km², the rest goes to outside_km2, and the statuses are
# the area's territory figures.
legend_matches() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r, d, a = (json.load(open(p)) for p in sys.argv[1:4])
want = {(t["status_from"], t["status_to"]): t["km2"] for t in d["transitions"]
        if t["status_from"] != t["status_to"] and "none" not in (t["status_from"], t["status_to"])}
got = {(t["status_from"], t["status_to"]): t["km2"] for t in r["transitions"]}
outside = sum(t["km2"] for t in d["transitions"] if t["status_from"] != t["status_to"] and "none" in (t["status_from"], t["status_to"]))
ok = got == want and abs(r["outside_km2"] - outside) < 1e-5
# statuses: after a diff the library takes B's areas from the diff's column sums, which agree
# with areas computed directly within 1e-6 (relative)
ok = ok and all(abs(s["km2"] - a["territory"]["status_km2"][s["status"]]) <= 1e-6 * max(1, s["km2"]) for s in r["statuses"])
if not ok:
    print("legend", got, r["outside_km2"], [(s["status"], s["km2"]) for s in r["statuses"]], file=sys.stderr)
    print("diff  ", want, outside, a["territory"]["status_km2"], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

check "render --help" "$fl" render --help
"$fl" render "$a" >/dev/null 2>&1; check "render without -o exits 2" test $? -eq 2
"$fl" --help | grep -q "render" ; check "render in the command list" test $? -eq 0

# one snapshot, every format
for ext in png svg pdf; do
  "$fl" render "$a" -o "$tmp/a.$ext"; check "render .$ext" test -s "$tmp/a.$ext"
done
check "PNG is 1600 wide" test "$(png_width "$tmp/a.png")" -eq 1600
check "SVG parses" xml_ok "$tmp/a.svg"
check "PDF opens" pdf_ok "$tmp/a.pdf"

# the map of a diff, with its legend
"$fl" render "$a" --diff "$b" --json -o "$tmp/d.png" >"$tmp/render.json"
check "render --diff" test -s "$tmp/d.png"
"$fl" diff "$a" "$b" --json >"$tmp/diff.json"
"$fl" area "$b" --json >"$tmp/area.json"
check "legend = diff --json and area --json" legend_matches "$tmp/render.json" "$tmp/diff.json" "$tmp/area.json"
check "Lyman marked" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(p['name']=='Lyman' and p.get('status_from')=='occupied' and p['labelled'] for p in d['places']) else 1)" "$tmp/render.json"

# frontline diff draws the same picture next to its report
"$fl" diff "$a" "$b" --png "$tmp/diff.png" --svg "$tmp/diff.svg" --pdf "$tmp/diff.pdf" >"$tmp/diff.txt"
check "diff report still printed" grep -q "Lyman" "$tmp/diff.txt"
check "diff --png" test "$(png_width "$tmp/diff.png")" -eq 1600
check "diff --svg parses" xml_ok "$tmp/diff.svg"
check "diff --pdf opens" pdf_ok "$tmp/diff.pdf"
check "diff --png = render --diff" cmp -s "$tmp/diff.png" "$tmp/d.png"

# views and labels
"$fl" render "$a" --diff "$b" --region UA-DT --width 800 -o "$tmp/dt.png" --json >"$tmp/dt.json"
check "--region --width" test "$(png_width "$tmp/dt.png")" -eq 800
check "--region scope" python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))['scope']=='UA-DT' else 1)" "$tmp/dt.json"
"$fl" render "$b" --bbox 32,46.3,35.5,48.2 --no-labels -o "$tmp/bbox.svg"
check "--bbox --no-labels" xml_ok "$tmp/bbox.svg"
"$fl" render "$b" --places "$data/places/ua_places.csv" -o "$tmp/places.pdf"
check "--places" pdf_ok "$tmp/places.pdf"

# bad usage: one line, non-zero, nothing written
"$fl" render "$a" -o "$tmp/x.jpg" 2>"$tmp/err"; rc=$?
check "a .jpg is refused" test $rc -ne 0 -a "$(wc -l <"$tmp/err")" -eq 1
check "no .jpg written" test ! -e "$tmp/x.jpg"
"$fl" render "$a" --bbox 1,2,3 -o "$tmp/x.png" 2>"$tmp/err"; rc=$?
check "bad --bbox" test $rc -ne 0 -a "$(wc -l <"$tmp/err")" -eq 1
"$fl" render "$a" --region UA-XX -o "$tmp/x.png" 2>"$tmp/err"; rc=$?
check "unknown --region" test $rc -ne 0 -a "$(wc -l <"$tmp/err")" -eq 1
"$fl" render "$a" --width 12 -o "$tmp/x.png" 2>"$tmp/err"; rc=$?
check "bad --width" test $rc -ne 0 -a "$(wc -l <"$tmp/err")" -eq 1
"$fl" render "$a" --region UA-DT --bbox 32,46,35,48 -o "$tmp/x.png" 2>"$tmp/err"; rc=$?
check "--region with --bbox" test $rc -ne 0
check "no picture after errors" test ! -e "$tmp/x.png"

# timeline charts
"$fl" timeline "$data/sample" --plot "$tmp/tl.png" >/dev/null; check "timeline --plot png" test "$(png_width "$tmp/tl.png")" -eq 1600
"$fl" timeline "$a" "$b" --plot "$tmp/tl.svg" --width 1000 >/dev/null; check "timeline --plot svg" xml_ok "$tmp/tl.svg"
"$fl" timeline "$a" "$b" --plot "$tmp/tl.pdf" >/dev/null; check "timeline --plot pdf" pdf_ok "$tmp/tl.pdf"
"$fl" timeline "$a" --plot "$tmp/tl.bmp" >/dev/null 2>&1; check "timeline --plot .bmp refused" test $? -ne 0

# the shared data: the legend of the README's diff
ra=$shared/deepstate/raw/1664526365.geojson
rb=$shared/deepstate/raw/1664748468.geojson
if [ -r "$ra" ] && [ -r "$rb" ]; then
  "$fl" render "$ra" --diff "$rb" --json -o "$tmp/real.png" >"$tmp/real.json"
  "$fl" diff "$ra" "$rb" --json >"$tmp/realdiff.json"
  "$fl" area "$rb" --json >"$tmp/realarea.json"
  check "real legend = diff --json" legend_matches "$tmp/real.json" "$tmp/realdiff.json" "$tmp/realarea.json"
fi

echo "render CLI: $pass passed, $fail failed${missing:+ (not checked, missing:$missing)}"
[ "$fail" -eq 0 ]
