/* snapshot.c — a map version: read its features, classify them with the profile and make
 * their polygons valid (loading); then union each status' polygons and make the statuses
 * exclusive, earlier statuses winning where layers overlap (normalising). A timeline's
 * snapshots after the first are only loaded: their diff works on the features (windows.c). */
#include "internal.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void drop_layers(fl_ctx *ctx, const fl_snapshot *s);

static bool has_style(json_object *props)
{
    json_object *v;
    return json_object_object_get_ex(props, "styleUrl", &v) &&
           json_object_is_type(v, json_type_string) &&
           !strncmp(json_object_get_string(v), "#poly-", 6);
}

/* Keeps a classified feature's polygon (taking it), with its status, bounds and hashes. */
static int keep_feature(fl_ctx *ctx, fl_snapshot *s, GEOSGeometry *poly, const fl_outcome *o)
{
    fl_feat *v = fl_grow(ctx, s->feat, &s->capfeat, s->nfeat + 1, sizeof *v);
    if (!v) {
        GEOSGeom_destroy_r(ctx->geos, poly);
        return FL_ENOMEM;
    }
    s->feat = v;
    fl_feat *f = &s->feat[s->nfeat++];
    *f = (fl_feat){.geom = poly, .status = o->status, .hash = o->hash, .raw = o->raw,
                   .repaired = o->repaired};
    fl_geom_bounds(ctx, poly, f->bbox);
    return FL_OK;
}

static int by_hash(const void *x, const void *y)
{
    uint64_t a = ((const fl_feat *)x)->hash, b = ((const fl_feat *)y)->hash;
    return a < b ? -1 : a > b;
}

/* The bounds of all features (of the union of the layers). */
static void features_bounds(fl_snapshot *s)
{
    for (size_t i = 0; i < s->nfeat; i++) {
        const double *b = s->feat[i].bbox;
        if (!i)
            memcpy(s->bbox, b, sizeof s->bbox);
        s->bbox[0] = fmin(s->bbox[0], b[0]);
        s->bbox[1] = fmin(s->bbox[1], b[1]);
        s->bbox[2] = fmax(s->bbox[2], b[2]);
        s->bbox[3] = fmax(s->bbox[3], b[3]);
    }
}

/* The raw hash of a feature as read (its status and coordinates), 0 when its geometry is not
 * a plain (Multi)Polygon. */
static uint64_t raw_hash(fl_ctx *ctx, const GEOSGeometry *g, int status)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    return type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON ? fl_polygon_hash(ctx, g, status) : 0;
}

static int by_raw(const void *x, const void *y)
{
    uint64_t a = ((const fl_feat *)x)->raw, b = ((const fl_feat *)y)->raw;
    return a < b ? -1 : a > b;
}

/* Features of prev sorted by raw hash (copies of the structs; the geometries stay prev's). */
static fl_feat *by_raw_hash(fl_ctx *ctx, const fl_snapshot *prev)
{
    fl_feat *v = prev ? fl_calloc(ctx, prev->nfeat + 1, sizeof *v) : NULL;
    if (v) {
        memcpy(v, prev->feat, prev->nfeat * sizeof *v);
        qsort(v, prev->nfeat, sizeof *v, by_raw);
    }
    return v;
}

static GEOSGeometry *copy_of(fl_ctx *ctx, const fl_feat *f)
{
    GEOSGeometry *g = f ? GEOSGeom_clone_r(ctx->geos, f->geom) : NULL;
    if (!g)
        fl_geos_error(ctx, "copying a feature");
    return g;
}

/* Classifies feature f and makes its valid, densified polygon (*poly, NULL when it has none):
 * a copy of prev's when prev had the very same coordinates and status (known: prev's
 * features sorted by raw hash), else made. */
