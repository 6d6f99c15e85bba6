/* snapshot.c — a map version: read its features, classify them with the profile, make the
 * polygons valid and the statuses exclusive (earlier statuses win where layers overlap). */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The polygons of each status while a snapshot is being classified. */
typedef struct bins {
    GEOSGeometry **g;
    size_t n, cap;
} bins;

static int bin_push(fl_ctx *ctx, bins *b, GEOSGeometry *g)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        GEOSGeometry **v = fl_realloc(ctx, b->g, cap, sizeof *v);
        if (!v) {
            GEOSGeom_destroy_r(ctx->geos, g);
            return FL_ENOMEM;
        }
        b->g = v;
        b->cap = cap;
    }
    b->g[b->n++] = g;
    return FL_OK;
}

static bool has_style(json_object *props)
{
    json_object *v;
    return json_object_object_get_ex(props, "styleUrl", &v) &&
           json_object_is_type(v, json_type_string) &&
           !strncmp(json_object_get_string(v), "#poly-", 6);
}

/* FNV-1a over the status and every coordinate of a feature's polygon. */
static uint64_t feature_hash(fl_ctx *ctx, const GEOSGeometry *g, int status)
{
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint64_t)status) * 1099511628211ULL;
    GEOSGeometry *pts = NULL;
    const GEOSCoordSequence *cs;
    int type = GEOSGeomTypeId_r(ctx->geos, g), nparts = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int p = 0; p < nparts; p++) {
        const GEOSGeometry *poly = type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(ctx->geos, g, p);
        int nrings = 1 + GEOSGetNumInteriorRings_r(ctx->geos, poly);
        for (int k = 0; k < nrings; k++) {
            const GEOSGeometry *ring = k ? GEOSGetInteriorRingN_r(ctx->geos, poly, k - 1)
                                         : GEOSGetExteriorRing_r(ctx->geos, poly);
            unsigned int n = 0;
            if (!ring || !(cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring)))
                continue;
            GEOSCoordSeq_getSize_r(ctx->geos, cs, &n);
            for (unsigned int i = 0; i < n; i++) {
                double xy[2];
                GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &xy[0], &xy[1]);
                const unsigned char *b = (const unsigned char *)xy;
                for (size_t j = 0; j < sizeof xy; j++)
                    h = (h ^ b[j]) * 1099511628211ULL;
            }
            h = (h ^ 0xFF) * 1099511628211ULL; /* ring separator */
        }
    }
    (void)pts;
    return h;
}

/* Keeps a copy of a classified feature's polygon and its hash for incremental diffs. */
static int keep_feature(fl_ctx *ctx, fl_snapshot *s, const GEOSGeometry *poly, int status)
{
    size_t n = s->nfeat + 1;
    uint64_t *h = fl_realloc(ctx, s->fhash, n, sizeof *h);
    if (h)
        s->fhash = h;
    GEOSGeometry **g = h ? fl_realloc(ctx, s->fgeom, n, sizeof *g) : NULL;
    if (!g)
        return FL_ENOMEM;
    s->fgeom = g;
    if (!(g[s->nfeat] = GEOSGeom_clone_r(ctx->geos, poly)))
        return fl_geos_error(ctx, "copying a feature");
    h[s->nfeat++] = feature_hash(ctx, poly, status);
    return FL_OK;
}

/* Sorts the kept features by hash (pairs of hash and geometry sorted together). */
static void sort_features(fl_snapshot *s)
{
    for (size_t i = 1; i < s->nfeat; i++) /* insertion sort: a few hundred features */
        for (size_t j = i; j > 0 && s->fhash[j] < s->fhash[j - 1]; j--) {
            uint64_t th = s->fhash[j];
            s->fhash[j] = s->fhash[j - 1];
            s->fhash[j - 1] = th;
            GEOSGeometry *tg = s->fgeom[j];
            s->fgeom[j] = s->fgeom[j - 1];
            s->fgeom[j - 1] = tg;
        }
}

