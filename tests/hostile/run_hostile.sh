#!/bin/bash
# run_hostile.sh — the hostile sweep of the CLI (issues 17 and 22): every output path kind,
# outputs that are inputs, signals mid-write, concurrent writers, FIFOs and devices as
# inputs, standard input and output, messages. Each case runs the real `frontline` under a
# CPU-time cap (CASE_SECONDS, ulimit -t: a loaded machine does not fail it; the wall clock is
# capped at 12 times that; four times as much for a sanitized build, which ASan and UBSan slow
# 2-5x: the sample timeline takes 9.4-9.9 s of CPU under them alone, 12 s beside another
# sanitized test) and, unless the build is sanitized, a memory cap (ulimit -v, CASE_KB); a case
# fails on a signal, a timeout, the wrong exit status, or an error that is not exactly one
# line "frontline: ...".
#
#   tests/hostile/run_hostile.sh FRONTLINE DATA_DIR
set -u
fl=$(realpath "$1")
data=$(realpath "$2")
CASE_SECONDS=${CASE_SECONDS:-10}
CASE_KB=${CASE_KB:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
sanitized=0
ldd "$fl" 2>/dev/null | grep -q 'libasan\|libubsan' && sanitized=1
[ -n "${ASAN_OPTIONS:-}" ] && nm -D "$fl" 2>/dev/null | grep -q __asan && sanitized=1
[ $sanitized = 1 ] && CASE_SECONDS=$((CASE_SECONDS * 4))
pass=0 failn=0

report() { # NAME OK [WHY]
    if [ "$2" = 1 ]; then
        pass=$((pass + 1)); echo "ok    $1"
    else
        failn=$((failn + 1)); echo "FAIL  $1: $3"
    fi
}

# run CMD... under the caps; sets rc, out (stdout file), err (stderr text)
run() {
    ( [ $sanitized = 1 ] || ulimit -v "$CASE_KB"; ulimit -t "$CASE_SECONDS"
      exec timeout -s KILL $((12 * CASE_SECONDS)) "$@" ) \
        >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    err=$(cat "$work/err")
}

# expect_fail NAME CMD...: status 1, one line "frontline: ..."
expect_fail() {
    local name=$1; shift
    run "$@"
    local lines; lines=$(printf '%s' "$err" | grep -c '')
    if [ $rc -ge 124 ]; then report "$name" 0 "status $rc (signal or timeout): $err"
    elif [ $rc = 0 ]; then report "$name" 0 "exit 0, expected a failure"
    elif [ "$lines" != 1 ] || [ "${err#frontline: }" = "$err" ]; then
        report "$name" 0 "error output is not one 'frontline:' line: $err"
    else report "$name" 1; fi
}

expect_ok() {
    local name=$1; shift
    run "$@"
    if [ $rc != 0 ] || [ -n "$err" ]; then report "$name" 0 "status $rc: $err"
    else report "$name" 1; fi
}

# check NAME CONDITION-COMMAND... (after a run)
check() {
    local name=$1; shift
    if "$@"; then report "$name" 1; else report "$name" 0 "check failed: $*"; fi
}

no_temps() { ! ls -a "$work" "$work"/* 2>/dev/null | grep -q '\.tmp[0-9]'; }

cp "$data/sample/20220930.geojson" 20220930.geojson
cp "$data/sample/20221004.geojson" 20221004.geojson
cp 20220930.geojson A.orig

# ---- an output that is an input ---------------------------------------------------------
expect_fail "timeline --csv onto an input" "$fl" timeline 20220930.geojson 20221004.geojson --csv 20220930.geojson
check "the input is untouched" cmp -s 20220930.geojson A.orig
ln -s 20220930.geojson linkA.csv
expect_fail "--csv onto an input through a symlink" "$fl" timeline 20220930.geojson 20221004.geojson --csv linkA.csv
check "the input is untouched (symlink)" cmp -s 20220930.geojson A.orig
expect_fail "convert onto itself" "$fl" convert 20220930.geojson 20220930.geojson
expect_fail "--geojson onto the profile" "$fl" diff 20220930.geojson 20221004.geojson --profile P.profile --geojson P.profile
cp "$data/profiles/deepstate.profile" P.profile
expect_fail "--geojson onto the profile" "$fl" diff 20220930.geojson 20221004.geojson --profile P.profile --geojson P.profile
mkdir dir; cp 20220930.geojson 20221004.geojson dir/
expect_fail "--plot onto a snapshot inside a timeline folder" "$fl" timeline dir --plot dir/20221004.geojson
expect_fail "render -o onto the places" "$fl" render 20220930.geojson --places dir/20220930.geojson -o dir/20220930.geojson

# ---- standard output --------------------------------------------------------------------
if [ -w /dev/full ]; then
    ( [ $sanitized = 1 ] || ulimit -v "$CASE_KB"; ulimit -t "$CASE_SECONDS"; timeout -s KILL $((12 * CASE_SECONDS)) "$fl" area 20220930.geojson >/dev/full 2>"$work/err" )
    rc=$?; err=$(cat "$work/err")
    check "area > /dev/full fails with one line" test $rc = 1 -a "$(printf '%s' "$err" | grep -c '')" = 1
    ( ulimit -t "$CASE_SECONDS"; timeout -s KILL $((12 * CASE_SECONDS)) "$fl" area 20220930.geojson --json >/dev/full 2>/dev/null ); rc=$?
    check "area --json > /dev/full fails" test $rc = 1
fi
expect_ok "--csv - is standard output" "$fl" timeline 20220930.geojson 20221004.geojson --csv - --json
check "no file named -" test ! -e ./-
check "--csv - wrote the CSV to standard output" grep -q 'file,time,' "$work/out"
expect_ok "--csv /dev/stdout" "$fl" timeline 20220930.geojson 20221004.geojson --csv /dev/stdout
check "/dev/stdout is still a device" test -c /dev/stdout -o -L /dev/stdout
expect_ok "--geojson - (diff)" "$fl" diff 20220930.geojson 20221004.geojson --geojson - --json
expect_ok "--csv /dev/null" "$fl" timeline 20220930.geojson 20221004.geojson --csv /dev/null
check "/dev/null is still a device" test -c /dev/null

# ---- regular outputs: atomic, through links, refused kinds ------------------------------
echo OLD > out.csv
cp out.csv out.orig
printf '{"type":"Polygon","coordinates":[[[30,48],[31' > broken.geojson
expect_fail "a failing timeline keeps the old CSV" "$fl" timeline 20220930.geojson broken.geojson --csv out.csv
check "old CSV whole after an error" cmp -s out.csv out.orig
check "no temporary file after an error" no_temps
expect_ok "timeline --csv" "$fl" timeline 20220930.geojson 20221004.geojson --csv out.csv
check "CSV written" grep -q '^file,time,' out.csv
ln -s real.csv link.csv
expect_ok "--csv through a dangling symlink" "$fl" timeline 20220930.geojson 20221004.geojson --csv link.csv
check "the link stays a link, its target written" test -L link.csv -a -s real.csv
ln -s real.geojson link.geojson
expect_ok "convert through a symlink" "$fl" convert 20220930.geojson link.geojson
check "converted: link kept" test -L link.geojson -a -s real.geojson
printf '{"type":"Feature","properties":{"status":"occupied"},"geometry":{"type":"Polygon","coordinates":[[[30,48],[31,48],[31,49],[30,48]]]}}\n' > poly.geojson
expect_ok "convert to a shapefile" "$fl" convert poly.geojson shp.shp
check "all the shapefile's files" test -s shp.shp -a -s shp.shx -a -s shp.dbf -a -s shp.prj
ln -s shp.dbf shplink.dbf; ln -s shp.shp shplink.shp
expect_fail "a shapefile onto itself through links" "$fl" convert shp.shp shplink.shp
expect_ok "convert to standard output (GeoJSON)" "$fl" convert poly.geojson -
check "GeoJSON came out" grep -q FeatureCollection "$work/out"
expect_fail "an output that is a directory" "$fl" timeline 20220930.geojson 20221004.geojson --csv dir
expect_fail "an output in a missing folder" "$fl" timeline 20220930.geojson 20221004.geojson --csv nodir/x.csv
check "the message names the path, not a temporary file" test "${err#*tmp[0-9]}" = "$err"
mkfifo outfifo
( timeout 20 cat outfifo > fifo.out ) &
expect_ok "--csv into a FIFO" "$fl" timeline 20220930.geojson 20221004.geojson --csv outfifo
wait
check "FIFO still a FIFO, CSV came through it" test -p outfifo -a -s fifo.out
mkfifo shpfifo.shx
expect_fail "a shapefile sidecar that is a FIFO" "$fl" convert 20220930.geojson shpfifo.shp
check "no temporary file after a refused shapefile" no_temps

# ---- signals mid-write and concurrent writers -------------------------------------------
"$fl" timeline 20220930.geojson 20221004.geojson --csv ref.csv >/dev/null 2>&1
for delay in 0.05 0.1 0.2 0.3 0.5; do
    cp out.orig sig.csv
    "$fl" timeline 20220930.geojson 20221004.geojson dir --csv sig.csv --plot sig.png >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -INT $pid 2>/dev/null
    wait $pid
    st=$?
    whole=0
    { cmp -s sig.csv out.orig || [ "$(head -1 sig.csv)" = "$(head -1 ref.csv)" ]; } && whole=1
    check "SIGINT after ${delay}s (status $st): CSV old or whole, no temporary file" \
        test $whole = 1 -a "$(ls -a | grep -c '\.tmp[0-9]')" = 0
done
"$fl" timeline 20220930.geojson 20221004.geojson dir --csv r1.csv --tolerance 1 >/dev/null 2>&1
"$fl" timeline 20220930.geojson 20221004.geojson dir --csv r3.csv --tolerance 30 >/dev/null 2>&1
for i in 1 2 3; do
    "$fl" timeline 20220930.geojson 20221004.geojson dir --csv same.csv --tolerance 1 >/dev/null 2>&1 &
    p1=$!
    "$fl" timeline 20220930.geojson 20221004.geojson dir --csv same.csv --tolerance 30 >/dev/null 2>&1 &
    p2=$!
    wait $p1 $p2
    # the last writer's file, whole: byte for byte one of the two single runs (they differ in
    # the front_km column)
    ok=0
    { cmp -s same.csv r1.csv || cmp -s same.csv r3.csv; } && ! cmp -s r1.csv r3.csv && ok=1
    check "two concurrent writers ($i): one whole file" test $ok = 1
done

# ---- inputs that are not regular files --------------------------------------------------
mkfifo in.fifo
expect_fail "--places FIFO" "$fl" status 20220930.geojson --places in.fifo
expect_fail "--profile FIFO" "$fl" area 20220930.geojson --profile in.fifo
expect_fail "--claims FIFO" "$fl" claims 20220930.geojson --claims in.fifo
expect_fail "--regions FIFO" "$fl" area 20220930.geojson --regions in.fifo
expect_fail "snapshot FIFO" "$fl" info in.fifo
mkdir fifodir; cp 20220930.geojson fifodir/; mkfifo fifodir/20221001.geojson
run "$fl" timeline fifodir
check "a FIFO inside a timeline folder: no hang, no signal (status $rc)" test $rc -lt 124
expect_fail "--profile /dev/zero" "$fl" area 20220930.geojson --profile /dev/zero
expect_fail "--places /dev/urandom" "$fl" status 20220930.geojson --places /dev/urandom
expect_fail "snapshot is a directory" "$fl" info dir

# ---- standard input ---------------------------------------------------------------------
( [ $sanitized = 1 ] || ulimit -v "$CASE_KB"; ulimit -t "$CASE_SECONDS"; timeout $((12 * CASE_SECONDS)) "$fl" area - --json <20220930.geojson >stdin.json 2>"$work/err" )
rc=$?
"$fl" area 20220930.geojson --json >file.json 2>/dev/null
check "area - reads standard input (status $rc)" \
    test $rc = 0 -a "$(sed 's/"file":"[^"]*","time":[^,]*//' stdin.json)" = "$(sed 's/"file":"[^"]*","time":[^,]*//' file.json)"
( ulimit -t "$CASE_SECONDS"; timeout $((12 * CASE_SECONDS)) "$fl" area 20220930.geojson --profile - <"$data/profiles/deepstate.profile" >/dev/null 2>&1 )
check "--profile - reads standard input" test $? = 0
( ulimit -t "$CASE_SECONDS"; timeout $((12 * CASE_SECONDS)) "$fl" status 20220930.geojson --places - <"$data/places/ua_places.csv" >/dev/null 2>&1 )
check "--places - reads standard input" test $? = 0

# ---- values and messages ----------------------------------------------------------------
expect_fail "--tolerance 1e308" "$fl" front 20220930.geojson --tolerance 1e308
check "the message names the option" test "${err#*--tolerance}" != "$err"
expect_fail "--tolerance nan" "$fl" front 20220930.geojson --tolerance nan
printf 'status occupied side=RU colour=#A52714\rdefault free side=UA colour=#F4F1E8\rrule occupied status=^occupied$\r' > cr.profile
expect_ok "a profile with CR line ends" "$fl" area 20220930.geojson --profile cr.profile
printf '\xEF\xBB\xBFstatus occupied side=RU colour=#A52714\ndefault free side=UA colour=#F4F1E8\nrule occupied status=^occupied$\n' > bom.profile
expect_ok "a profile with a BOM" "$fl" area 20220930.geojson --profile bom.profile
printf 'default free side=UA colour=#F4F1E8\n\xEF\xBB\xBFstatus occupied side=RU colour=#A52714\n' > bom2.profile
expect_fail "a BOM inside a profile is shown" "$fl" area 20220930.geojson --profile bom2.profile
check "the BOM is shown escaped" test "${err#*\\uFEFF}" != "$err"

# ---- CSV and JSON text ------------------------------------------------------------------
weird=$(printf 'a,"b\xff 20220930.geojson')
cp 20220930.geojson "$weird"
expect_ok "CSV of a file name with a comma, a quote and a non-UTF-8 byte" \
    "$fl" timeline "$weird" 20221004.geojson --csv weird.csv --json
py=$(command -v python3)
if [ -n "$py" ]; then
    check "--json is valid UTF-8 JSON" "$py" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$work/out"
    check "the CSV's file field round-trips" "$py" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="replace")))
