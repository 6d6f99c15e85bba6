/*
 * frontline.h — territorial-control analysis of frontline maps.
 *
 * This header is the contract of libfrontline. Conventions, as in PROJ and SQLite:
 *
 *  - Every call that can fail takes an fl_ctx and returns an int status: FL_OK (0) or one of
 *    the FL_E* codes below. fl_ctx_errmsg() then names the file, the feature index and the
 *    reason, e.g. "map.geojson: feature 12: ring 0 has 3 points, at least 4 are needed".
 *  - There is no global state. A context owns a GEOS handle and a PROJ context; use one
 *    context per thread. Objects made with a context must be used with that same context.
 *  - Opaque handles come in pairs: fl_X_open/fl_X_close for things read from files,
 *    fl_X_new/fl_X_free for computed results. Closing NULL is a no-op. A handle remembers
 *    the context it was made with and is closed without it (as proj_destroy and
 *    sqlite3_close are): close every handle before the context that made it.
 *  - Where an index answers (a status, a region), the answers that are no index are the
 *    negative constants below (FL_STATUS_*, FL_REGION_*), never an error: errors come back
 *    as FL_E* codes.
 *  - Coordinates are WGS84 longitude/latitude in degrees; areas are km² on the WGS84
 *    ellipsoid (geodesic, as GeographicLib computes them); lengths are geodesic km.
 *  - Strings returned by accessors belong to the object and live as long as it does.
 *    Strings returned through a char ** "out" parameter are the caller's: free() them.
 *  - The fl_X_geojson calls give in memory the GeoJSON FeatureCollection (RFC 7946: WGS84
 *    longitude/latitude, i.e. EPSG:4326) that the matching fl_X_write writes to a file, for
 *    bindings that want no temporary file; *geojson is set only on success.
 *
 * The data flow is one way: read -> classify (by a profile) -> normalise (valid polygons,
 * statuses made exclusive by precedence) -> analyse (areas, diff, places, claims, front,
 * timeline) -> report (JSON, GeoJSON, shapefile).
 */
#ifndef FRONTLINE_H
#define FRONTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FRONTLINE_VERSION "0.1.0"

/* The library is built with hidden visibility; what this header declares is its API. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */
enum {
    FL_OK = 0,
    FL_EIO,      /* a file cannot be opened, read or written */
    FL_EPARSE,   /* the text is malformed (JSON syntax, CSV, WKT, invalid UTF-8) */
    FL_EFORMAT,  /* well-formed, but not the expected content (not GeoJSON, wrong shape type) */
    FL_EGEOM,    /* a coordinate or ring is unusable (NaN, out of range, too few points) */
    FL_EPROFILE, /* the classification profile is invalid */
    FL_ELIMIT,   /* a configured limit was exceeded (file size, features, vertices, nesting) */
    FL_ENOMEM,   /* an allocation failed */
    FL_EARG,     /* misuse: a bad argument or an unknown name */
    FL_EGEOS,    /* GEOS reported an error */
    FL_EPROJ     /* PROJ reported an error */
};

/* A fixed English description of a status code ("I/O error", ...). Never NULL. */
const char *fl_strerror(int code);

/* Library version string, e.g. "0.1.0". */
const char *fl_version(void);

/* Releases what cairo, fontconfig and libxml2 keep for the whole process (fonts, parser
 * globals), so that memory checkers see no leak. Optional; call it once, last, when no
 * frontline object is left and no other thread uses these libraries. */
void fl_shutdown(void);

/* ---------------------------------------------------------------------------------------
 * Context
 * ------------------------------------------------------------------------------------- */
typedef struct fl_ctx fl_ctx;

/* A new context, or NULL if memory or GEOS/PROJ initialisation failed. */
fl_ctx *fl_ctx_new(void);
void fl_ctx_free(fl_ctx *ctx);

/* The status code and message of the last failed call made with ctx ("" when none). */
int fl_ctx_errno(const fl_ctx *ctx);
const char *fl_ctx_errmsg(const fl_ctx *ctx);
/* Removes every temporary file the outputs being written through ctx have made (see
 * fl_writer_open). Async-signal-safe (it only reads a list that is changed with signals
 * blocked, and calls unlink): for a SIGINT/SIGTERM handler, which then ends the process. */
void fl_ctx_remove_temporaries(const fl_ctx *ctx);

/* Limits. Readers fail with FL_ELIMIT and a message naming the limit when an input limit is
 * hit. FL_LIMIT_THREADS bounds the threads a call may use for work it splits, the calling
 * one included (as SQLite's SQLITE_LIMIT_WORKER_THREADS): today fl_regions_set_water and
 * fl_regions_use_water (the water cut by region and into cells); fl_timeline_add_all takes
 * its own count. */
typedef enum {
    FL_LIMIT_FILE_BYTES, /* default 1 GiB */
    FL_LIMIT_FEATURES,   /* default 10,000,000 features per file */
    FL_LIMIT_VERTICES,   /* default 100,000,000 vertices per file */
    FL_LIMIT_NESTING,    /* default 64 levels of JSON nesting */
    FL_LIMIT_THREADS     /* default 1, at most 256 */
} fl_limit;
int fl_ctx_set_limit(fl_ctx *ctx, fl_limit which, int64_t value);
int64_t fl_ctx_limit(const fl_ctx *ctx, fl_limit which);

/* ---------------------------------------------------------------------------------------
 * Classification profiles (format: see README, "Profiles")
 * ------------------------------------------------------------------------------------- */
typedef struct fl_profile fl_profile;

/* Statuses besides the profile's own 0..count-1. */
typedef enum {
    FL_STATUS_NONE = -1,    /* outside the territory and covered by no polygon */
    FL_STATUS_INVALID = -2, /* the coordinates are not a valid WGS84 position */
    FL_STATUS_UNKNOWN = -3, /* fl_profile_status_index: the profile has no such status */
    FL_STATUS_WATER = -4    /* inland water that no status covers (fl_regions_set_water) */
} fl_status_special;

