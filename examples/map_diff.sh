#!/bin/sh
# map_diff.sh — the September–October 2022 story with the frontline command, one command per
# step (examples/seed_story.c is the same with the C library).
#
#   examples/map_diff.sh                        # the embedded samples (illustrative)
#   examples/map_diff.sh A.geojson B.geojson [OUTDIR]
#   examples/map_diff.sh ../shared/data/deepstate/raw/1664526365.geojson \
#                        ../shared/data/deepstate/raw/1664920017.geojson
#
# FRONTLINE names the command (default: frontline on the PATH); FRONTLINE_DATA the embedded
# data (default: the installed folder). Pictures go to OUTDIR (default: the current folder).
set -eu
fl=${FRONTLINE:-frontline}
data=${FRONTLINE_DATA:-/usr/local/share/frontline}
a=${1:-$data/sample/20220930.geojson}
b=${2:-$data/sample/20221004.geojson}
out=${3:-.}

echo "== 1. The annexation claims in force on the first map's day, against control"
"$fl" claims "$a"

echo; echo "== 2. What changed: Lyman and the Kherson front (transitions, largest pieces, places)"
"$fl" diff "$a" "$b"

echo; echo "== 3. The story's places on both maps"
"$fl" status "$a" --point 48.9862,37.8031 --point 47.3797,33.9589 --point 47.4067,33.6489
"$fl" status "$b" --point 48.9862,37.8031 --point 47.3797,33.9589 --point 47.4067,33.6489

echo; echo "== 4. The map of the change, and a zoom on the Kherson front"
"$fl" render "$a" --diff "$b" -o "$out/map_diff.png"
"$fl" render "$a" --diff "$b" --region UA-KS --width 1200 -o "$out/map_diff_kherson.png"
echo "$out/map_diff.png $out/map_diff_kherson.png"
