/* internal.h — what the files of lib/ share; not installed. */
#ifndef FL_INTERNAL_H
#define FL_INTERNAL_H

#include "frontline.h"

#include <assert.h>
#include <geodesic.h>
#include <geos_c.h>
#include <json-c/json.h>
#include <proj.h>
#include <stdbool.h>
#include <stdio.h>

#define FL_PRINTF(a, b) __attribute__((format(printf, a, b)))

struct fl_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    struct geod_geodesic geod; /* WGS84 */
    int err;
    char msg[1024];
    char geos_msg[512]; /* last message from GEOS' error handler */
    char proj_msg[512]; /* last error PROJ logged */
    int64_t limits[5];
    uint64_t serial; /* numbers the regions made with this context (cache keys) */
    struct fl_temp *temps; /* output.c: temporary files being written, for signal handlers */
    bool snap_noding; /* windows.c: snap-round every window's lines, as where the floating
                       * noder fails; set for a comparison of two sources (compare.c) */
};

/* Tables by region (areas, diff matrices, charts) keep the territory in row 0 and region k in
 * row k + 1: the row of FL_REGION_ALL or of a region index, and back. */
static inline size_t fl_region_row(int region)
{
    assert(region == FL_REGION_ALL || region >= 0);
    return region == FL_REGION_ALL ? 0 : (size_t)region + 1;
}
static inline int fl_row_region(size_t row) { return row ? (int)row - 1 : FL_REGION_ALL; }

/* context.c: records an error on ctx and returns code. */
int fl_error(fl_ctx *ctx, int code, const char *fmt, ...) FL_PRINTF(3, 4);
/* A new context with ctx's limits (for another thread), or NULL. */
fl_ctx *fl_ctx_like(const fl_ctx *ctx);
#define FL_THREADS_MAX 256 /* FL_LIMIT_THREADS' largest value */
/* Runs fn(ctx_k, arg, k, n) for k = 0 .. n-1 at once, n = fl_parallel_count(ctx, parts):
 * part 0 on the calling thread with ctx, each other on a thread with a context like ctx
 * (parallel.c). Returns the first error by part (its message in ctx). */
typedef int (*fl_part_fn)(fl_ctx *ctx, void *arg, int k, int n);
int fl_parallel(fl_ctx *ctx, int parts, fl_part_fn fn, void *arg);
/* How many parts fl_parallel runs for parts: at least 1, at most ctx's FL_LIMIT_THREADS. */
int fl_parallel_count(const fl_ctx *ctx, int parts);
/* FL_EARG: "fn: arg is NULL" (a required argument of a public function). */
int fl_null_arg(fl_ctx *ctx, const char *fn, const char *arg);
/* Records a GEOS failure during `what` (GEOS' own message appended). */
int fl_geos_error(fl_ctx *ctx, const char *what);
/* Whether GEOS' last error message says it ran out of memory (std::bad_alloc). */
bool fl_geos_out_of_memory(const fl_ctx *ctx);
/* Records a PROJ failure: the formatted text, then PROJ's reason. FL_EPROJ, or FL_ENOMEM
 * when PROJ ran out of memory. */
int fl_proj_error(fl_ctx *ctx, const char *fmt, ...) FL_PRINTF(2, 3);
void *fl_malloc(fl_ctx *ctx, size_t size);
void *fl_calloc(fl_ctx *ctx, size_t n, size_t size);
void *fl_realloc(fl_ctx *ctx, void *p, size_t n, size_t size);
char *fl_strdup(fl_ctx *ctx, const char *s);
/* Room for need elements of elem bytes in array p of capacity *cap: p itself when it has the
 * room, else p reallocated to twice its capacity or more (at least need, at least 16) with
 * *cap updated. NULL, p untouched, when out of memory or the size overflows (FL_ENOMEM
 * recorded). The one growth rule of lib/: arrays double, so n appends cost O(n). */
void *fl_grow(fl_ctx *ctx, void *p, size_t *cap, size_t need, size_t elem);
/* Stores a json-c document as an allocated string in *json. */
int fl_json_out(fl_ctx *ctx, json_object *doc, char **json);
/* o as compact JSON text (owned by o), or NULL when json-c ran out of memory. */
const char *fl_json_string(json_object *o);
/* json-c's adders keep the value (a leak) and say nothing when they run out of memory, and
 * crash on a NULL container; a value that failed to be made is added as null. lib/ uses these
 * instead: on failure (NULL container, value NULL with errno ENOMEM, or no memory to add) the
 * value is freed and the container marked; fl_json_failed finds a mark anywhere in a
 * document (fl_json_out and the GeoJSON writer check it). */
int fl_json_object_add(json_object *o, const char *key, json_object *v);
int fl_json_array_add(json_object *a, json_object *v);
bool fl_json_failed(json_object *doc);
/* JSON numbers printed with a fixed number of decimals, 0..9 (km²: 6, i.e. 1 m²; degrees:
 * 6 or 7, 10 cm or 1 cm); NaN and infinities, which JSON cannot hold, become null. */
json_object *fl_json_num(double v, int decimals);
json_object *fl_json_km2(double km2);

/* source.c: a GeoJSON FeatureCollection's text cut into its features (spans), so that the
 * next version of a map parses only the features whose text changed. */
typedef struct fl_span {
    size_t at, len;    /* the feature's bytes in the text */
    uint64_t hash;     /* of those bytes */
    int64_t vertices;  /* positions the reader counted in it */
} fl_span;

typedef struct fl_source {
    char *text;        /* the whole file, NUL-terminated */
    size_t len;
    fl_span *span;     /* the features in file order; n = 0 when the text was not cut */
    size_t n;
    size_t *order;     /* span indexes sorted by hash (fl_source_index), or NULL */
} fl_source;