/* Reads a profile; FL_EARG when path or out is NULL. */
int fl_profile_open(fl_ctx *ctx, const char *path, fl_profile **out);
void fl_profile_close(fl_profile *profile);
/* Number of statuses, in precedence order (index 0 wins where layers overlap). The last one
 * is the default status: the territory covered by no polygon (e.g. "free"). */
int fl_profile_status_count(const fl_profile *profile);
/* Name of status i; "none", "invalid", "water" for FL_STATUS_NONE, _INVALID, _WATER. */
const char *fl_profile_status_name(const fl_profile *profile, int status);
/* Side holding status i ("RU", "UA"), or "" when it belongs to no side (contested). */
const char *fl_profile_status_side(const fl_profile *profile, int status);
/* Display colour "#RRGGBB" of status i. */
const char *fl_profile_status_colour(const fl_profile *profile, int status);
/* Index of the status called name, or FL_STATUS_NONE / FL_STATUS_INVALID / FL_STATUS_WATER
 * for "none" / "invalid" / "water", or FL_STATUS_UNKNOWN when the profile has no such
 * status. */
int fl_profile_status_index(const fl_profile *profile, const char *name);
/* The status whose boundary is the frontline ("front" directive; default: index 0). */
int fl_profile_front_status(const fl_profile *profile);

/* Sides: who holds the ground of a status, by the profile's side=: RU, UA, or none (side=
 * left empty: contested, an unconfirmed advance, a claim). Sources with different statuses
 * compare by sides (fl_compare_new). */
enum { FL_SIDE_RU = 0, FL_SIDE_NONE = 1, FL_SIDE_UA = 2 };
#define FL_SIDES 3
/* "RU", "none", "UA"; "invalid" for anything else. */
const char *fl_side_name(int side);
/* The side (FL_SIDE_*) of status i, or -1 when i is not one of the profile's statuses or its
 * side= is none of RU, UA or empty. */
int fl_profile_side(const fl_profile *profile, int status);

/* ---------------------------------------------------------------------------------------
 * Regions (administrative boundaries); their union is the territory
 * ------------------------------------------------------------------------------------- */
typedef struct fl_regions fl_regions;

/* Regions besides the regions' own 0..count-1. */
typedef enum {
    FL_REGION_NONE = -1, /* in no region; no region of that code */
    FL_REGION_ALL = -2   /* the whole territory (fl_areas_km2, fl_diff_km2) */
} fl_region_special;

/* Loads regions from a shapefile (.shp with .shx and .dbf) or a GeoJSON file. code_field and
 * name_field select the attributes (NULL: "code" and "name"). Invalid polygons are repaired. */
int fl_regions_open(fl_ctx *ctx, const char *path, const char *code_field,
                    const char *name_field, fl_regions **out);
void fl_regions_close(fl_regions *regions);
int fl_regions_count(const fl_regions *regions);
const char *fl_regions_code(const fl_regions *regions, int i);
const char *fl_regions_name(const fl_regions *regions, int i);
/* Any other attribute of region i as text ("" when absent), e.g. "iso" or "name_uk". */
const char *fl_regions_attr(const fl_regions *regions, int i, const char *field);
double fl_regions_area_km2(const fl_regions *regions, int i);
double fl_regions_territory_km2(const fl_regions *regions);
/* Index of the region whose code, or whose "iso", "alias" or "katotth" attribute, is code
 * (case-insensitive; the embedded oblasts answer to ISO 3166-2 "UA-14", KATOTTH and the
 * Natural Earth codes frontline used before, "UA-DT"), or FL_REGION_NONE. */
int fl_regions_find(const fl_regions *regions, const char *code);

/* Levels of the embedded regions (docs/regions.md): they nest, every level tiles the same
 * territory, and a unit's area is the sum of its children's. */
typedef enum fl_level {
    FL_LEVEL_NONE = 0, /* regions without a "level" attribute (a file of one's own) */
    FL_LEVEL_OBLAST = 1, /* 24 oblasts, Crimea, Kyiv and Sevastopol; ISO 3166-2 codes */
    FL_LEVEL_RAION = 2, /* the 136 raions of 2020 (+ Kyiv, Sevastopol); KATOTTH codes */
    FL_LEVEL_HROMADA = 3, /* hromadas (+ units without any: Crimea's raions, the cities) */
} fl_level;
/* "oblast", "raion", "hromada" for a level; "" for FL_LEVEL_NONE or an unknown level. */
const char *fl_level_name(int level);
/* The level called name (as fl_level_name gives it), or -1. */
int fl_level_parse(const char *name);
/* Opens the embedded regions of a level: datadir/regions/ua_oblasts.shp, ua_raions.shp or
 * ua_hromadas.shp, where datadir holds frontline's data (the installed data directory, or
 * data/ in the source tree). FL_EFORMAT when the file is not of that level. */
int fl_regions_open_level(fl_ctx *ctx, const char *datadir, int level, fl_regions **out);
/* The level of the regions: the deepest "level" attribute of any region (in the raion file,
 * Kyiv is an oblast-level unit standing for itself: the file is of level raion), or
 * FL_LEVEL_NONE. */
int fl_regions_level(const fl_regions *regions);
/* Code of the unit one level up that holds region i ("" for oblasts and regions without a
 * "parent" attribute). A unit with no subdivision stands for itself one level down, with
 * the same code as parent (Kyiv in the hromada file has the parent Kyiv in the raion file). */
const char *fl_regions_parent(const fl_regions *regions, int i);
/* The region containing the point into *region (boundary included; first in file order
 * wins), or FL_REGION_NONE when outside every region or the coordinates are invalid.
 * FL_OK, or FL_ENOMEM / FL_EGEOS when GEOS failed. */
int fl_regions_locate(fl_ctx *ctx, const fl_regions *regions, double lat, double lon,
                      int *region);
