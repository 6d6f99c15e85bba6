#!/usr/bin/env bash
# test_jobs.sh FRONTLINE — the timeline is the same byte for byte whatever the number of
# threads (issue 21): --jobs 1, 2 and 3 on each shared DeepStateMap archive give identical
# JSON rows and CSV: the areas and the front are carried through each version's changes in
# order (lib/carry.c), so no row depends on where a thread started. And the place changes the timeline carries from
# version to version are those of `frontline status` asked of each version whole (the
# conflation and the water included). Skipped (77) without ../shared.
set -u
fl=$1
shared=${FRONTLINE_SHARED:-${FRONTLINE_DATA:?}/../../shared/data}/deepstate
[ -d "$shared/raw" ] && [ -d "$shared/occupied" ] || { echo "no $shared: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for a in raw occupied; do
  n=$(ls "$shared/$a"/*.geojson | wc -l)
  # enough versions for 3 threads to take some each
  [ "$n" -gt 17 ] || { echo "FAIL: $a has only $n versions"; fail=1; continue; }
  # FRONTLINE_THREAD_BYTES=0: threads are free to start, so that these short archives are
  # split into 2 or 3 runs (by default only where a thread's start pays)
  for j in 1 2 3; do
    FRONTLINE_THREAD_BYTES=0 "$fl" timeline --jobs $j --json --csv "$tmp/$a$j.csv" "$shared/$a" \
      >"$tmp/$a$j.json" || { echo "FAIL: $a --jobs $j exited $?"; fail=1; }
  done
  "$fl" timeline --jobs 2 --json --csv "$tmp/${a}d.csv" "$shared/$a" >"$tmp/${a}d.json" \
    || { echo "FAIL: $a --jobs 2 (default thread cost) exited $?"; fail=1; }
  for j in 2 3 d; do
    cmp "$tmp/${a}1.json" "$tmp/$a$j.json" || { echo "FAIL: $a JSON, --jobs $j"; fail=1; }
    cmp "$tmp/${a}1.csv" "$tmp/$a$j.csv" || { echo "FAIL: $a CSV, --jobs $j"; fail=1; }
  done
  rows=$(($(wc -l <"$tmp/${a}1.csv") - 1))
  [ "$rows" -eq "$n" ] || { echo "FAIL: $a: $rows CSV rows for $n versions"; fail=1; }
done

# the change log against the statuses of each version, measured whole
for f in "$shared"/raw/*.geojson; do
  "$fl" status --json "$f" || { echo "FAIL: status $f exited $?"; fail=1; }
done >"$tmp/status.jsonl"
python3 - "$tmp/raw1.json" "$tmp/status.jsonl" <<'PY' || fail=1
import json, sys
timeline = json.load(open(sys.argv[1]))
versions = []
dec = json.JSONDecoder()
text, at = open(sys.argv[2]).read(), 0
while text[at:].strip():
    doc, at = dec.raw_decode(text, at + len(text[at:]) - len(text[at:].lstrip()))
    versions.append(doc)
want = []
for a, b in zip(versions, versions[1:]):
    for p, q in zip(a["places"], b["places"]):
        if p["status"] != q["status"]:
            want.append((p["id"], p["status"], q["status"], a["time"], b["time"]))
got = [(c["id"], c["status_from"], c["status_to"], c["before"], c["after"])
       for c in timeline["changes"]]
if sorted(got) != sorted(want):
    print("FAIL: the timeline's place changes are not those of status, version by version:",
          "only in the timeline", sorted(set(got) - set(want))[:5],
          "only in status", sorted(set(want) - set(got))[:5])
    sys.exit(1)
print(len(got), "place changes, as status finds them")
PY
exit $fail
