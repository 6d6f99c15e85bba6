/* clip_cache.c — a snapshot's features clipped to a fixed box, kept from one version to the
 * next.
 *
 * The conflation's tiles and the water's cells (conflate.c, water.c) each need, for every
 * snapshot of a timeline, the features meeting their box clipped to it: to key their last
 * answer, and to compute a new one when the key changes. A clip depends only on the feature's
 * geometry and the box (fl_clip is deterministic), and a feature is known by its hash
 * (fl_feat.hash, of its status and geometry: the diff takes equal hashes as the same feature).
 * Consecutive versions share most of their features, so a box keeps the clips it made for the
 * last snapshot, by feature hash, and clips only the features it has not seen: on a long
 * archive nearly every clip is found, and GEOS' rectangle clip, which walks the whole feature,
 * runs for the few features that changed. The entries are the snapshot's features meeting the
 * box, in the snapshot's order, whatever the cache held before: what a box computes from them
 * does not depend on the cache. */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>

void fl_clip_cache_clear(fl_ctx *ctx, fl_clip_cache *c)
{
    fl_destroy_all(ctx, c->g, c->n);
    free(c->feat);
    free(c->status);
    free(c->hash);
    free(c->mark);
    *c = (fl_clip_cache){0};
}

/* Index of the entry of old for feature hash h not yet taken (taken[]), or -1. */
static long find(const fl_clip_cache *old, const bool *taken, uint64_t h)
{
    for (size_t i = 0; i < old->n; i++)
        if (!taken[i] && old->feat[i] == h)
            return (long)i;
    return -1;
}

/* Entry k of c: feature f, its clip taken from old (entry j, marked taken) or made. */
static int fill(fl_ctx *ctx, fl_clip_cache *c, size_t k, const fl_feat *f, const double box[4],
                fl_clip_cache *old, bool *taken)
{
    long j = find(old, taken, f->hash);
    c->feat[k] = f->hash;
    c->status[k] = f->status;
    if (j >= 0) {
        taken[j] = true;
        c->g[k] = old->g[j];
        old->g[j] = NULL;
        c->hash[k] = old->hash[j];
        c->mark[k] = old->mark[j];
        return FL_OK;
    }
    c->mark[k] = -1;
    if (!(c->g[k] = fl_clip(ctx, f->geom, box)))
        return ctx->err;
    c->hash[k] = fl_geom_hash(ctx, c->g[k], FL_HASH_SEED);
    return FL_OK;
}

int fl_clip_cache_update(fl_ctx *ctx, fl_clip_cache *c, const fl_snapshot *s,
                         const double box[4])
{
    size_t n = 0;
    for (size_t i = 0; i < s->nfeat; i++)
        n += fl_bounds_overlap(s->feat[i].bbox, box);
    fl_clip_cache old = *c;
    *c = (fl_clip_cache){0};
    c->feat = fl_calloc(ctx, n + 1, sizeof *c->feat);
    c->status = fl_calloc(ctx, n + 1, sizeof *c->status);
    c->hash = fl_calloc(ctx, n + 1, sizeof *c->hash);
    c->g = fl_calloc(ctx, n + 1, sizeof *c->g);
    c->mark = fl_calloc(ctx, n + 1, sizeof *c->mark);
    bool *taken = fl_calloc(ctx, old.n + 1, sizeof *taken);
    int rc = c->feat && c->status && c->hash && c->g && c->mark && taken ? FL_OK : FL_ENOMEM;
    for (size_t i = 0; i < s->nfeat && !rc; i++) {
        if (!fl_bounds_overlap(s->feat[i].bbox, box))
            continue;
        rc = fill(ctx, c, c->n, &s->feat[i], box, &old, taken);
        c->n += !rc;
    }
    assert(rc || c->n == n);
    free(taken);
    fl_clip_cache_clear(ctx, &old);
    if (rc)
        fl_clip_cache_clear(ctx, c);
    return rc;
}

uint64_t fl_clip_cache_key(const fl_clip_cache *c, size_t i, uint64_t h)
{
    assert(i < c->n);
    h = fl_hash_bytes(h, &c->status[i], sizeof c->status[i]);
    return fl_hash_bytes(h, &c->hash[i], sizeof c->hash[i]);
}

int fl_clip_cache_copies(fl_ctx *ctx, const fl_clip_cache *c, GEOSGeometry **g)
{
    for (size_t i = 0; i < c->n; i++)
        if (!(g[i] = GEOSGeom_clone_r(ctx->geos, c->g[i]))) {
            while (i)
                GEOSGeom_destroy_r(ctx->geos, g[--i]);
            return fl_geos_error(ctx, "copying a clip");
        }
    return FL_OK;
}