/* The coast and border conflation (method: lib/conflate.c, docs/geography.md). A map draws
 * the state border and the coast its own way; where a status polygon stops short of the
 * territory's boundary, the uncovered ground between them that is narrower than snap_km (it
 * holds no disc of that diameter) and touches both the boundary and a drawn status takes
 * that status (the one it shares the longest edge with), in every analysis made with these
 * regions: areas, timelines and the status of points. Uncovered ground wider than snap_km
 * stays as it is. 0 disables it; FL_EARG outside 0 .. FL_SNAP_KM_MAX. Regions start with 0
 * (the drawing as it is, which diffs always use); the CLI sets FL_SNAP_KM_DEFAULT unless told
 * otherwise (--snap-km). */
#define FL_SNAP_KM_DEFAULT 2.0
#define FL_SNAP_KM_MAX 20
int fl_regions_set_snap_km(fl_ctx *ctx, fl_regions *regions, double km);
double fl_regions_snap_km(const fl_regions *regions);
/* Inland water (method: lib/water.c): reads water polygons (GeoJSON, shapefile or WKT; the
 * embedded data/water/ua_water.geojson) and keeps their part in the territory. From then on,
 * water that no status covers (after the conflation) is not the default status but the class
 * "water": fl_areas_water_km2, FL_STATUS_WATER for points; shares are of the land (the area
 * less that water). path NULL removes the water. */
int fl_regions_set_water(fl_ctx *ctx, fl_regions *regions, const char *path);
/* The same in two steps, so that the file can be read while the regions open, on another
 * thread (with its own context): fl_water_open reads the water polygons and unions them
 * (0.1 s of the embedded water's 0.23 s on one thread); fl_regions_use_water cuts them
 * for the regions, on up to FL_LIMIT_THREADS threads, and can be called with any context
 * and for any number of regions while the water is open. Water is read-only once open.
 * fl_water_close frees it with the context that opened it, which must outlive it.
 * fl_regions_use_water with NULL removes the water. */
typedef struct fl_water fl_water;
int fl_water_open(fl_ctx *ctx, const char *path, fl_water **out);
void fl_water_close(fl_water *water);
int fl_regions_use_water(fl_ctx *ctx, fl_regions *regions, const fl_water *water);
/* km² of water (drawn over or not) in region i, or in the territory (i == -1); 0 without. */
double fl_regions_water_km2(const fl_regions *regions, int i);
/* Writes the regions as GeoJSON (.geojson/.json) or a shapefile (.shp), by extension. */
int fl_regions_write(fl_ctx *ctx, const fl_regions *regions, const char *path);
/* The regions as a GeoJSON FeatureCollection in memory (their attributes as properties). */
int fl_regions_geojson(fl_ctx *ctx, const fl_regions *regions, char **geojson);

/* ---------------------------------------------------------------------------------------
 * Snapshots: one map version, classified
 * ------------------------------------------------------------------------------------- */
typedef struct fl_snapshot fl_snapshot;

#define FL_TIME_UNKNOWN INT64_MIN
/* The times the library reads and prints: 1900-01-01T00:00:00Z .. 2199-12-31T23:59:59Z. */
#define FL_TIME_MIN INT64_C(-2208988800)
#define FL_TIME_MAX INT64_C(7258118399)

/* Feature accounting: every feature of the file lands in exactly one of the four classes.
 * repaired counts polygonal features that GEOS make-valid had to repair. */
typedef struct fl_counts {
    long total, classified, ignored, unclassified, no_polygon, repaired;
} fl_counts;

/* Loads and classifies a snapshot. The format is recognised from the extension and content
 * (fl_snapshot_extensions): DeepStateMap multi-layer GeoJSON, single-layer GeoJSON, GeoJSON
 * wrapped in a JSON document (the profile's "wrapped" member, or the only member holding
 * GeoJSON), Esri JSON (an ArcGIS FeatureServer query answer, f=json), KML or KMZ (each
 * Placemark a feature: name, folder, styleUrl, fill, ExtendedData), a shapefile with a status
 * attribute, or WKT (.wkt: one geometry per line, optionally "STATUS;" or a JSON object of
 * properties and ';' before it). The time
 * comes from the property the profile names ("time property="), else from the file name
 * (fl_time_parse), else is FL_TIME_UNKNOWN; fl_snapshot_set_time overrides it
 * (FL_TIME_UNKNOWN or a time within [FL_TIME_MIN, FL_TIME_MAX]).
 * The profile must outlive the snapshot. */
int fl_snapshot_open(fl_ctx *ctx, const char *path, const fl_profile *profile,
                     fl_snapshot **out);
/* One map version published as several files (e.g. one file per layer), loaded and
 * classified as one snapshot: every file's features with the profile, each file's with the
 * pseudo-fields "file" (its base name), "folder" (its folder's name) and "layer" (its base
 * name without extension) that rules may match where a feature has no property of that name.
 * The time is the latest one the files give. fl_snapshot_path gives the paths joined by
 * commas. fl_snapshot_open is this with n == 1. */
int fl_snapshot_open_files(fl_ctx *ctx, const char *const *paths, size_t n,
                           const fl_profile *profile, fl_snapshot **out);
void fl_snapshot_close(fl_snapshot *snap);
const char *fl_snapshot_path(const fl_snapshot *snap);
/* "deepstate", "single-layer", "geojson", "wrapped", "esri", "kml", "kmz", "shapefile" or
 * "wkt" (of the first file). */