/* Accounts for every feature and puts each classified polygon into its status' bin. */
static int classify(fl_ctx *ctx, fl_snapshot *s, fl_features *fs, bins *bin)
{
    bool deepstate = false, bare = true;
    s->counts.total = (long)fs->n;
    for (size_t i = 0; i < fs->n; i++) {
        fl_feature *f = &fs->v[i];
        bool repaired = false;
        GEOSGeometry *poly = f->geom ? fl_polygonal(ctx, f->geom, true, &repaired) : NULL;
        if (f->geom && !poly) {
            char why[sizeof ctx->msg];
            snprintf(why, sizeof why, "%s", ctx->msg); /* ctx->msg is rewritten below */
            return fl_error(ctx, ctx->err, "%s: feature %zu: %s", s->path, i, why);
        }
        if (!poly || GEOSisEmpty_r(ctx->geos, poly)) {
            s->counts.no_polygon++;
            if (poly)
                GEOSGeom_destroy_r(ctx->geos, poly);
            continue;
        }
        deepstate |= has_style(f->props);
        bare &= json_object_object_length(f->props) == 0;
        s->counts.repaired += repaired;
        int status = fl_profile_classify(s->profile, f->props);
        if (status < 0) {
            *(status == -1 ? &s->counts.ignored : &s->counts.unclassified) += 1;
            GEOSGeom_destroy_r(ctx->geos, poly);
            continue;
        }
        s->counts.classified++;
        s->status_features[status]++;
        int rc = keep_feature(ctx, s, poly, status);
        if (rc) {
            GEOSGeom_destroy_r(ctx->geos, poly);
            return rc;
        }
        if (bin_push(ctx, &bin[status], poly))
            return FL_ENOMEM;
    }
    sort_features(s);
    if (!strcmp(fs->kind, "geojson"))
        s->kind = deepstate ? "deepstate" : bare ? "single-layer" : "geojson";
    else
        s->kind = fs->kind;
    return FL_OK;
}

/* Unions each status' polygons and removes what statuses of higher precedence cover. */
static int normalise(fl_ctx *ctx, fl_snapshot *s, bins *bin)
{
    int drawn = s->nstatus - 1;
    for (int i = 0; i < drawn; i++) {
        GEOSGeometry *u = fl_union_all(ctx, bin[i].g, bin[i].n);
        bin[i].n = 0; /* consumed */
        if (!u)
            break;
        if (s->cover) {
            s->layer[i] = fl_difference(ctx, u, s->cover);
            GEOSGeometry *c = s->layer[i] ? fl_union(ctx, s->cover, u) : NULL;
            GEOSGeom_destroy_r(ctx->geos, u);
            GEOSGeom_destroy_r(ctx->geos, s->cover);
            s->cover = c;
        } else {
            s->layer[i] = u;
            s->cover = GEOSGeom_clone_r(ctx->geos, u);
        }
        if (!s->layer[i] || !s->cover)
            break;
        s->km2[i] = fl_geom_km2(ctx, s->layer[i]);
        s->prep[i] = GEOSPrepare_r(ctx->geos, s->layer[i]);
        if (!s->prep[i])
            break;
    }
    for (int i = 0; i < drawn; i++)
        if (!s->layer[i] || !s->prep[i])
            return ctx->err ? ctx->err : fl_geos_error(ctx, "normalising layers");
    fl_geom_bounds(ctx, s->cover, s->bbox);
    return FL_OK;
}

static int snapshot_alloc(fl_ctx *ctx, fl_snapshot **out, const char *path, const fl_profile *p)
{
    fl_snapshot *s = fl_calloc(ctx, 1, sizeof *s);
    if (!s)
        return FL_ENOMEM;
    *out = s;
    s->profile = p;
    s->nstatus = fl_profile_status_count(p);
    s->path = fl_strdup(ctx, path);
    s->status_features = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->status_features);
    s->layer = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->layer);
    s->prep = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->prep);
    s->km2 = fl_calloc(ctx, (size_t)s->nstatus, sizeof *s->km2);
    s->time = fl_time_parse(path);
    return s->path && s->status_features && s->layer && s->prep && s->km2 ? FL_OK : FL_ENOMEM;
}