assert len(rows) == 3 and all(len(r) == len(rows[0]) for r in rows), rows
assert any(r[0].startswith("a,\"b") for r in rows[1:]), [r[0] for r in rows]' weird.csv
    "$py" - <<'PY' > "$work/claims_50k.csv"
print("claimant,declared,region")
for i in range(50000):
    print(f"C{i // 6},2022-09-30,{['UA-DT','UA-LH','UA-ZP','UA-KS','UA-KR','UA-SC'][i % 6]}")
PY
    expect_ok "claims of 50,000 rows within the caps" "$fl" claims 20220930.geojson --claims claims_50k.csv --json
fi

# ---- crashes and hangs that were ------------------------------------------------------------
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "GEOMETRYCOLLECTION("; printf "POINT(30 48)";
             for (i = 0; i < 30000; i++) printf ")"; print "" }' > nested.wkt
expect_fail "WKT nested 30,000 deep" "$fl" info nested.wkt
awk 'BEGIN { n = 5001; printf "{\"type\":\"Feature\",\"properties\":{\"status\":\"occupied\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[";
             for (i = 0; i <= n; i++) { a = 2 * 3.14159265358979 * ((i * int(n / 2)) % n) / n;
                 printf "%s[%.6f,%.6f]", i ? "," : "", 35 + 1.5 * cos(a), 48 + sin(a) }
             print "]]}}" }' > star.geojson
expect_fail "a self-crossing star (repair budget)" "$fl" area star.geojson
printf '{"type":"Feature","properties":{"status":"occupied"},"geometry":{"type":"Polygon","coordinates":[[[-170,48],[170,48],[170,49],[-170,49],[-170,48]]]}}\n' > wide.geojson
expect_fail "an edge over 180 degrees of longitude" "$fl" area wide.geojson

echo "hostile: $pass passed, $failn failed"
[ $failn = 0 ]