const char *fl_snapshot_kind(const fl_snapshot *snap);
int64_t fl_snapshot_time(const fl_snapshot *snap);
void fl_snapshot_set_time(fl_snapshot *snap, int64_t unix_time);
const fl_profile *fl_snapshot_profile(const fl_snapshot *snap);
void fl_snapshot_counts(const fl_snapshot *snap, fl_counts *out);
/* Number of features classified as status i. */
long fl_snapshot_status_features(const fl_snapshot *snap, int status);
/* Bounds of every polygon drawn: west, south, east, north. All zero when nothing is drawn. */
void fl_snapshot_bounds(const fl_snapshot *snap, double bbox[4]);
/* Area of status i as drawn (after precedence, not clipped to any territory), km². */
double fl_snapshot_status_km2(const fl_snapshot *snap, int status);
/* The number of classified features that do not meet the territory of regions at all, or -1
 * on error. A drawing mostly outside the territory (more than half of its features) is
 * almost always a mistake, such as latitude and longitude swapped: the CLI warns about it. */
long fl_snapshot_outside(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions);
/* The JSON of `frontline info --json`: {"file", "kind", "profile" and "profile_fits" (when
 * source is not NULL: the name of the profile the caller recognised the file with, and
 * whether it classifies every polygon), "time" (null when unknown), "bounds": [W, S, E, N], "features": {total, classified,
 * ignored, unclassified, no_polygon, repaired}, "by_status": {status: features} (drawn
 * statuses), "outside_territory" (fl_snapshot_outside; when regions is not NULL)}. */
int fl_snapshot_info_json(fl_ctx *ctx, const fl_snapshot *snap, const char *source, bool fits,
                          const fl_regions *regions, char **json);
/* Writes the status layers (one feature per status, property "status") as GeoJSON, a
 * shapefile or WKT, by extension (.geojson/.json, .shp, .wkt; another is FL_EARG).
 * Reading the file back with the same profile gives the same layers (GeoJSON: to 1 cm,
 * coordinates having 7 decimals, rings oriented as RFC 7946 asks). */
int fl_snapshot_write(fl_ctx *ctx, const fl_snapshot *snap, const char *path);
/* The status layers as a GeoJSON FeatureCollection in memory: one feature per drawn status
 * (all but the default one), in precedence order, property "status"; as fl_snapshot_write
 * writes a .geojson file. */
int fl_snapshot_geojson(fl_ctx *ctx, const fl_snapshot *snap, char **geojson);

/* The file name extensions a snapshot is read from (".geojson", ".json", ".kml", ".kmz",
 * ".shp", ".wkt"), NULL-terminated; and whether a path ends in one (case-insensitive). */
const char *const *fl_snapshot_extensions(void);
bool fl_snapshot_file_name(const char *path);

/* The first time found in a file name (its last path component) or a property value, in
 * Unix seconds: ISO 8601 YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] (the offset applied),
 * YYYYMMDD, Unix seconds (9..11 digits) or milliseconds (13 digits), a day, English month
 * name and year (02APR2023, 14_March_2022), or a month name and day (MAR2, the year taken
 * from the nearest parent folder named by a year alone, e.g. "2023/"). Invalid dates
 * (2022-02-30) and times outside [FL_TIME_MIN, FL_TIME_MAX] are not times.
 * Returns FL_TIME_UNKNOWN when none is found. See docs/times.md. */
int64_t fl_time_parse(const char *text);
/* The same forms, but text must be exactly one time, nothing before or after (an option
 * such as --time, or a property value). FL_OK and *out set, or FL_EARG (*out untouched). */
int fl_time_parse_exact(const char *text, int64_t *out);
/* Formats a time as ISO 8601 UTC ("2022-09-30T08:26:05Z") into buf (at least 21 bytes);
 * "" for FL_TIME_UNKNOWN and any time outside [FL_TIME_MIN, FL_TIME_MAX]. Returns buf. */
char *fl_time_format(int64_t t, char *buf, size_t size);

/* ---------------------------------------------------------------------------------------
 * Areas by status and region
 * ------------------------------------------------------------------------------------- */
typedef struct fl_areas fl_areas;

/* Computes the area of every status as drawn, within the territory, and per region. */
int fl_areas_new(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                 fl_areas **out);
void fl_areas_free(fl_areas *areas);
/* km² of status within the whole territory (region FL_REGION_ALL) or within region i, after
 * the conflation (see fl_regions_set_snap_km); 0 for an index out of range. */
double fl_areas_km2(const fl_areas *areas, int region, int status);
/* km² held by side (FL_SIDE_*) within the whole territory (region FL_REGION_ALL) or region i: the
 * sum of fl_areas_km2 over the statuses of that side. */
double fl_areas_side_km2(const fl_areas *areas, int region, int side);
/* km² the conflation gave to status (negative for the default status, which gave them up)
 * within the territory (region FL_REGION_ALL) or region i; 0 everywhere when it is disabled. */
double fl_areas_moved_km2(const fl_areas *areas, int region, int status);
/* km² of undrawn water (see fl_regions_set_water) in the territory (-1) or region i: the
 * default status' km² leave it out; the shares of `area --json` are of the area less it. */
double fl_areas_water_km2(const fl_areas *areas, int region);
/* The JSON document of `frontline area --json` (see README). */
int fl_areas_json(fl_ctx *ctx, const fl_areas *areas, char **json);

/* ---------------------------------------------------------------------------------------
 * Places and their control status
 * ------------------------------------------------------------------------------------- */
typedef struct fl_places fl_places;

/* Reads a places CSV with a header holding at least name, lat, lon (id optional). */
int fl_places_open(fl_ctx *ctx, const char *path, fl_places **out);
void fl_places_close(fl_places *places);
int fl_places_count(const fl_places *places);
const char *fl_places_id(const fl_places *places, int i);
const char *fl_places_name(const fl_places *places, int i);
double fl_places_lat(const fl_places *places, int i);
double fl_places_lon(const fl_places *places, int i);
/* Any column of place i as text, by header name (case-insensitive), e.g. "population";
 * "" when the file has no such column. */