/* Cuts text[from..] into the elements of its "features" array. Leaves n = 0 when the text is
 * not a plain FeatureCollection object the scan can follow (json-c then parses all of it). */
int fl_source_cut(fl_ctx *ctx, fl_source *src, size_t from);
/* text[from..] with each cut feature replaced by {} (len set; caller frees). */
char *fl_source_skeleton(fl_ctx *ctx, const fl_source *src, size_t from, size_t *len);
/* Sorts the spans by hash, for fl_source_find. */
int fl_source_index(fl_ctx *ctx, fl_source *src);
/* Index of src's (indexed) feature whose bytes are those of span s of text, or -1. */
long fl_source_find(const fl_source *src, const char *text, const fl_span *s);
/* Bytes of src that a reader parses when prev (indexed, or NULL) is the previous version:
 * the text less the features whose very bytes prev has (all of it when src is not cut). */
size_t fl_source_new_bytes(const fl_source *src, const fl_source *prev);
void fl_source_clear(fl_source *src);

/* features.c: the features of an input file, before classification. */
typedef struct fl_feature {
    json_object *props; /* object (possibly empty), owned */
    GEOSGeometry *geom; /* lon/lat, NULL when the feature has none */
    long same;          /* >= 0: the very text of feature `same` of the previous version
                           given to the reader; props and geom are then NULL */
} fl_feature;

typedef struct fl_features {
    fl_feature *v;
    size_t n, cap;
    const char *kind; /* "geojson", "wrapped", "esri", "kml", "kmz", "shapefile", "wkt" */
    fl_source src;    /* a GeoJSON file's text (and its features' spans when cut) */
    json_object *meta; /* the document wrapping the features (its members: a time, an id),
                        * or NULL */
} fl_features;

int fl_features_push(fl_ctx *ctx, fl_features *fs, json_object *props, GEOSGeometry *geom);
/* Adds a feature the very same as feature k of the previous version. */
int fl_features_push_same(fl_ctx *ctx, fl_features *fs, size_t k);
void fl_features_clear(fl_ctx *ctx, fl_features *fs);
/* Reads any supported file, by extension (fl_snapshot_extensions: .shp, .wkt, .kml, .kmz;
 * anything else is JSON: GeoJSON, wrapped GeoJSON or Esri JSON). A GeoJSON feature whose text
 * is in prev (an indexed source of the previous version, or NULL) is not parsed: it comes as
 * a feature with `same` set. wrapped: see fl_geojson_read. */
int fl_features_read(fl_ctx *ctx, const char *path, fl_features *fs, const fl_source *prev,
                     const char *wrapped);
/* Writes by the format fl_output_format names. */
int fl_features_write(fl_ctx *ctx, const fl_features *fs, const char *path);
bool fl_has_ext(const char *path, const char *ext);
typedef enum { FL_FORMAT_GEOJSON, FL_FORMAT_SHP, FL_FORMAT_WKT } fl_format;
/* The format an output path names by its extension: .geojson or .json, .shp, .wkt; a name
 * with no extension in its last component ("-", /dev/stdout) is GeoJSON. Any other
 * extension (.kml, .csv) is refused with FL_EARG, and so is a format not in allowed (a bit
 * set of 1 << fl_format): each writer writes its formats only. */
int fl_output_format(fl_ctx *ctx, const char *path, unsigned allowed, fl_format *format);
/* The whole of a regular file, NUL-terminated (caller frees), within the file size limit. */
int fl_file_read(fl_ctx *ctx, const char *path, char **buf, size_t *len);
/* Where a feature comes from, for the rules' pseudo-fields: "file" (the file's base name),
 * "folder" (its folder's name) and "layer" (the base name without extension). A property of
 * the same name wins over a pseudo-field (a KML reader's "folder" is its Folder path). */
typedef struct fl_origin {
    const char *file, *folder, *layer;
} fl_origin;
/* A file's pseudo-fields for the profile's rules, and the room they are kept in. */
typedef struct fl_origin_buf {
    fl_origin o;
    char folder[256], layer[256];
} fl_origin_buf;
void fl_origin_of(const char *path, fl_origin_buf *out);
/* A shapefile's sibling: path (NAME.shp) with its extension replaced by ext, or NULL. */
char *fl_shp_sibling(fl_ctx *ctx, const char *path, const char *ext);
/* shapelib's error hook that prints nothing (its messages go to stderr): errors are ours. */
void fl_shapelib_quiet(const char *message);
/* Whether s is well-formed UTF-8 (no overlongs, no surrogates). */
bool fl_utf8_valid(const char *s);
/* Offset of the first byte of s[0..len) that is not well-formed UTF-8, or -1. */
long fl_utf8_invalid_at(const char *s, size_t len);

/* A GeoJSON file, a JSON document wrapping one (the member path wrapped, "a.b", or NULL:
 * its only member that is GeoJSON), or Esri JSON (fl_esri_read). */
int fl_geojson_read(fl_ctx *ctx, const char *path, fl_features *fs, const fl_source *prev,
                    const char *wrapped);
/* esri_read.c: whether a parsed JSON document is an ArcGIS FeatureServer query answer in
 * Esri JSON (f=json), and its features. */