static int outcome_of(fl_ctx *ctx, const fl_snapshot *s, const fl_feature *f,
                      const fl_origin *origin, const fl_feat *known, size_t nknown,
                      fl_outcome *o, GEOSGeometry **poly)
{
    int status;
    if (fl_profile_classify(s->profile, f->props, origin, &status))
        return fl_error(ctx, FL_ENOMEM, "out of memory matching the profile's rules");
    *o = (fl_outcome){.status = status, .styled = has_style(f->props),
                      .bare = json_object_object_length(f->props) == 0};
    *poly = NULL;
    if (!f->geom) {
        o->status = FL_CLASS_NO_POLYGON;
        return FL_OK;
    }
    o->raw = status >= 0 ? raw_hash(ctx, f->geom, status) : 0;
    fl_feat key = {.raw = o->raw};
    const fl_feat *same = o->raw && known ? bsearch(&key, known, nknown, sizeof key, by_raw)
                                          : NULL;
    if (same)
        o->repaired = same->repaired;
    *poly = same ? copy_of(ctx, same) : fl_polygonal(ctx, f->geom, true, &o->repaired);
    if (!*poly) /* never FL_OK without a polygon, whatever failed */
        return ctx->err ? ctx->err : fl_error(ctx, FL_ENOMEM, "making its polygon failed");
    if (GEOSisEmpty_r(ctx->geos, *poly))
        o->status = FL_CLASS_NO_POLYGON;
    else if (status >= 0)
        o->hash = fl_polygon_hash(ctx, *poly, status);
    return FL_OK;
}

/* Counts the outcome of one feature; takes poly and keeps it when classified. */
static int count(fl_ctx *ctx, fl_snapshot *s, const fl_outcome *o, GEOSGeometry *poly,
                 bool *styled, bool *bare)
{
    if (o->status == FL_CLASS_NO_POLYGON) {
        s->counts.no_polygon++;
        if (poly)
            GEOSGeom_destroy_r(ctx->geos, poly);
        return FL_OK;
    }
    *styled |= o->styled;
    *bare &= o->bare;
    s->counts.repaired += o->repaired;
    if (o->status < 0) {
        *(o->status == FL_CLASS_IGNORED ? &s->counts.ignored : &s->counts.unclassified) += 1;
        GEOSGeom_destroy_r(ctx->geos, poly);
        return FL_OK;
    }
    s->counts.classified++;
    s->status_features[o->status]++;
    return keep_feature(ctx, s, poly, o);
}

/* One version's load: the previous version (or NULL), its features sorted by raw hash, and
 * what the files read so far showed. */
typedef struct loading {
    const fl_snapshot *prev;
    fl_feat *known;
    bool alone;        /* the version is one file: it keeps its text and outcomes */
    bool styled, bare; /* some feature had a DeepState style; every feature had none */
    const char *kind;  /* the first file's reader */
    int64_t time;      /* the latest a property gave (FL_TIME_UNKNOWN: none) */
} loading;

/* Accounts for every feature of one file (path, read into fs) and keeps each classified
 * polygon. A feature the very same as one of prev (same text) takes prev's outcome and a copy
 * of its polygon; one of the same coordinates and status, a copy of its polygon. */
static int classify(fl_ctx *ctx, fl_snapshot *s, fl_features *fs, const char *path,
                    loading *l)
{
    const fl_snapshot *prev = l->prev;
    fl_origin_buf origin;
    fl_origin_of(path, &origin);
    s->outcome = l->alone && fs->src.n ? fl_calloc(ctx, fs->n, sizeof *s->outcome) : NULL;
    s->counts.total += (long)fs->n;
    int rc = l->alone && fs->src.n && !s->outcome ? FL_ENOMEM : FL_OK;
    for (size_t i = 0; i < fs->n && !rc; i++) {
        fl_feature *f = &fs->v[i];
        fl_outcome o;
        GEOSGeometry *poly = NULL;
        if (f->same >= 0) {
            o = prev->outcome[f->same];
            fl_feat key = {.hash = o.hash};
            if (o.status >= 0 && !(poly = copy_of(ctx, bsearch(&key, prev->feat, prev->nfeat,
                                                               sizeof key, by_hash))))
                rc = ctx->err;
        } else if ((rc = outcome_of(ctx, s, f, &origin.o, l->known, prev ? prev->nfeat : 0,
                                    &o, &poly))) {
            char why[sizeof ctx->msg];
            snprintf(why, sizeof why, "%s", ctx->msg); /* ctx->msg is rewritten below */
            rc = fl_error(ctx, rc, "%s: feature %zu: %s", path, i, why);
        }
        if (!rc)
            rc = count(ctx, s, &o, poly, &l->styled, &l->bare);
        if (!rc && s->outcome)
            s->outcome[i] = o;
    }
    return rc;
}

