/* test_clip_cache.c — a box's clips of two versions (clip_cache.c): what the owners key and
 * compute does not depend on the order of the features in the file, nor on features whose
 * bounds meet the box but not their geometry, and still changes with what they clip.
 *
 *  - Version A: three occupied rectangles meeting the box, one liberated, and a triangle
 *    whose bounds meet the box but which lies beside it (an empty clip).
 *  - Version B: A's features in reverse order, and a second triangle beside the box. Its key
 *    (the owners' hash of the clips, fl_clip_cache_key) is A's, its clips are A's in the same
 *    order, and none of them was clipped again; the empty clips come after the others.
 *  - Version C: B with one rectangle moved: a different key.
 * Links the library statically with its internal header. */
#include "check.h"
#include "internal.h"

static fl_ctx *ctx;
static fl_profile *profile;

static const double BOX[4] = {30.0, 48.0, 31.0, 49.0};

#define OCCUPIED "#poly-A52714-1200-77-nodesc"
#define LIBERATED "#poly-0F9D58-1200-77-nodesc"

/* A rectangle (w, s, e, n) or, when tri, the triangle (w, s), (e, n), (w, n). */
typedef struct shape {
    const char *style;
    double w, s, e, n;
    bool tri;
} shape;

static const char *write_version(const char *name, const shape *sh, int n)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "/tmp/fl_clip_cache_%d_%s", (int)getpid(), name);
    FILE *f = fopen(p, "w");
    if (!f)
        exit(1);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (int i = 0; i < n; i++) {
        const shape *x = &sh[i];
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"name\":\"f%d\",\"styleUrl\":\"%s\"},"
                   "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[",
                i ? "," : "", i, x->style);
        if (x->tri)
            fprintf(f, "[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]", x->w, x->s, x->e, x->n,
                    x->w, x->n, x->w, x->s);
        else
            fprintf(f, "[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]", x->w, x->s,
                    x->e, x->s, x->e, x->n, x->w, x->n, x->w, x->s);
        fputs("]]}}", f);
    }
    fputs("]}", f);
    if (fclose(f))
        exit(1);
    return p;
}

static fl_snapshot *open_version(const char *name, const shape *sh, int n)
{
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, write_version(name, sh, n), profile, &s));
    return s;
}

/* The key of c's clips, as the owners make it. */
static uint64_t key(const fl_clip_cache *c)
{
    uint64_t h = FL_HASH_SEED;
    for (size_t i = 0; i < c->n; i++)
        h = fl_clip_cache_key(c, i, h);
    return h;
}

static void check_empty_last(const fl_clip_cache *c, const char *name)
{
    for (size_t i = 0; i < c->all; i++)
        CHECK((GEOSisEmpty_r(ctx->geos, c->g[i]) == 1) == (i >= c->n),
              "%s: clip %zu of %zu (%zu not empty) is %sempty", name, i, c->all, c->n,
              i >= c->n ? "not " : "");
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    /* the triangles' bounds meet the box; they lie beyond its north-west corner (30, 49), where
     * latitude less longitude is over 19 */
    const shape a[] = {
        {OCCUPIED, 29.8, 48.2, 30.4, 48.6, false}, {OCCUPIED, 30.3, 48.3, 30.7, 48.8, false},
        {OCCUPIED, 30.6, 48.1, 31.2, 48.5, false}, {LIBERATED, 30.5, 48.7, 30.9, 49.2, false},
        {OCCUPIED, 29.5, 48.6, 30.4, 49.5, true},
    };
    const shape b[] = {a[4], a[3], a[2], a[1], a[0], {OCCUPIED, 29.4, 48.6, 30.3, 49.5, true}};
    shape c[6];
    memcpy(c, b, sizeof b);
    c[3].e += 0.05;
    fl_snapshot *sa = open_version("a.geojson", a, 5), *sb = open_version("b.geojson", b, 6),
                *sc = open_version("c.geojson", c, 6);
    fl_clip_cache cache = {0};
    CHECK_OK(ctx, fl_clip_cache_update(ctx, &cache, sa, BOX));
    CHECK(cache.n == 4 && cache.all == 5, "A: %zu clips, %zu not empty", cache.all, cache.n);
    check_empty_last(&cache, "A");
    uint64_t ka = key(&cache), ha[8];
    memcpy(ha, cache.hash, cache.n * sizeof *ha);
    for (size_t i = 0; i < cache.all; i++)
        cache.mark[i] = 1; /* a clip made again would be marked -1 */
    CHECK_OK(ctx, fl_clip_cache_update(ctx, &cache, sb, BOX));
    CHECK(cache.n == 4 && cache.all == 6, "B: %zu clips, %zu not empty", cache.all, cache.n);
    check_empty_last(&cache, "B");
    CHECK(key(&cache) == ka, "B, A's features reversed, has another key");
    for (size_t i = 0; i < cache.n && i < 4; i++) {
        CHECK(cache.hash[i] == ha[i], "B: clip %zu is not A's", i);
        CHECK(cache.mark[i] == 1, "B: clip %zu was made again", i);
    }
    CHECK_OK(ctx, fl_clip_cache_update(ctx, &cache, sc, BOX));
    CHECK(cache.n == 4 && key(&cache) != ka, "C, one rectangle moved, has A's key");
    fl_clip_cache_clear(ctx, &cache);
    fl_snapshot_close(sa);
    fl_snapshot_close(sb);
    fl_snapshot_close(sc);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done("clip_cache");
}