bool fl_esri_json(json_object *doc);
int fl_esri_read(fl_ctx *ctx, const char *path, json_object *doc, fl_features *fs);
/* A GeoJSON file's text, checked as fl_geojson_read checks it, cut and indexed, unparsed. */
int fl_geojson_source(fl_ctx *ctx, const char *path, fl_source *src);
int fl_geojson_write(fl_ctx *ctx, const fl_features *fs, const char *path);
/* kml_read.c: KML from a file, or from text (len bytes) read elsewhere (a KMZ's). */
int fl_kml_read(fl_ctx *ctx, const char *path, fl_features *fs);
int fl_kml_parse(fl_ctx *ctx, const char *path, const char *text, size_t len,
                 fl_features *fs);
/* kmz_read.c: a KMZ (a zip holding doc.kml, or else its first .kml). */
int fl_kmz_read(fl_ctx *ctx, const char *path, fl_features *fs);
int fl_shapefile_read(fl_ctx *ctx, const char *path, fl_features *fs);
int fl_shapefile_write(fl_ctx *ctx, const fl_features *fs, const char *path);
int fl_wkt_read(fl_ctx *ctx, const char *path, fl_features *fs);
int fl_wkt_write(fl_ctx *ctx, const fl_features *fs, const char *path);

/* input.c: every reader opens its file through fl_input_open: "-" is standard input (copied
 * into an anonymous temporary file within FL_LIMIT_FILE_BYTES); any other path is opened
 * without blocking and refused unless it is a regular file within FL_LIMIT_FILE_BYTES (a FIFO
 * or /dev/zero would hang or never end). what names the input in messages ("profile"). */
int fl_input_open(fl_ctx *ctx, const char *path, const char *what, FILE **out);
/* The same checks for a file another library opens itself (shapelib's sidecars). */
int fl_input_check(fl_ctx *ctx, const char *path, const char *what);
/* The kind and size checks on an open descriptor. */
int fl_input_check_fd(fl_ctx *ctx, int fd, const char *path);

/* output.c: every output (see there): atomic replacement of regular files through a
 * registered temporary file, direct writes to devices, FIFOs and "-" (standard output). */
typedef struct fl_output {
    FILE *f;
    char *path;   /* as given, for messages ("standard output" for "-") */
    char *target; /* path with its symbolic links followed; NULL for "-" */
    char *tmp;    /* the temporary file, NULL when written directly */
} fl_output;
int fl_output_open(fl_ctx *ctx, fl_output *o, const char *path);
/* Flushes and checks; a temporary file is fsync'ed and renamed over the target, or removed
 * on failure (or if failed is true), leaving the old file whole. */
int fl_output_close(fl_ctx *ctx, fl_output *o, bool failed);
/* path with every symbolic link followed (the last target may not exist yet). */
char *fl_output_target(fl_ctx *ctx, const char *path);
/* The temporary name of path, in its folder: ".tmpPID" before the extension (libraries such
 * as shapelib derive the names of sibling files from it); NULL when out of memory. */
char *fl_output_temp_name(fl_ctx *ctx, const char *path);
/* Registers tmp for removal on a signal and creates it empty; errors name path. */
int fl_output_temp_create(fl_ctx *ctx, const char *tmp, const char *path);
/* With rc == FL_OK, fsyncs the n files tmp[i] and renames them to target[i]; otherwise, or
 * when that fails, removes them (errors name path). Every tmp[i] is unregistered. Returns rc,
 * or the first error. */
int fl_output_commit(fl_ctx *ctx, char *const *tmp, char *const *target, const char *path,
                     int n, int rc);
/* Removes and unregisters every temporary file of ctx (fl_ctx_free). */
void fl_output_forget_all(fl_ctx *ctx);

/* crossings.c: FL_OK when repairing poly (make-valid) is within budget: its edges cross at
 * most FL_REPAIR_MAX_CROSSINGS times; else FL_ELIMIT with the reason. */
int fl_repair_budget(fl_ctx *ctx, const GEOSGeometry *poly);

/* geometry.c */
/* The polygonal parts of g (any nesting of collections) as one valid (Multi)Polygon, or an
 * empty polygon. *repaired is set when make-valid had to change something. NULL on error. */
GEOSGeometry *fl_polygonal(fl_ctx *ctx, const GEOSGeometry *g, bool geodesic, bool *repaired);
/* The coordinates of a line or ring as x, y pairs into *xy, a buffer of *cap doubles grown as
 * needed (reused from call to call; the caller frees it), and their count into *n. */
int fl_line_coords(fl_ctx *ctx, const GEOSGeometry *line, double **xy, size_t *cap,
                   unsigned int *n);
/* Calls fn for every ring of polygonal g (each polygon's shell, then its holes; empty
 * polygons have none) until one returns non-zero; that value, else 0. */
typedef int (*fl_ring_fn)(fl_ctx *ctx, const GEOSGeometry *ring, void *data);
int fl_each_ring(fl_ctx *ctx, const GEOSGeometry *g, fl_ring_fn fn, void *data);
/* A collection of n geometries (n > 0), which it takes, also on failure; NULL on error. */
GEOSGeometry *fl_collect(fl_ctx *ctx, GEOSGeometry **gs, size_t n);
/* Union of n geometries (consumed), or an empty polygon when n == 0; one valid polygon is
 * given back as it is. */
GEOSGeometry *fl_union_all(fl_ctx *ctx, GEOSGeometry **gs, size_t n);
/* Union of n valid polygonal geometries (consumed; n > 0) as a balanced tree of pairwise
 * unions of whole geometries: for a few geometries of many polygons each (a water file's
 * features), where fl_union_all overlays polygon by polygon. */