/* Once every file is classified: the features sorted by hash, the bounds and the kind. */
static void classified(fl_snapshot *s, const loading *l)
{
    if (s->nfeat) /* qsort wants an array, even of none */
        qsort(s->feat, s->nfeat, sizeof *s->feat, by_hash);
    features_bounds(s);
    if (!strcmp(l->kind, "geojson"))
        s->kind = l->styled ? "deepstate" : l->bare ? "single-layer" : "geojson";
    else
        s->kind = l->kind;
}

/* Copies of the polygons of the features of one status (caller frees the array). */
static GEOSGeometry **status_polygons(fl_ctx *ctx, const fl_snapshot *s, int status, size_t *n)
{
    GEOSGeometry **g = fl_calloc(ctx, s->nfeat + 1, sizeof *g);
    *n = 0;
    for (size_t i = 0; g && i < s->nfeat; i++) {
        if (s->feat[i].status != status)
            continue;
        if (!(g[(*n)++] = GEOSGeom_clone_r(ctx->geos, s->feat[i].geom))) {
            fl_geos_error(ctx, "copying a feature");
            for (size_t k = 0; k + 1 < *n; k++)
                GEOSGeom_destroy_r(ctx->geos, g[k]);
            free(g);
            return NULL;
        }
    }
    return g;
}

/* The union of one status' polygons. */
static GEOSGeometry *status_union(fl_ctx *ctx, const fl_snapshot *s, int status)
{
    size_t n;
    GEOSGeometry **g = status_polygons(ctx, s, status, &n);
    GEOSGeometry *u = g ? fl_union_all(ctx, g, n) : NULL;
    free(g);
    return u;
}

int fl_snapshot_normalise(fl_ctx *ctx, const fl_snapshot *s)
{
    int drawn = s->nstatus - 1;
    if (s->cache->cover)
        return FL_OK;
    GEOSGeometry *cover = NULL;
    for (int i = 0; i < drawn; i++) {
        GEOSGeometry *u = status_union(ctx, s, i);
        if (!u)
            break;
        if (cover) {
            s->layer[i] = fl_difference(ctx, u, cover);
            GEOSGeometry *c = s->layer[i] ? fl_union(ctx, cover, u) : NULL;
            GEOSGeom_destroy_r(ctx->geos, u);
            GEOSGeom_destroy_r(ctx->geos, cover);
            cover = c;
        } else {
            s->layer[i] = u;
            cover = GEOSGeom_clone_r(ctx->geos, u);
        }
        if (!s->layer[i] || !cover)
            break;
        s->km2[i] = fl_geom_km2(ctx, s->layer[i]);
        if (!(s->prep[i] = GEOSPrepare_r(ctx->geos, s->layer[i])))
            break;
    }
    int rc = FL_OK;
    for (int i = 0; i < drawn; i++)
        if (!s->layer[i] || !s->prep[i])
            rc = ctx->err ? ctx->err : fl_geos_error(ctx, "normalising layers");
    if (rc) {
        if (cover)
            GEOSGeom_destroy_r(ctx->geos, cover);
        drop_layers(ctx, s);
        return rc;
    }
    s->cache->cover = cover;
    s->cache->km2_known = true;
    return FL_OK;
}

/* The names of n paths joined by commas (how the CLI lists one version's files). */
static char *joined(fl_ctx *ctx, const char *const *paths, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(paths[i]) + 1;
    char *s = fl_malloc(ctx, len), *w = s;
    for (size_t i = 0; s && i < n; i++)
        w += sprintf(w, "%s%s", i ? "," : "", paths[i]);
    return s;
}