const char *fl_places_attr(const fl_places *places, int i, const char *field);
/* Index of the first place called name (exact, then as fl_places_match), or -1. */
int fl_places_find(const fl_places *places, const char *name);
/* The places that answer to query: the one whose id is query; else every place whose name,
 * or one of the '|'-separated names of its "alt" column, equals query once both are folded
 * (Latin and Cyrillic case, Latin diacritics, apostrophes, hyphens, dots and spaces ignored:
 * "niu york", "Niu-York" and "Нью-Йорк" are one name). Stores up to max indices in out and
 * returns how many there are (more than one: the name is ambiguous). */
int fl_places_match(const fl_places *places, const char *query, int *out, int max);

/* Status and region of n points. A point on a polygon boundary counts as inside it; where
 * layers overlap the status with precedence wins; covered by nothing: the default status
 * inside the territory, FL_STATUS_NONE outside; NaN or out-of-range: FL_STATUS_INVALID.
 * region[i] is FL_REGION_NONE outside every region. Either output array may be NULL. */
int fl_snapshot_status_at(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                          size_t n, const double *lat, const double *lon, int *status,
                          int *region);
/* A point locator: the status and region of many points against one snapshot and regions,
 * at about thirty million points a second. Building one takes about 35 ms for a DeepStateMap
 * export (a quadtree whose cells inside or outside every polygon carry their answer); it pays
 * from about 36,000 points on, and fl_snapshot_status_at builds one itself from there and
 * keeps it with the snapshot for its later calls. The snapshot and the regions must outlive
 * the locator. */
typedef struct fl_locator fl_locator;

int fl_locator_new(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                   fl_locator **out);
/* Status and region of n points as drawn, exactly as fl_snapshot_status_at answers them
 * before the coast and border conflation and the water (the same answers with regions whose
 * fl_regions_set_snap_km is 0 and that have no water); boundaries included. Either output
 * array may be NULL. */
int fl_locator_status(fl_ctx *ctx, const fl_locator *loc, size_t n, const double *lat,
                      const double *lon, int *status, int *region);
void fl_locator_free(fl_locator *loc);

/* The JSON of `frontline status --json` for a set of places. */
int fl_status_json(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                   const fl_places *places, char **json);

/* ---------------------------------------------------------------------------------------
 * Diff of two snapshots: status-transition matrices
 * ------------------------------------------------------------------------------------- */
typedef struct fl_diff fl_diff;

/* Compares a and b (same profile statuses). Statuses run over 0..count-1 of the profile
 * plus FL_STATUS_NONE (outside the territory, covered by nothing). places may be NULL. */
int fl_diff_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                const fl_regions *regions, const fl_places *places, fl_diff **out);
void fl_diff_free(fl_diff *diff);
/* km² that was `from` in a and is `to` in b (statuses 0..count-1 or FL_STATUS_NONE):
 * everywhere (region FL_REGION_ALL) or in region i; 0 for an index out of range. */
double fl_diff_km2(const fl_diff *diff, int region, int from, int to);
/* Changed pieces (polygons where from != to), largest first. */
typedef struct fl_piece {
    int from, to;    /* statuses */
    double km2;      /* geodesic area */
    double lat, lon; /* a point inside the piece */
    int region;      /* region holding most of it, or FL_REGION_NONE */
} fl_piece;
int fl_diff_piece_count(const fl_diff *diff);
void fl_diff_piece(const fl_diff *diff, int i, fl_piece *out);
/* The JSON of `frontline diff --json`: {from, to (the snapshots: file, time), transitions
 * [{status_from, status_to, km2}], changes, regions, pieces (those of 0.01 km² or more),
 * pieces_below_0_01_km2, pieces_total, places [{..., status_from, status_to, region}]}. */
int fl_diff_json(fl_ctx *ctx, const fl_diff *diff, char **json);
/* Writes the changed pieces as GeoJSON (properties status_from, status_to, km2, region). */
int fl_diff_write(fl_ctx *ctx, const fl_diff *diff, const char *path);
/* The changed pieces as a GeoJSON FeatureCollection in memory, largest first (the order of
 * fl_diff_piece), as fl_diff_write writes them. */
int fl_diff_geojson(fl_ctx *ctx, const fl_diff *diff, char **geojson);

/* ---------------------------------------------------------------------------------------
 * Comparing sources: two maps of the same day side by side (docs/compare.md)
 * ------------------------------------------------------------------------------------- */
typedef struct fl_compare fl_compare;

/* Puts a and b side by side, each with its own profile: every status is mapped to its side
 * (fl_profile_side; FL_EPROFILE when a side is none of RU, UA, none), and the two maps of
 * sides are diffed within the territory (ground outside it is left out). places may be NULL.
 * The snapshots, regions and places must outlive the comparison. */
int fl_compare_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                   const fl_regions *regions, const fl_places *places, fl_compare **out);
void fl_compare_free(fl_compare *c);
/* km² that is side_a in a and side_b in b, within the territory (region FL_REGION_ALL) or region i.
 * Row side_a adds up to a's km² of that side (fl_areas_side_km2), column side_b to b's. */
double fl_compare_km2(const fl_compare *c, int region, int side_a, int side_b);
/* The pieces where a and b disagree, largest first; from and to are the sides in a and b. */
int fl_compare_piece_count(const fl_compare *c);
void fl_compare_piece(const fl_compare *c, int i, fl_piece *out);
/* The places whose side differs, in the places' order: the index of the i-th one in places
 * (-1 past the last), with its sides in a and b. */
int fl_compare_place_count(const fl_compare *c);
int fl_compare_place(const fl_compare *c, int i, int *side_a, int *side_b);
/* The JSON of `frontline compare --json` (schema: docs/compare.md). */
int fl_compare_json(fl_ctx *ctx, const fl_compare *c, char **json);
/* Writes the pieces where they disagree as GeoJSON (properties a, b, km2, lat, lon, region). */
int fl_compare_write(fl_ctx *ctx, const fl_compare *c, const char *path);

/* ---------------------------------------------------------------------------------------
 * Claims against control
 * ------------------------------------------------------------------------------------- */
typedef struct fl_claims fl_claims;

