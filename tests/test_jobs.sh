#!/usr/bin/env bash
# test_jobs.sh FRONTLINE — the timeline is the same byte for byte whatever the number of
# threads (issue 21): --jobs 1, 2 and 3 on each shared DeepStateMap archive give identical
# JSON rows and CSV. The threads split an archive only after an anchor (lib/timeline.h), so
# no row depends on where a thread started. Skipped (77) without ../shared.
set -u
fl=$1
shared=${FRONTLINE_SHARED:-${FRONTLINE_DATA:?}/../../shared/data}/deepstate
[ -d "$shared/raw" ] && [ -d "$shared/occupied" ] || { echo "no $shared: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for a in raw occupied; do
  n=$(ls "$shared/$a"/*.geojson | wc -l)
  # more versions than an anchor's period, so that 2 and 3 threads really split the archive
  [ "$n" -gt 17 ] || { echo "FAIL: $a has only $n versions"; fail=1; continue; }
  for j in 1 2 3; do
    "$fl" timeline --jobs $j --json --csv "$tmp/$a$j.csv" "$shared/$a" >"$tmp/$a$j.json" \
      || { echo "FAIL: $a --jobs $j exited $?"; fail=1; }
  done
  for j in 2 3; do
    cmp "$tmp/${a}1.json" "$tmp/$a$j.json" || { echo "FAIL: $a JSON, --jobs $j"; fail=1; }
    cmp "$tmp/${a}1.csv" "$tmp/$a$j.csv" || { echo "FAIL: $a CSV, --jobs $j"; fail=1; }
  done
  rows=$(($(wc -l <"$tmp/${a}1.csv") - 1))
  [ "$rows" -eq "$n" ] || { echo "FAIL: $a: $rows CSV rows for $n versions"; fail=1; }
done
exit $fail