static int snapshot_alloc(fl_ctx *ctx, fl_snapshot **out, const char *const *paths, size_t n,
                          const fl_profile *p)
{
    fl_snapshot *s = fl_calloc(ctx, 1, sizeof *s);
    if (!s)
        return FL_ENOMEM;
    s->ctx = ctx;
    *out = s;
    s->profile = p;
    s->nstatus = fl_profile_status_count(p);
    s->path = joined(ctx, paths, n);
    s->status_features = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->status_features);
    s->layer = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->layer);
    s->prep = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->prep);
    s->km2 = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->km2);
    s->cache = fl_calloc(ctx, 1, sizeof *s->cache);
    s->time = FL_TIME_UNKNOWN;
    for (size_t i = 0; i < n; i++) { /* one version: the latest time its files name */
        int64_t t = fl_time_parse(paths[i]);
        if (t != FL_TIME_UNKNOWN && (s->time == FL_TIME_UNKNOWN || t > s->time))
            s->time = t;
    }
    return s->path && s->status_features && s->layer && s->prep && s->km2 && s->cache
               ? FL_OK : FL_ENOMEM;
}

/* The time a property gives (the profile's "time property="): the latest that a feature's
 * property of that name states, else the wrapping document's member; FL_TIME_UNKNOWN when
 * none has it. A value that is there but not a time is an error. */
static int property_time(fl_ctx *ctx, const fl_features *fs, const char *path,
                         const char *name, int64_t *t)
{
    *t = FL_TIME_UNKNOWN;
    json_object *v;
    for (size_t i = 0; i <= fs->n; i++) {
        json_object *props = i < fs->n ? fs->v[i].props : fs->meta;
        if (!props || (i == fs->n && *t != FL_TIME_UNKNOWN) ||
            !json_object_object_get_ex(props, name, &v) || !v)
            continue;
        const char *text = json_object_get_string(v);
        int64_t when = text ? fl_time_parse(text) : FL_TIME_UNKNOWN;
        if (when == FL_TIME_UNKNOWN)
            return i < fs->n ? fl_error(ctx, FL_EFORMAT, "%s: feature %zu: property %s "
                                        "'%.60s' is not a time", path, i, name, text ? text : "")
                             : fl_error(ctx, FL_EFORMAT, "%s: member %s '%.60s' is not a time",
                                        path, name, text ? text : "");
        if (*t == FL_TIME_UNKNOWN || when > *t)
            *t = when;
    }
    return FL_OK;
}

/* Reads and classifies one file of a version into s. Only a version of one file keeps its
 * text (and outcomes) for the next version's load, and uses prev's (not when the time is a
 * property: every feature is then parsed for it). */
static int load_file(fl_ctx *ctx, fl_snapshot *s, const char *path, loading *l)
{
    fl_features fs = {0};
    const char *time_property = fl_profile_time_property(s->profile);
    const fl_source *text = l->alone && l->prev && l->prev->src.n && !time_property
                                ? &l->prev->src : NULL;
    int64_t t = FL_TIME_UNKNOWN;
    int rc = fl_features_read(ctx, path, &fs, text, fl_profile_wrapped(s->profile));
    if (!rc && time_property && !(rc = property_time(ctx, &fs, path, time_property, &t)) &&
        t != FL_TIME_UNKNOWN && (l->time == FL_TIME_UNKNOWN || t > l->time))
        l->time = t;
    if (!rc)
        rc = classify(ctx, s, &fs, path, l);
    if (!rc && !l->kind)
        l->kind = fs.kind;
    if (!rc && l->alone && fs.src.n) { /* keep the text and outcomes for the next version */
        s->src = fs.src;
        fs.src = (fl_source){0};
        rc = fl_source_index(ctx, &s->src);
    }
    fl_features_clear(ctx, &fs);
    return rc;
}