GEOSGeometry *fl_union_tree(fl_ctx *ctx, GEOSGeometry **gs, size_t n);
GEOSGeometry *fl_empty_polygon(fl_ctx *ctx);
/* A rectangle polygon W, S, E, N; NULL on error. */
GEOSGeometry *fl_rectangle(fl_ctx *ctx, const double bbox[4]);
/* Union of n polygons (consumed) that form a coverage: they do not overlap and share edges
 * vertex for vertex (faces of one polygonize, pieces cut from them). GEOS' coverage union,
 * or a full union should they not be a clean coverage. */
GEOSGeometry *fl_coverage_union(fl_ctx *ctx, GEOSGeometry **gs, size_t n);
/* a ∩ b, a − b with an envelope shortcut; NULL on GEOS error (message recorded). */
GEOSGeometry *fl_intersection(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b);
/* Polygonal g within the rectangle b (W, S, E, N), by GEOS' rectangle clip: one pass over
 * the vertices, where an overlay would node all of them. GEOS 3.11's clip can go wrong where
 * a vertex lies on the rectangle's edge lines or an edge passes through a corner; there, or
 * should its result not be valid, an overlay with the rectangle is used instead. */
GEOSGeometry *fl_clip(fl_ctx *ctx, const GEOSGeometry *g, const double b[4]);
/* g clipped (fl_clip) to bbox grown by margin on every side: what of g lies near something of
 * those bounds, so that an overlay with it need not node all of g. */
GEOSGeometry *fl_clip_around(fl_ctx *ctx, const GEOSGeometry *g, const double bbox[4],
                             double margin);
GEOSGeometry *fl_difference(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b);
/* a ∪ b, polygonal parts only. */
GEOSGeometry *fl_union(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b);
/* Union of a collection (not consumed), polygonal parts only. */
GEOSGeometry *fl_unary_union(fl_ctx *ctx, const GEOSGeometry *coll);
/* Keeps only polygonal parts of an overlay result (drops slivers degenerated to lines). */
GEOSGeometry *fl_keep_polygons(fl_ctx *ctx, GEOSGeometry *g);
/* A GEOS point, or NULL. */
GEOSGeometry *fl_point(fl_ctx *ctx, double lon, double lat);
/* A point inside g: lat/lon, left as they are for an empty g. FL_OK, or the error when GEOS
 * failed (out of memory). */
int fl_inner_point(fl_ctx *ctx, const GEOSGeometry *g, double *lat, double *lon);
void fl_geom_bounds(fl_ctx *ctx, const GEOSGeometry *g, double bbox[4]);
/* FNV-1a over a geometry's types, part and ring counts and every coordinate, continued from
 * h (FL_HASH_SEED to start): equal hashes, the same geometry, as the caches take it. */
/* Destroys the geometries of g[0..n) that are not NULL, then frees g (which may be NULL). */
void fl_destroy_all(fl_ctx *ctx, GEOSGeometry **g, size_t n);
#define FL_HASH_SEED 1469598103934665603ULL
uint64_t fl_hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t fl_geom_hash(fl_ctx *ctx, const GEOSGeometry *g, uint64_t h);
/* fl_geom_hash of a feature's polygon and its status: the feature's identity (the diff takes
 * features of equal hashes as the same). */
uint64_t fl_polygon_hash(fl_ctx *ctx, const GEOSGeometry *g, int status);
bool fl_bounds_overlap(const double a[4], const double b[4]);

/* geodesic.c: WGS84 measures through PROJ's geodesic routines (GeographicLib). */
double fl_geom_km2(fl_ctx *ctx, const GEOSGeometry *g);
double fl_geom_length_km(fl_ctx *ctx, const GEOSGeometry *g);
/* A copy of a (Multi)Polygon with vertices added along its geodesic edges, so that GEOS'
 * longitude/latitude segments follow them; NULL on error. */
GEOSGeometry *fl_densify(fl_ctx *ctx, const GEOSGeometry *g);
/* A Lambert azimuthal equal-area projection on WGS84 centred on (lon0, lat0): longitude,
 * latitude in degrees to metres (PJ_FWD) and back; NULL on error (ctx's PROJ log says why). */
PJ *fl_laea(fl_ctx *ctx, double lon0, double lat0);
/* g with every vertex transformed by pj in direction dir; NULL on error (recorded). */
GEOSGeometry *fl_transform(fl_ctx *ctx, const GEOSGeometry *g, PJ *pj, PJ_DIRECTION dir);

/* profile.c */
typedef struct fl_status_def fl_status_def;
/* What a feature is besides a status index. */
typedef enum {
    FL_CLASS_IGNORED = -1,      /* a rule says "ignore" */
    FL_CLASS_UNCLASSIFIED = -2, /* no rule matches */
    FL_CLASS_NO_POLYGON = -3    /* (snapshot.c) it has no polygonal geometry */
} fl_class_special;
/* Classifies a feature into *cls: a status index, FL_CLASS_IGNORED or
 * FL_CLASS_UNCLASSIFIED. origin may be NULL (no pseudo-fields). FL_OK, or FL_ENOMEM when
 * matching ran out of memory. */
int fl_profile_classify(const fl_profile *p, json_object *props, const fl_origin *origin,
                        int *cls);
/* A profile of statuses alone, from profile lines ("status NAME side=S colour=#RRGGBB", the
 * last one "default ..."), without rules: it classifies nothing. For maps made from other
 * maps' layers (sides.c); label names it in messages. */
int fl_profile_of_statuses(fl_ctx *ctx, const char *label, const char *const *lines, int n,
                           fl_profile **out);
/* The member holding the FeatureCollection in a wrapping JSON document ("wrapped"), and the
 * property giving the map's time ("time property="); NULL when the profile says none. */
const char *fl_profile_wrapped(const fl_profile *p);
const char *fl_profile_time_property(const fl_profile *p);