/* Reads a claims CSV (claimant,declared,region); regions are checked against `regions`. */
int fl_claims_open(fl_ctx *ctx, const char *path, const fl_regions *regions,
                   fl_claims **out);
void fl_claims_close(fl_claims *claims);
int fl_claims_count(const fl_claims *claims);
/* The JSON of `frontline claims --json` for the claims in force at the snapshot's time (all
 * claims when its time is unknown). With geojson_path, also writes the claimed-but-not-held
 * polygons there. */
int fl_claims_json(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                   const fl_claims *claims, const char *geojson_path, char **json);
/* The claimed-but-not-held ground in memory, as fl_claims_json writes it to geojson_path: a
 * GeoJSON FeatureCollection with one feature per claim in force at the snapshot's time (the
 * claimed region minus the claimant's layers; properties claimant, declared, region, km2). */
int fl_claims_geojson(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                      const fl_claims *claims, char **geojson);

/* ---------------------------------------------------------------------------------------
 * The frontline
 * ------------------------------------------------------------------------------------- */
typedef struct fl_front fl_front;

/* The boundary of the profile's front status, clipped to the territory, without the parts
 * within tolerance_km of the territory's own border or coast. tolerance_km is within
 * 0 .. FL_FRONT_MAX_TOLERANCE_KM (more would buffer the border past the whole territory, and
 * GEOS computes NaN for 1e308), else FL_EARG. */
#define FL_FRONT_MAX_TOLERANCE_KM 1000
int fl_front_new(fl_ctx *ctx, const fl_snapshot *snap, const fl_regions *regions,
                 double tolerance_km, fl_front **out);
void fl_front_free(fl_front *front);
double fl_front_km(const fl_front *front);
int fl_front_piece_count(const fl_front *front);
double fl_front_piece_km(const fl_front *front, int i);
/* {file, time, status, front_km, pieces_km}; the GeoJSON: one feature with front_km and
 * pieces_total. */
int fl_front_json(fl_ctx *ctx, const fl_front *front, char **json);
int fl_front_write(fl_ctx *ctx, const fl_front *front, const char *path);
/* The frontline in memory, as fl_front_write writes it: a GeoJSON FeatureCollection of one
 * feature (a LineString or MultiLineString; properties length_km, pieces). */
int fl_front_geojson(fl_ctx *ctx, const fl_front *front, char **geojson);

/* ---------------------------------------------------------------------------------------
 * Timelines over archives
 * ------------------------------------------------------------------------------------- */
typedef struct fl_timeline fl_timeline;

/* A timeline keeps only the previous snapshot, so memory stays bounded whatever the length
 * of the archive. Add snapshots in time order (fl_timeline_sort_paths orders file names). */
int fl_timeline_new(fl_ctx *ctx, const fl_profile *profile, const fl_regions *regions,
                    const fl_places *places, double front_tolerance_km, fl_timeline **out);
void fl_timeline_free(fl_timeline *tl);
/* Loads path, computes its row and appends place changes to the change log. row_json (may
 * be NULL) receives the row as JSON. A snapshot of unknown time (none in its file name) or
 * earlier than the one before it is refused with FL_EARG naming the file. */
int fl_timeline_add(fl_ctx *ctx, fl_timeline *tl, const char *path, char **row_json);
/* The same for a map version published as n files (see fl_snapshot_open_files). */
int fl_timeline_add_files(fl_ctx *ctx, fl_timeline *tl, const char *const *paths, size_t n,
                          char **row_json);
/* Progress of a timeline: called once after each snapshot (a version, with
 * fl_timeline_add_files) is added successfully, with done the snapshots finished so far and
 * path the one just finished (a version's first file). In
 * fl_timeline_add_all, done counts from 1 to n over that call and total is n; the calls come
 * from the worker threads as well as the calling one, but one at a time (serialised by a
 * mutex) and with done increasing by one each call, so the function needs no locking of its
 * own; it must not use the timeline or its context. In fl_timeline_add, done counts the
 * snapshots added to the timeline so far and total is 0 (unknown to the library). */
typedef void (*fl_progress_fn)(void *userdata, size_t done, size_t total, const char *path);
/* Sets (fn NULL: removes) the timeline's progress function and its userdata. */
void fl_timeline_set_progress(fl_timeline *tl, fl_progress_fn fn, void *userdata);
/* Adds n snapshots (in time order), as n calls of fl_timeline_add would, on up to jobs threads:
 * the calling thread starts on them at once while a thread weighs them (a pass over their
 * texts counting the bytes each would parse after the one before it, plus a fixed part per
 * snapshot) and cuts what is left into contiguous runs of about equal cost, one per thread,
 * each with its own context and copy of the regions, starting from the snapshot before its
 * run (which that thread also loads); a thread costs its start (fl_timeline_set_thread_cost),
 * so a short archive stays on one. A thread that finishes takes the tail of the run with most
 * left, where that pays. The results are appended in order, the same as one thread gives.
 * rows, when not NULL, is an array of n NULL pointers that receives the rows' JSON (free
 * each, also on error). On error the timeline holds the runs before the failing one (at
 * most). */
int fl_timeline_add_all(fl_ctx *ctx, fl_timeline *tl, char *const *paths, size_t n, int jobs,
                        char **rows);
/* What fl_timeline_add_all counts a thread's start as, in bytes of snapshot text, besides the
 * snapshot its run starts from, counted whole (default 1e5: weighing the snapshots while the
 * caller makes the border band); 0 cuts any archive into jobs runs (the tests use it to
 * exercise the threads). */
void fl_timeline_set_thread_cost(fl_timeline *tl, double bytes);
/* Where a timeline's CPU time went: stage i (from 0) is named (load+classify, diff, areas,
 * front, places, rows) and its CPU seconds so far stored in *cpu_seconds, summed over the
 * threads of fl_timeline_add_all; NULL past the last stage. */