int fl_snapshot_open(fl_ctx *ctx, const char *path, const fl_profile *profile,
                     fl_snapshot **out)
{
    *out = NULL;
    if (!profile)
        return fl_error(ctx, FL_EARG, "%s: no profile given", path);
    fl_snapshot *s = NULL;
    int rc = snapshot_alloc(ctx, &s, path, profile);
    fl_features fs = {0};
    bins *bin = rc ? NULL : fl_calloc(ctx, (size_t)s->nstatus, sizeof *bin);
    if (!rc && !bin)
        rc = FL_ENOMEM;
    if (!rc)
        rc = fl_features_read(ctx, path, &fs);
    if (!rc)
        rc = classify(ctx, s, &fs, bin);
    fl_features_clear(ctx, &fs);
    if (!rc)
        rc = normalise(ctx, s, bin);
    for (int i = 0; bin && i < s->nstatus; i++) {
        for (size_t k = 0; k < bin[i].n; k++)
            GEOSGeom_destroy_r(ctx->geos, bin[i].g[k]);
        free(bin[i].g);
    }
    free(bin);
    if (rc) {
        fl_snapshot_close(ctx, s);
        return rc;
    }
    *out = s;
    return FL_OK;
}

void fl_snapshot_close(fl_ctx *ctx, fl_snapshot *s)
{
    if (!s)
        return;
    for (int i = 0; s->layer && i < s->nstatus; i++) {
        if (s->prep && s->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, s->prep[i]);
        if (s->layer[i])
            GEOSGeom_destroy_r(ctx->geos, s->layer[i]);
    }
    if (s->cover)
        GEOSGeom_destroy_r(ctx->geos, s->cover);
    for (size_t i = 0; i < s->nfeat; i++)
        GEOSGeom_destroy_r(ctx->geos, s->fgeom[i]);
    free(s->fgeom);
    free(s->fhash);
    free(s->layer);
    free(s->prep);
    free(s->km2);
    free(s->region_km2);
    free(s->status_features);
    free(s->path);
    free(s);
}

const char *fl_snapshot_path(const fl_snapshot *s) { return s->path; }
const char *fl_snapshot_kind(const fl_snapshot *s) { return s->kind; }
int64_t fl_snapshot_time(const fl_snapshot *s) { return s->time; }
void fl_snapshot_set_time(fl_snapshot *s, int64_t t) { s->time = t; }
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

/* Appends copies of the features of a whose hash b lacks (both sorted by hash). */
static int features_missing(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                            GEOSGeometry **out, size_t *n)
{
    size_t j = 0;
    for (size_t i = 0; i < a->nfeat; i++) {
        while (j < b->nfeat && b->fhash[j] < a->fhash[i])
            j++;
        if (j < b->nfeat && b->fhash[j] == a->fhash[i])
            continue;
        if (!(out[(*n)++] = GEOSGeom_clone_r(ctx->geos, a->fgeom[i])))
            return fl_geos_error(ctx, "copying a feature");
    }
    return FL_OK;
}

GEOSGeometry *fl_snapshot_changed_area(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b)
{
    GEOSGeometry **parts = fl_calloc(ctx, a->nfeat + b->nfeat + 1, sizeof *parts);
    size_t n = 0;
    int rc = parts ? features_missing(ctx, a, b, parts, &n) : FL_ENOMEM;
    if (!rc)
        rc = features_missing(ctx, b, a, parts, &n);
    GEOSGeometry *u = rc ? NULL : fl_union_all(ctx, parts, n);
    if (rc)
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
    free(parts);
    return u;
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
            json_object_object_add(props, "status",
                                   json_object_new_string(fl_status_name(s->profile, i)));
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