/* snapshot.c */
/* A classified feature: its valid, densified polygon, status, bounds and hashes. */
typedef struct fl_feat {
    GEOSGeometry *geom;
    int status;
    bool repaired;
    double bbox[4];
    uint64_t hash; /* of status and geom */
    uint64_t raw;  /* of status and the geometry as read (0: not hashed) */
} fl_feat;

/* What classifying one feature read gave, kept so the next version can copy it for a
 * feature of the very same text. */
typedef struct fl_outcome {
    int status;      /* a status (kept), or FL_CLASS_IGNORED, _UNCLASSIFIED, _NO_POLYGON */
    bool repaired;   /* made valid */
    bool styled;     /* properties carry a DeepStateMap "#poly-" style */
    bool bare;       /* properties are empty */
    uint64_t hash;   /* kept: the fl_feat's hash and raw hash */
    uint64_t raw;
} fl_outcome;

struct fl_snapshot {
    fl_ctx *ctx;          /* made with it (or moved to it, timeline_threads.c); closed with it */
    char *path;
    const char *kind;
    int64_t time;
    const fl_profile *profile;
    int nstatus;          /* profile statuses, including the default one (last) */
    fl_counts counts;
    long *status_features;
    /* the classified features, sorted by hash: a diff overlays only where they differ */
    fl_feat *feat;
    size_t nfeat, capfeat;
    double bbox[4];       /* of the features */
    /* a loaded GeoJSON's text cut into features and what each gave (outcome[i] for span i),
     * for the next version's load; empty after fl_snapshot_open */
    fl_source src;
    fl_outcome *outcome;
    /* What is computed from the features when first asked and then kept (a cache), filled
     * in through const snapshots: the snapshot's content never changes, these only add to
     * it. The arrays are allocated with the snapshot, the rest lies behind `cache`. */
    GEOSGeometry **layer; /* per status but the default: exclusive after precedence (NULL
                           * until fl_snapshot_normalise) */
    const GEOSPreparedGeometry **prep;
    double *km2;          /* drawn area per status: from the layers, or carried by a diff */
    struct fl_snapshot_cache {
        GEOSGeometry *cover;    /* union of every layer (NULL until fl_snapshot_normalise) */
        bool km2_known;         /* km2 is filled in */
        /* km² of each status in the territory and regions numbered region_serial (see
         * fl_snapshot_region_km2) */
        uint64_t region_serial;
        double *region_km2;
        /* the conflation of the drawing with the regions' boundary (conflate.c) */
        struct fl_conflation *conf;
        /* the point locator of the snapshot and the regions numbered locator_serial
         * (fl_snapshot_locator), made for the first query of many points */
        struct fl_locator *locator;
        uint64_t locator_serial;
        /* per cell of the water of the regions numbered water_serial, the key of the
         * conflation's polygons that meet its water (water.c) */
        uint64_t *water_keys;
        uint64_t water_serial;
    } *cache;
};
/* Reads and classifies a snapshot without normalising it (fl_snapshot_open does both).
 * Features prev (may be NULL) has too, the very same, are copied from it, not made valid and
 * densified again; those of the very same text are not even parsed. The snapshot keeps its
 * text for the next version's load (fl_snapshot_forget_source frees it). */
int fl_snapshot_load(fl_ctx *ctx, const char *path, const fl_profile *profile,
                     const fl_snapshot *prev, fl_snapshot **out);
/* A normalised snapshot of n polygons (valid, as features are), polygon i of drawn status
 * status[i] of profile, named path: a map made from other maps' layers (sides.c). It takes
 * the polygons, also on failure (NULL or empty ones are skipped). */
int fl_snapshot_of_polygons(fl_ctx *ctx, const char *path, const fl_profile *profile,
                            GEOSGeometry **polys, const int *status, size_t n, fl_snapshot **out);
/* The same for a version made of n files (n == 1: fl_snapshot_load): their features
 * classified together, each file's with its own pseudo-fields (fl_origin). Only a version
 * of one file reuses prev's texts and keeps its own. */
int fl_snapshot_load_files(fl_ctx *ctx, const char *const *paths, size_t n,
                           const fl_profile *profile, const fl_snapshot *prev,
                           fl_snapshot **out);
/* Frees what a load kept for the next version's (the text, the outcomes). */
void fl_snapshot_forget_source(fl_snapshot *s);
/* Computes the layers, cover and drawn areas from the features, once (a cache). */
int fl_snapshot_normalise(fl_ctx *ctx, const fl_snapshot *s);
/* windows.c: where two snapshots differ. A window is a rectangle (the core) around ground
 * whose status may differ between snapshots a and b, and a larger one (the envelope) within
 * which both snapshots' statuses are computed from their features; envelopes are disjoint,
 * and outside the cores both snapshots give every point the same status. */
typedef struct fl_window_side {
    int n;                             /* features meeting the envelope, in precedence order */
    GEOSGeometry **geom;               /* each clipped to the envelope */
    int *status;
    uint64_t *hash;                    /* fl_feat.hash */
    bool *shared;                      /* (b) the same feature as one of a's: noded once */
    double (*bbox)[4];
    const GEOSPreparedGeometry **prep; /* each prepared when first asked */
} fl_window_side;
typedef struct fl_window {
    double core[4], env[4];       /* W, S, E, N */
    GEOSGeometry *core_rect, *env_rect;
    GEOSGeometry *territory;      /* the territory within the envelope */
    bool in_territory;            /* the envelope lies in the territory */
    int uncovered;                /* the status index of ground no layer covers: the default's */
    fl_window_side side[2];       /* a's and b's features */
    GEOSGeometry *faces;          /* the envelope cut by both sides' features (and the
                                   * territory's border) */
    int nfaces;
    int *label[2];                /* per face, its status in a and in b: a drawn one, the
                                   * default (uncovered, in the territory) or none (uncovered,
                                   * outside it: uncovered + 1) */
    bool *inside;                 /* per face, whether it lies in the territory */
} fl_window;
/* The windows of a → b (none when nothing changed), their faces labelled. */
int fl_windows_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                   const fl_regions *r, fl_window **out, int *count);
void fl_windows_free(fl_ctx *ctx, fl_window *w, int n);
/* Status st's layer (exclusive, after precedence) of side (0: a, 1: b) in window w, from
 * its features; NULL on error. */
