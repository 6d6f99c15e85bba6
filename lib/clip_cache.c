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
 * runs for the few features that changed.
 *
 * The entries that are not empty come first, in an order of their own (by status, then the
 * clip's hash), not in the snapshot's: what a box computes from them (GEOS' unions, whose
 * result depends on the order of their input) is then a function of the set of clips alone.
 * Consecutive DeepStateMap exports often list the same features in another order, or add a
 * feature whose bounds meet the box but not the feature itself; in the snapshot's order either
 * changed the owners' keys, and made them compute again what they had: over the whole public
 * archive (1,359 versions) the conflation computed its tiles 8,273 times, and computes them
 * 2,342 times in this order (147 of them the first version's). The empty clips follow, kept
 * only so that their features are not clipped again. Nothing depends on the cache's past. */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void fl_clip_cache_clear(fl_ctx *ctx, fl_clip_cache *c)
{
    fl_destroy_all(ctx, c->g, c->all);
    free(c->feat);
    free(c->status);
    free(c->hash);
    free(c->mark);
    *c = (fl_clip_cache){0};
}

/* Index of the entry of old for feature hash h not yet taken (taken[]), or -1. */
static long find(const fl_clip_cache *old, const bool *taken, uint64_t h)
{
    for (size_t i = 0; i < old->all; i++)
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

/* The sort's view of a cache: its entries and which are empty. */
typedef struct sorting {
    const fl_clip_cache *c;
    const bool *empty;
} sorting;

/* Entry a before entry b: a clip that is not empty first, then by status, the clip's hash and
 * the feature's hash (two features with equal clips are in either order the same input). */
static int canonical(const void *x, const void *y, void *arg)
{
    const sorting *o = arg;
    const fl_clip_cache *c = o->c;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    if (o->empty[a] != o->empty[b])
        return o->empty[a] ? 1 : -1;
    if (c->status[a] != c->status[b])
        return c->status[a] < c->status[b] ? -1 : 1;
    if (c->hash[a] != c->hash[b])
        return c->hash[a] < c->hash[b] ? -1 : 1;
    return (c->feat[a] > c->feat[b]) - (c->feat[a] < c->feat[b]);
}

/* base[i] = old base[by[i]] for the n elements of size bytes at base (tmp: room for them). */
static void permute(void *base, size_t size, const size_t *by, size_t n, char *tmp)
{
    memcpy(tmp, base, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy((char *)base + i * size, tmp + by[i] * size, size);
}

_Static_assert(sizeof(GEOSGeometry *) <= sizeof(uint64_t), "a clip's fields fit in 8 bytes");

/* c's entries put in the canonical order, and c->n set to the number that are not empty. */
static int order(fl_ctx *ctx, fl_clip_cache *c)
{
    size_t *by = fl_calloc(ctx, c->all + 1, sizeof *by);
    bool *empty = fl_calloc(ctx, c->all + 1, sizeof *empty);
    char *tmp = fl_calloc(ctx, c->all + 1, sizeof(uint64_t)); /* the widest field's */
    int rc = by && empty && tmp ? FL_OK : FL_ENOMEM;
    c->n = 0;
    for (size_t i = 0; i < c->all && !rc; i++) {
        char e = GEOSisEmpty_r(ctx->geos, c->g[i]);
        if (e == 2)
            rc = fl_geos_error(ctx, "a clip");
        empty[i] = e == 1;
        c->n += !empty[i];
        by[i] = i;
    }
    if (!rc) {
        qsort_r(by, c->all, sizeof *by, canonical, &(sorting){c, empty});
        permute(c->feat, sizeof *c->feat, by, c->all, tmp);
        permute(c->status, sizeof *c->status, by, c->all, tmp);
        permute(c->hash, sizeof *c->hash, by, c->all, tmp);
        permute(c->g, sizeof *c->g, by, c->all, tmp);
        permute(c->mark, sizeof *c->mark, by, c->all, tmp);
    }
    free(by);
    free(empty);
    free(tmp);
    return rc;
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
    bool *taken = fl_calloc(ctx, old.all + 1, sizeof *taken);
    int rc = c->feat && c->status && c->hash && c->g && c->mark && taken ? FL_OK : FL_ENOMEM;
    for (size_t i = 0; i < s->nfeat && !rc; i++) {
        if (!fl_bounds_overlap(s->feat[i].bbox, box))
            continue;
        rc = fill(ctx, c, c->all, &s->feat[i], box, &old, taken);
        c->all += !rc;
    }
    assert(rc || c->all == n);
    free(taken);
    fl_clip_cache_clear(ctx, &old);
    if (!rc)
        rc = order(ctx, c);
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