const char *fl_timeline_stage(const fl_timeline *tl, int i, double *cpu_seconds);
/* The change log so far as a JSON array of {name, id, lat, lon, status_from, status_to,
 * before, after} (before and after: the times of the two snapshots). */
int fl_timeline_changes_json(fl_ctx *ctx, const fl_timeline *tl, char **json);
/* One place's history: its status in the first snapshot, then every change, as JSON
 * {id, name, lat, lon, history: [{time, status[, previous_time]}]}. */
int fl_timeline_place_json(fl_ctx *ctx, const fl_timeline *tl, int place, char **json);
/* Sorts n paths in place by the time in their names (unknown times last, then by name;
 * fl_timeline_add refuses those). */
void fl_timeline_sort_paths(char **paths, size_t n);

/* ---------------------------------------------------------------------------------------
 * GeoPackage archives: an archive's history for GIS tools (QGIS' temporal controller)
 *
 * A GeoPackage (SQLite, OGC 12-128r18) holding, per map version: its status layers, what
 * changed from the version before (polygons with their transition), km² by status as drawn,
 * in the territory and per region, and the places' status periods; every feature has
 * valid_from/valid_to (ISO 8601 UTC). docs/gpkg.md lists the tables.
 * ------------------------------------------------------------------------------------- */
typedef struct fl_gpkg fl_gpkg;

/* Opens path, creating a GeoPackage when the file is absent or empty; an existing file must
 * be one frontline wrote. The profile, regions and places (may be NULL: no place periods)
 * must outlive the handle and be the same on every run over one file. */
int fl_gpkg_open(fl_ctx *ctx, const char *path, const fl_profile *profile,
                 const fl_regions *regions, const fl_places *places, fl_gpkg **out);
void fl_gpkg_close(fl_gpkg *gpkg);
/* Adds the map version read from paths[0..n) (fl_snapshot_open_files), in one transaction, unless a
 * version of the very same bytes is stored already (*added false; whatever its file name).
 * time overrides the snapshot's own (FL_TIME_UNKNOWN: keep it; a version needs a time).
 * Versions are added in time order: one older than the newest stored is refused, and so is a
 * new one when the newest stored version has not been given in this run (what changed
 * cannot be computed). */
int fl_gpkg_add(fl_ctx *ctx, fl_gpkg *gpkg, const char *const *paths, size_t n, int64_t time,
                bool *added);
/* Number of versions stored. */
int fl_gpkg_version_count(const fl_gpkg *gpkg);

/* ---------------------------------------------------------------------------------------
 * Pictures: maps of a snapshot or of a diff, charts of a timeline (cairo)
 *
 * Pictures are PNG, SVG or PDF, chosen by the output's extension, and written atomically.
 * Sizes are pixels for PNG and points for SVG and PDF; every position a call reports is in
 * those units, with the origin at the top left.
 * ------------------------------------------------------------------------------------- */

/* What a map shows. Zero-initialise and set what you need: zero fields mean the defaults. */
typedef struct fl_render_options {
    int width;                 /* of the picture, 640 .. 16000; 0: 1600 (the height follows
                                * the view and the legend) */
    const char *region;        /* zoom on the region with this code (e.g. "UA-DT"), or NULL */
    double bbox[4];            /* zoom on west, south, east, north (degrees); all 0: the whole
                                * territory (or the region) */
    bool no_labels;            /* no names on the map (places, regions); markers stay */
    const fl_places *places;   /* places to mark: those that changed status (with a diff) and
                                * the largest by their "population" column; NULL: none */
    int max_cities;            /* largest places to mark and label; 0: 16, -1: none */
    const char *title;         /* NULL: made from the times and the region */
    const char *attribution;   /* NULL: "Data: DeepStateMap; boundaries: Natural Earth;
                                * places: GeoNames" */
    double front_tolerance_km; /* frontline tolerance (see fl_front_new); 0: 2 km */
    const fl_diff *diff;       /* the diff of snap -> diff_to when already computed (it must
                                * compare those two snapshots); NULL: computed */
} fl_render_options;

typedef struct fl_render fl_render;

/* Lays out a map: the view in a Lambert azimuthal equal-area projection centred on it (PROJ),
 * region outlines and names, the status fills in the profile's colours (of diff_to when
 * given, else of snap), the frontline, the places, a legend with the km² of each status and,
 * with diff_to, what changed from snap to diff_to, highlighted by transition: left
 * occupation (the front status' side to another side), newly occupied, became contested, no
 * longer contested; relabelled within one side (e.g. liberated -> free) is outlined only.
 * Changed pieces get a halo so that a small change shows on a country map. Legend figures
 * are those of fl_diff_km2 and fl_areas_km2 over the whole territory, or over the region with
 * opts->region; fl_render_json lists them. The render copies what it draws: the inputs may be
 * closed once it is made. opts may be NULL (defaults). */
int fl_render_new(fl_ctx *ctx, const fl_snapshot *snap, const fl_snapshot *diff_to,
                  const fl_regions *regions, const fl_render_options *opts, fl_render **out);
void fl_render_free(fl_render *render);
/* Writes the map as PNG, SVG or PDF, by the extension of path. */
int fl_render_write(fl_ctx *ctx, const fl_render *render, const char *path);
/* Size of the picture. */
void fl_render_size(const fl_render *render, int *width, int *height);
/* Position in the picture of a longitude/latitude (it may fall outside the map area). */
int fl_render_project(fl_ctx *ctx, const fl_render *render, double lat, double lon, double *x,
                      double *y);
/* What the map shows, as JSON: {"width", "height", "title", "projection" (PROJ string),
 * "view": [W, S, E, N], "map": [x0, y0, x1, y1], "scope" (region code or "territory"),
 * "statuses": [{"status", "colour", "km2", "share"}], "transitions": [{"status_from",
 * "status_to", "km2", "class", "colour"}], "outside_km2" (changes to or from ground outside
 * the territory, not drawn), "front_km", "scale_km", "places": [{"id", "name", "lat", "lon",
 * "x", "y", "status", "status_from", "status_to", "class", "labelled", "inset"}], "inset":
 * {"caption", "view", "map", "focus"} or null}. When changed places crowd, a detail map of the densest cluster (the inset) is
 * drawn over the emptiest corner and its area (the focus) outlined; those places are marked
 * and labelled there ("inset": true). */