GEOSGeometry *fl_window_layer(fl_ctx *ctx, const fl_window *w, int side, int st);
/* Whether status st's layer is the same in both sides of window w: the features of st and
 * of the statuses before it are the same. */
bool fl_window_layer_same(const fl_window *w, int st);
/* The ground of window w that has status a in a and b in b, the union of those faces, and
 * whether all of it lies in the territory (*inside); NULL on error. */
GEOSGeometry *fl_window_area(fl_ctx *ctx, const fl_window *w, int a, int b, bool *inside);
/* Updates status[i] (statuses in a) to the statuses in b of the n points inside a core. */
int fl_windows_status(fl_ctx *ctx, const fl_window *w, int nwin, const fl_regions *r, size_t n,
                      const double *lat, const double *lon, int *status);

/* odd_edges.c: bounds (W, S, E, N) within which ⋃r △ ⋃n lies, for valid polygonal
 * geometries r[0 .. nr) and n[0 .. nn): those of the groups of segments left once each r_i
 * and the n_j sharing most segments with it cancel their common ones. Caller frees *bounds,
 * also on error. */
int fl_odd_edge_bounds(fl_ctx *ctx, const GEOSGeometry *const *r, int nr,
                       const GEOSGeometry *const *n, int nn, double (**bounds)[4], int *count);

/* distinct_lines.c: the rings of polygonal geometries added in turn, as lines in which each
 * segment (by its endpoints' exact coordinates, either way round) occurs once: the first
 * time it is added. */
typedef struct fl_distinct fl_distinct;
fl_distinct *fl_distinct_new(fl_ctx *ctx);
void fl_distinct_free(fl_ctx *ctx, fl_distinct *d);
int fl_distinct_add(fl_ctx *ctx, fl_distinct *d, const GEOSGeometry *polygonal);
/* The lines so far, as a collection the caller owns (d has none left); NULL on error. */
GEOSGeometry *fl_distinct_lines(fl_ctx *ctx, fl_distinct *d);

/* point_index.c: which of n geometries (any may be NULL) holds a point, for many points. */
typedef struct fl_point_index fl_point_index;
int fl_point_index_new(fl_ctx *ctx, const GEOSGeometry *const *geom, int n,
                       fl_point_index **out);
void fl_point_index_free(fl_ctx *ctx, fl_point_index *x);
/* The first geometry (lowest index) holding the point, its boundary included; -1 when none
 * does or the point is NaN or out of range; -2 on a GEOS error (recorded). The geometries must
 * outlive the index. */
int fl_point_index_find(fl_ctx *ctx, const fl_point_index *x, double lat, double lon);
/* The polygons whose bounds may meet box (every one that does, and some that do not), as
 * their indexes (below) in increasing order into *ids (the caller frees it); their count, or
 * SIZE_MAX when out of memory (recorded). */
size_t fl_point_index_near(fl_ctx *ctx, const fl_point_index *x, const double box[4],
                           int **ids);
/* The polygons indexed, in the geometries' order: their count, and polygon i with its bounds. */
size_t fl_point_index_count(const fl_point_index *x);
const GEOSGeometry *fl_point_index_polygon(const fl_point_index *x, size_t i,
                                           const double **bbox);

/* locate.c: the locator of s and r kept with the snapshot (as the conflation is) until it is
 * closed or asked with other regions, into *out; when none is kept, one is made and kept if
 * make is true, else *out is NULL. */
int fl_snapshot_locator(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, bool make,
                        const fl_locator **out);

/* clip_cache.c: a snapshot's features clipped to a fixed box, kept from one version to the
 * next by feature hash (zero-initialised: empty). */
typedef struct fl_clip_cache {
    size_t n;           /* the clips that are not empty: entries [0, n), in canonical order */
    size_t all;         /* and the empty ones after them: [n, all) */
    uint64_t *feat;     /* the feature's fl_feat.hash */
    int *status;
    uint64_t *hash;     /* the clip's fl_geom_hash */
    GEOSGeometry **g;   /* the clip, lon/lat */
    signed char *mark;  /* the owner's note on the clip, kept with it: -1 on a new clip */
} fl_clip_cache;
/* Makes c the clips of s's features whose bounds meet box, reusing c's clips of features of
 * equal hash: those that are not empty first, by status and clip hash (so that what is
 * computed from them does not depend on s's order), the empty ones after; on error c is left
 * empty. */
int fl_clip_cache_update(fl_ctx *ctx, fl_clip_cache *c, const fl_snapshot *s,
                         const double box[4]);
/* h continued with clip i's status and hash: equal keys, equal clips. */
uint64_t fl_clip_cache_key(const fl_clip_cache *c, size_t i, uint64_t h);
/* Copies of c's n clips that are not empty into g[0..n). */
int fl_clip_cache_copies(fl_ctx *ctx, const fl_clip_cache *c, GEOSGeometry **g);
void fl_clip_cache_clear(fl_ctx *ctx, fl_clip_cache *c);