int fl_snapshot_load_files(fl_ctx *ctx, const char *const *paths, size_t n,
                           const fl_profile *profile, const fl_snapshot *prev,
                           fl_snapshot **out)
{
    *out = NULL;
    if (n == 0 || !paths)
        return fl_error(ctx, FL_EARG, "no snapshot file given");
    if (!profile)
        return fl_error(ctx, FL_EARG, "%s: no profile given", paths[0]);
    fl_snapshot *s = NULL;
    int rc = snapshot_alloc(ctx, &s, paths, n, profile);
    loading l = {.prev = prev && prev->profile == profile ? prev : NULL, .alone = n == 1,
                 .bare = true, .time = FL_TIME_UNKNOWN};
    if (!rc && l.prev && !(l.known = by_raw_hash(ctx, l.prev)))
        rc = FL_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        rc = load_file(ctx, s, paths[i], &l);
    free(l.known);
    if (rc) {
        fl_snapshot_close(s);
        return rc;
    }
    classified(s, &l);
    if (l.time != FL_TIME_UNKNOWN) /* the time properties state wins over the file names */
        s->time = l.time;
    *out = s;
    return FL_OK;
}

int fl_snapshot_load(fl_ctx *ctx, const char *path, const fl_profile *profile,
                     const fl_snapshot *prev, fl_snapshot **out)
{
    return fl_snapshot_load_files(ctx, &path, 1, profile, prev, out);
}

int fl_snapshot_open_files(fl_ctx *ctx, const char *const *paths, size_t n,
                           const fl_profile *profile, fl_snapshot **out)
{
    if (!paths || !profile || !out)
        return fl_null_arg(ctx, __func__, !paths ? "paths" : !profile ? "profile" : "out");
    for (size_t i = 0; i < n; i++)
        if (!paths[i])
            return fl_null_arg(ctx, __func__, "paths[i]");
    int rc = fl_snapshot_load_files(ctx, paths, n, profile, NULL, out);
    if (!rc && (rc = fl_snapshot_normalise(ctx, *out))) {
        fl_snapshot_close(*out);
        *out = NULL;
    }
    if (!rc)
        fl_snapshot_forget_source(*out);
    return rc;
}

int fl_snapshot_of_polygons(fl_ctx *ctx, const char *path, const fl_profile *profile,
                            GEOSGeometry **polys, const int *status, size_t n, fl_snapshot **out)
{
    *out = NULL;
    fl_snapshot *s = NULL;
    int rc = snapshot_alloc(ctx, &s, &path, 1, profile);
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *g = polys[i];
        polys[i] = NULL;
        if (!g || rc || GEOSisEmpty_r(ctx->geos, g)) {
            if (g)
                GEOSGeom_destroy_r(ctx->geos, g);
            continue;
        }
        assert(status[i] >= 0 && status[i] < s->nstatus - 1); /* a drawn status */
        fl_outcome o = {.status = status[i], .hash = fl_polygon_hash(ctx, g, status[i])};
        s->counts.total++;
        s->counts.classified++;
        s->status_features[status[i]]++;
        rc = keep_feature(ctx, s, g, &o);
    }
    if (!rc) {
        if (s->nfeat)
            qsort(s->feat, s->nfeat, sizeof *s->feat, by_hash);
        features_bounds(s);
        s->kind = "derived";
        rc = fl_snapshot_normalise(ctx, s);
    }
    if (rc) {
        fl_snapshot_close(s);
        return rc;
    }
    *out = s;
    return FL_OK;
}

int fl_snapshot_open(fl_ctx *ctx, const char *path, const fl_profile *profile,
                     fl_snapshot **out)
{
    if (!path || !profile || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : !profile ? "profile" : "out");
    return fl_snapshot_open_files(ctx, &path, 1, profile, out);
}

void fl_snapshot_forget_source(fl_snapshot *s)
{
    fl_source_clear(&s->src);
    free(s->outcome);
    s->outcome = NULL;
}

/* Frees the layers (they can be computed again from the features). */
static void drop_layers(fl_ctx *ctx, const fl_snapshot *s)
{
    for (int i = 0; s->prep && i < s->nstatus; i++) { /* either array may be missing */
        if (s->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, s->prep[i]);
        s->prep[i] = NULL;
    }
    for (int i = 0; s->layer && i < s->nstatus; i++) {
        if (s->layer[i])
            GEOSGeom_destroy_r(ctx->geos, s->layer[i]);
        s->layer[i] = NULL;
    }
    if (s->cache && s->cache->cover)
        GEOSGeom_destroy_r(ctx->geos, s->cache->cover);
    if (s->cache)
        s->cache->cover = NULL;
}