int fl_render_json(fl_ctx *ctx, const fl_render *render, char **json);
/* fl_render_new, fl_render_write and fl_render_free in one call. */
int fl_render_map(fl_ctx *ctx, const fl_snapshot *snap, const fl_snapshot *diff_to,
                  const fl_regions *regions, const fl_render_options *opts, const char *path);

/* Charts of areas over time: one panel per status drawn (km² within the territory), then one
 * per region for the regions that changed most, on dated axes. */
typedef struct fl_chart fl_chart;

typedef struct fl_chart_options {
    int width;               /* 640 .. 16000; 0: 1600 */
    int regions;             /* region panels; 0: 3, -1: none */
    const char *title;       /* NULL: "Territorial control over time" */
    const char *attribution; /* NULL: as for maps */
} fl_chart_options;

/* An empty chart for the statuses of profile and the regions (both must outlive it). */
int fl_chart_new(fl_ctx *ctx, const fl_profile *profile, const fl_regions *regions,
                 fl_chart **out);
void fl_chart_free(fl_chart *chart);
/* Adds the areas of one snapshot at time t (areas computed with the chart's regions).
 * Points are kept in time order; an unknown time is rejected with FL_EARG. */
int fl_chart_add(fl_ctx *ctx, fl_chart *chart, int64_t t, const fl_areas *areas);
int fl_chart_count(const fl_chart *chart);
/* Writes the chart as PNG, SVG or PDF, by extension; FL_EARG when it has no points. opts may
 * be NULL. */
int fl_chart_write(fl_ctx *ctx, const fl_chart *chart, const fl_chart_options *opts,
                   const char *path);
/* The chart a timeline fills as snapshots are added (snapshots of unknown time are left out);
 * owned by the timeline. */
const fl_chart *fl_timeline_chart(const fl_timeline *tl);

/* Animations: maps, one frame each, as an animated GIF (giflib) that loops. Make each frame
 * with fl_render_new (the same options and view for all, a date in the title) and add it. */
typedef struct fl_animation fl_animation;

/* An animation to be written to path (.gif), each frame shown for delay_ms (20 .. 60000). */
int fl_animation_new(fl_ctx *ctx, const char *path, int delay_ms, fl_animation **out);
/* Draws the map as the next frame, on the first frame's canvas size, and writes it out. */
int fl_animation_add(fl_ctx *ctx, fl_animation *anim, const fl_render *frame);
int fl_animation_count(const fl_animation *anim);
/* Ends the file and renames it into place (FL_EARG when no frame was added). */
int fl_animation_finish(fl_ctx *ctx, fl_animation *anim);
/* Frees the animation; one not finished leaves no file behind. */
void fl_animation_free(fl_animation *anim);

/* A web page's data: the versions of an archive (a timeline's rows, each version's status
 * layers simplified at two levels of detail), the place change log, the regions' outlines and
 * the largest places, as JavaScript files the page in data/site/ loads from the file system.
 * docs/site.md describes the files. */
typedef struct fl_site fl_site;

/* Creates the folder dir (it must not exist) for the data of a page. */
int fl_site_new(fl_ctx *ctx, const char *dir, const fl_profile *profile,
                const fl_regions *regions, const fl_places *places, fl_site **out);
/* Adds the next version, read from paths[0..n) (in time order; it needs a time). */
int fl_site_add(fl_ctx *ctx, fl_site *site, const char *const *paths, size_t n);
/* Writes what covers the whole archive (FL_EARG when no version was added). */
int fl_site_finish(fl_ctx *ctx, fl_site *site);
/* Frees the handle; the folder stays, complete or not: the caller removes it. */
void fl_site_free(fl_site *site);

/* ---------------------------------------------------------------------------------------
 * Conversion
 * ------------------------------------------------------------------------------------- */
/* Converts GeoJSON / shapefile / WKT to GeoJSON / shapefile / WKT, keeping attributes,
 * by the extensions of in and out. */
int fl_convert(fl_ctx *ctx, const char *in, const char *out);

/* ---------------------------------------------------------------------------------------
 * Output files
 * ------------------------------------------------------------------------------------- */
/* Every file the library writes goes through one output layer, which callers writing their
 * own text (a CSV, a JSON document) use too: a regular file (new or existing, also through a
 * symbolic link, which stays a link) is written under a temporary name beside its target and
 * renamed over it by fl_writer_close only when every write succeeded, so that an error or a
 * signal (see fl_ctx_remove_temporaries) leaves the old file whole and two concurrent writers
 * never mix; a device, FIFO or socket is written directly; "-" is standard output (not
 * closed); a directory is refused. Errors name path, never the temporary file. Inputs are
 * read the same way: "-" is standard input, and any other input that is not a regular file
 * (a FIFO, /dev/zero) is refused at once. */
typedef struct fl_writer fl_writer;
/* A copy of s (to free) in which every byte that is not part of valid UTF-8 is replaced by
 * U+FFFD: the JSON documents of the library are passed through it (a non-UTF-8 file name,
 * profile or field name never makes invalid JSON). NULL when out of memory. */
char *fl_utf8_repair(const char *s);
int fl_writer_open(fl_ctx *ctx, const char *path, fl_writer **out);
/* The stream to write to (owned by the writer). */
FILE *fl_writer_file(fl_writer *w);
/* Flushes, checks every write, and puts the file in place; with failed true (or after a
 * write error) removes the temporary file instead. Frees w (NULL is allowed). */
int fl_writer_close(fl_ctx *ctx, fl_writer *w, bool failed);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif /* FRONTLINE_H */