/* conflate.c: the coast and border conflation, a normalisation against the regions. */
typedef struct fl_coast fl_coast;
typedef struct fl_conflation fl_conflation;
void fl_coast_free(fl_ctx *ctx, fl_coast *c);
void fl_conflation_free(fl_ctx *ctx, fl_conflation *c);
/* The conflation of s with r's boundary at r->snap_km, computed once per snapshot and
 * regions (owned by s); NULL on error. */
const fl_conflation *fl_snapshot_conflation(fl_ctx *ctx, const fl_snapshot *s,
                                            const fl_regions *r);
/* km² moved to each status by the conflation (negative for the default status, which gives
 * them up) in the territory (row 0) and each region (row k + 1), rows of nstatus. */
const double *fl_conflation_km2(const fl_conflation *c);
/* Changes status[i] from the default status to the one the conflation gave the point, for
 * each of the n points. */
int fl_conflation_points(fl_ctx *ctx, const fl_conflation *c, size_t n, const double *lat,
                         const double *lon, int *status);

/* The polygons the conflation gave the drawn statuses (lon/lat), indexed; NULL when it is off
 * (a tolerance of 0). */
const fl_point_index *fl_conflation_index(const fl_conflation *c);

/* water.c: inland water, a class of its own where no status covers it; the water of a file
 * (fl_water) cut for regions: by region and into cells. */
typedef struct fl_water_cut fl_water_cut;
void fl_water_cut_free(fl_ctx *ctx, fl_water_cut *w);
/* A copy of src (the water of nregions regions) in ctx, for a copy of its regions: the same
 * water and cells, cloned, without the last snapshot's answers. */
int fl_water_cut_copy(fl_ctx *ctx, const fl_water_cut *src, int nregions, fl_water_cut **out);
/* km² of undrawn water (after the conflation) in the territory (km2[0]) and each region
 * (km2[k + 1]); zeros without water. */
int fl_snapshot_water_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, double *km2);
/* The change of that water from snapshot a to b, into km2 (the same rows), given the windows
 * of their diff (win[0..nwin)): the sum over the cells their changes may reach of each cell's
 * water left open in b less that in a. It depends on a and b alone, not on what was measured
 * before (a timeline carries the water through it in order, timeline.c). */
int fl_snapshot_water_change(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                             const fl_regions *r, const fl_window *win, int nwin, double *km2);
/* Changes status[i] from default_status to FL_STATUS_WATER for the points in the water. */
int fl_water_points(fl_ctx *ctx, const fl_regions *r, int default_status, size_t n,
                    const double *lat, const double *lon, int *status);

/* Status of a point from the snapshot's layers alone: index, or -1 when uncovered. */
int fl_snapshot_layer_at(fl_ctx *ctx, const fl_snapshot *s, const GEOSGeometry *pt);

/* sides.c: statuses mapped to sides (see fl_profile_side). */
/* FL_EPROFILE, naming the status, when a status of s has a side other than RU, UA or none. */
int fl_sides_check(fl_ctx *ctx, const fl_snapshot *s);
/* The profile of a map of sides: statuses RU, none (drawn) and UA (default), index = side. */
int fl_sides_profile(fl_ctx *ctx, fl_profile **out);
/* The sides of s as a normalised snapshot of profile sides: RU and none drawn (the union of
 * s's layers of that side, and the territory no layer covers when it is the default's side),
 * UA the rest of the territory of r. */
int fl_sides_snapshot(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r,
                      const fl_profile *sides, fl_snapshot **out);

/* regions.c */
struct fl_regions {
    fl_ctx *ctx;     /* made with it; fl_regions_close frees with it */
    uint64_t serial; /* unique within the context: caches key on it, not on the address */
    int n;
    int level; /* fl_level: the deepest "level" attribute */
    char **code, **name;
    json_object **props;
    GEOSGeometry **geom;
    const GEOSPreparedGeometry **prep;
    double *km2;
    double (*bbox)[4];
    GEOSGeometry *territory;
    const GEOSPreparedGeometry *territory_prep;
    double territory_km2;
    GEOSSTRtree *tree;
    double snap_km; /* the coast and border conflation's tolerance (conflate.c) */
    /* What is computed from the regions when first asked and then kept, filled in through
     * const regions (allocated with the regions): the conflation's tiles along the
     * territory's boundary (conflate.c). */
    struct fl_regions_cache {
        struct fl_coast *coast;
    } *cache;
    struct fl_water_cut *water; /* water.c: the water in the territory, or NULL */
};
/* A copy of src in ctx, for another thread (the caches are not copied). */
int fl_regions_copy(fl_ctx *ctx, const fl_regions *src, fl_regions **out);
/* {code, name, name_uk, level, parent} of region i: how every document names a region. */
json_object *fl_region_json(const fl_regions *r, int i);
/* The regions whose bounds overlap bbox, as a list of indices (caller frees). */
int *fl_regions_near(const fl_regions *r, const double bbox[4], int *count);

/* csv.c */
typedef struct fl_csv_row {
    int n;
    char **field;
} fl_csv_row;
/* Reads the next record (a blank line is a record of one empty field); returns FL_OK, -1 at
 * end of file, or an error. *line counts physical lines for messages. */
int fl_csv_next(fl_ctx *ctx, FILE *f, const char *path, int *line, fl_csv_row *row);
void fl_csv_free(fl_csv_row *row);
/* Index of the first header column named like one of names (NULL-terminated), or -1. */
int fl_csv_column(const fl_csv_row *header, const char *const *names);