void fl_snapshot_close(fl_snapshot *s)
{
    if (!s)
        return;
    fl_ctx *ctx = s->ctx;
    drop_layers(ctx, s);
    for (size_t i = 0; i < s->nfeat; i++)
        GEOSGeom_destroy_r(ctx->geos, s->feat[i].geom);
    free(s->feat);
    fl_snapshot_forget_source(s);
    free(s->layer);
    free(s->prep);
    free(s->km2);
    if (s->cache) {
        free(s->cache->region_km2);
        fl_conflation_free(ctx, s->cache->conf);
        fl_locator_free(s->cache->locator);
        free(s->cache->water_keys);
    }
    free(s->cache);
    free(s->status_features);
    free(s->path);
    free(s);
}

const char *fl_snapshot_path(const fl_snapshot *s) { return s->path; }
const char *fl_snapshot_kind(const fl_snapshot *s) { return s->kind; }
int64_t fl_snapshot_time(const fl_snapshot *s) { return s->time; }
void fl_snapshot_set_time(fl_snapshot *s, int64_t t)
{
    assert(t == FL_TIME_UNKNOWN || (t >= FL_TIME_MIN && t <= FL_TIME_MAX));
    s->time = t;
}
const fl_profile *fl_snapshot_profile(const fl_snapshot *s) { return s->profile; }
void fl_snapshot_counts(const fl_snapshot *s, fl_counts *out) { *out = s->counts; }

long fl_snapshot_status_features(const fl_snapshot *s, int i)
{
    return i >= 0 && i < s->nstatus ? s->status_features[i] : 0;
}

void fl_snapshot_bounds(const fl_snapshot *s, double bbox[4])
{
    memcpy(bbox, s->bbox, sizeof s->bbox);
}

double fl_snapshot_status_km2(const fl_snapshot *s, int i)
{
    return i >= 0 && i < s->nstatus ? s->km2[i] : 0;
}

int fl_snapshot_layer_at(fl_ctx *ctx, const fl_snapshot *s, const GEOSGeometry *pt)
{
    for (int i = 0; i < s->nstatus - 1; i++)
        if (GEOSPreparedIntersects_r(ctx->geos, s->prep[i], pt) == 1)
            return i;
    return -1;
}

int fl_snapshot_write(fl_ctx *ctx, const fl_snapshot *s, const char *path)
{
    fl_features fs = {.kind = "layers"};
    int rc = FL_OK;
    for (int i = 0; i < s->nstatus - 1 && !rc; i++) {
        json_object *props = json_object_new_object();
        if (props)
            fl_json_object_add(props, "status",
                                   json_object_new_string(fl_profile_status_name(s->profile, i)));
        GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, s->layer[i]);
        rc = g ? fl_features_push(ctx, &fs, props, g) : fl_geos_error(ctx, "copying a layer");
        if (!g)
            json_object_put(props);
    }
    if (!rc)
        rc = fl_features_write(ctx, &fs, path);
    fl_features_clear(ctx, &fs);
    return rc;
}

int fl_snapshot_geojson(fl_ctx *ctx, const fl_snapshot *s, char **geojson)
{
    int n = s->nstatus - 1; /* the drawn statuses: the default one has no layer */
    json_object **props = fl_calloc(ctx, (size_t)n + 1, sizeof *props);
    int rc = props ? FL_OK : FL_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        props[i] = json_object_new_object();
        if (!props[i])
            rc = fl_error(ctx, FL_ENOMEM, "out of memory building GeoJSON properties");
        else
            fl_json_object_add(props[i], "status",
                                   json_object_new_string(fl_profile_status_name(s->profile, i)));
    }
    if (!rc) /* the layers as they are: the writer only reads them */
        rc = fl_write_geojson_layers(ctx, (fl_geojson_sink){.text = geojson}, (size_t)n,
                                     s->layer, props);
    for (int i = 0; props && i < n; i++)
        json_object_put(props[i]);
    free(props);
    return rc;
}