/* places.c */
struct fl_places {
    int n;
    char **id, **name;
    double *lat, *lon;
    int ncol;    /* every column of the CSV, for fl_places_attr */
    char **col;  /* header names */
    char **cell; /* n × ncol texts */
};
/* Status (and region) of n points as the snapshot draws them: fl_snapshot_status_at without
 * the conflation and the water. */
int fl_snapshot_status_drawn(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, size_t n,
                             const double *lat, const double *lon, int *status, int *region);
/* Turns drawn statuses into published ones, in place: the conflation's slivers (see
 * fl_regions_set_snap_km), then, if water, the undrawn water (fl_regions_set_water). A
 * function of the drawn status, the point and the snapshot alone. */
int fl_status_conflate(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, size_t n,
                       const double *lat, const double *lon, bool water, int *status);
/* Status and region of every place (arrays of n, caller frees). A place is a settlement, on
 * land: undrawn water is not a status of it (Nova Odesa's point lies in the Southern Bug's
 * polygon; that is the point's precision, not a town in the water), the conflation is. */
int fl_places_status(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, const fl_places *p,
                     int **status, int **region);
/* {"id","name","lat","lon"} of place i. */
json_object *fl_place_json(const fl_places *p, int i);

/* areas.c: km² of each status of s within area (a region), into km2[nstatus]. */
int fl_status_km2_in(fl_ctx *ctx, const fl_snapshot *s, const GEOSGeometry *area,
                     double area_km2, double *km2);
/* km² of each status in the territory (row 0) and in each region (row k + 1 for region k),
 * rows of nstatus; computed once per snapshot and regions, owned by the snapshot; NULL on
 * error. */
const double *fl_snapshot_region_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r);
/* areas.c: s's areas without what is carried: what the conflation moved; its km² and water
 * left 0 until fl_areas_fill. It does not refer to s (a timeline keeps it past s; only the
 * getters below fl_areas_new in frontline.h apply to it). */
int fl_areas_measure(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, fl_areas **out);
/* Fills a's km² from the km² of each status in the territory and regions, laid out as
 * fl_snapshot_region_km2 gives them: those plus what the conflation moved, less the water
 * (water: rows as fl_snapshot_water_km2 gives them, copied into a; NULL: the water a has). */
void fl_areas_fill(fl_areas *a, const double *region_km2, const double *water);
/* carry.c: fills the diagonal of m, (nr + 1) matrices (ns + 1)² (everywhere, then each
 * region) of A → B whose cells off the diagonal are the diff's changes, from A's km²
 * (a_drawn: each drawn status as drawn; a_region: laid out as fl_snapshot_region_km2 gives
 * them), and B's km² (b_drawn, b_region, the same) from m's columns. */
void fl_carry(int ns, int nr, const double *a_drawn, const double *a_region, double *m,
              double *b_drawn, double *b_region);
/* Report pieces shared by the JSON reports. */
json_object *fl_counts_json(const fl_counts *c);
json_object *fl_snapshot_head_json(const fl_snapshot *s);
/* {"file", "time"}: a report's head (fl_snapshot_head_json's, of a snapshot's path and time). */
json_object *fl_head_json(const char *path, int64_t time);


/* Timestamps and names for reports. */
json_object *fl_json_time(int64_t t);

/* Clips every layer of s to the territory: out[i] for each status, the default status being
 * territory − cover. Caller destroys each. */
int fl_snapshot_clip(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r,
                     GEOSGeometry **out);
/* front.c: the border band, the territory's boundary buffered by tolerance_km in a local
 * projection, within which the frontline is not counted (fl_front_new). The same for every
 * snapshot over the same regions: a timeline makes it once and hands it to each call below.
 * The regions must outlive it. */
typedef struct fl_front_band fl_front_band;
int fl_front_band_new(fl_ctx *ctx, const fl_regions *r, double tolerance_km,
                      fl_front_band **out);
void fl_front_band_free(fl_front_band *b);
/* For another thread: a clone of b's band (a geometry, which belongs to no context) made
 * in b's context, NULL on error; fl_front_band_adopt then makes a border band of it in the
 * thread's context, for r, a copy of b's regions (milliseconds, where buffering again takes
 * 0.2-0.4 s). Adopting takes the geometry, also on failure. */
GEOSGeometry *fl_front_band_clone(fl_ctx *ctx, const fl_front_band *b);
int fl_front_band_adopt(fl_ctx *ctx, GEOSGeometry *band, const fl_regions *r,
                        fl_front_band **out);
/* fl_front_new with the band of its regions and tolerance already made. */
int fl_front_with(fl_ctx *ctx, const fl_snapshot *s, const fl_front_band *b, fl_front **out);
/* The change of the frontline's length (km) from a to b, given their windows: outside the
 * windows' cores both fronts are the same. */
int fl_front_change_km(fl_ctx *ctx, const fl_window *w, int nwin, const fl_profile *p,
                       const fl_front_band *b, double *delta);
/* front.c: the frontline's merged lines (lon/lat), owned by the front. */
const GEOSGeometry *fl_front_line(const fl_front *f);

/* Where a GeoJSON FeatureCollection goes: a file (path, written atomically) or memory (text
 * receives a malloc'd string the caller frees, set only on success). Exactly one is set. */
typedef struct fl_geojson_sink {
    const char *path;
    char **text;
} fl_geojson_sink;
/* Writes geometries (NULL: geometry null) with JSON properties as a GeoJSON
 * FeatureCollection to a sink. */
int fl_write_geojson_layers(fl_ctx *ctx, fl_geojson_sink to, size_t n,
                            GEOSGeometry *const *geoms, json_object *const *props);

#endif
