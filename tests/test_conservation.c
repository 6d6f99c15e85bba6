/* test_conservation.c — make-valid is idempotent and overlays conserve area (issue 7).
 *
 *  - fl_polygonal (GEOS make-valid and the polygonal parts) of an already valid polygon gives
 *    back the very same vertices and does not count it as repaired: for a hand-made square,
 *    for every loaded feature of the samples and of the shared files; and a snapshot written
 *    as WKT, read back and written again gives the same text.
 *  - For every status layer of every consecutive pair (the samples; every shared raw pair
 *    when ../shared/data is present): area(A) = area(A ∩ B) + area(A − B) within 1e-9
 *    relative.
 *  - fl_clip (GEOS' rectangle clip where it is safe, else an overlay) of random valid
 *    polygons on a grid, in rectangles on and off its lines: always valid, with the area of
 *    GEOS' overlay with the rectangle, including the cases (counted) where GEOS' clip alone
 *    gives an invalid polygon or one of the wrong area.
 * Links the library statically with its internal header. */
#include "check.h"
#include "internal.h"

#include <math.h>


static fl_ctx *ctx;
static fl_profile *profile;

/* fl_polygonal of a valid g: exactly g, not repaired; with geodesic, the densifying at load
 * is idempotent too (a loaded feature is already densified). */
static void idempotent(const GEOSGeometry *g, bool geodesic, const char *what)
{
    bool repaired = false;
    GEOSGeometry *v = fl_polygonal(ctx, g, geodesic, &repaired);
    CHECK(v != NULL, "%s: %s", what, fl_ctx_errmsg(ctx));
    if (!v)
        return;
    CHECK(!repaired, "%s: a valid polygon counted as repaired", what);
    CHECK(GEOSEqualsExact_r(ctx->geos, v, g, 0) == 1, "%s: make-valid changed a valid polygon",
          what);
    GEOSGeom_destroy_r(ctx->geos, v);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
        s[0] = 0;
    fclose(f);
    return s;
}

static void square(void)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r,
        "MULTIPOLYGON(((37.5 47.1,37.52 47.1,37.52 47.12,37.5 47.12,37.5 47.1),"
        "(37.505 47.105,37.505 47.11,37.51 47.11,37.51 47.105,37.505 47.105)),"
        "((37.6 47.2,37.61 47.2,37.61 47.21,37.6 47.2)))");
    CHECK(g && GEOSisValid_r(ctx->geos, g) == 1, "the test polygon is valid");
    if (g) {
        idempotent(g, false, "square with a hole");
        idempotent(g, true, "square with a hole, densified");
        GEOSGeom_destroy_r(ctx->geos, g);
    }
    GEOSWKTReader_destroy_r(ctx->geos, r);

    /* through the public API: write, read back, write again: the same text */
    char in[4200], once[4200], twice[4200];
    snprintf(in, sizeof in, "%s/in.wkt", temp_dir());
    snprintf(once, sizeof once, "%s/once.wkt", temp_dir());
    snprintf(twice, sizeof twice, "%s/twice.wkt", temp_dir());
    FILE *f = fopen(in, "w");
    fputs("occupied;POLYGON((37.5 47.1,37.52 47.1,37.52 47.12,37.5 47.12,37.5 47.1))\n"
          "liberated;POLYGON((37.6 47.2,37.61 47.2,37.61 47.21,37.6 47.2))\n", f);
    fclose(f);
    fl_snapshot *s, *back;
    CHECK_OK(ctx, fl_snapshot_open(ctx, in, profile, &s));
    CHECK_OK(ctx, fl_snapshot_write(ctx, s, once));
    CHECK_OK(ctx, fl_snapshot_open(ctx, once, profile, &back));
    CHECK_OK(ctx, fl_snapshot_write(ctx, back, twice));
    fl_counts c;
    fl_snapshot_counts(back, &c);
    CHECK(c.repaired == 0, "%ld valid features repaired", c.repaired);
    char *t1 = slurp(once), *t2 = slurp(twice);
    CHECK(t1 && t2 && *t1 && !strcmp(t1, t2), "WKT written, read back and written again differs");
    free(t1);
    free(t2);
    fl_snapshot_close(back);
    fl_snapshot_close(s);
}

/* Every loaded feature of s is valid and make-valid leaves it alone. */
static void features(const fl_snapshot *s)
{
    for (size_t i = 0; i < s->nfeat; i++) {
        char what[4200];
        snprintf(what, sizeof what, "%s: feature polygon %zu", s->path, i);
        idempotent(s->feat[i].geom, false, what);
        idempotent(s->feat[i].geom, true, what);
    }
}

static long pairs, layers_checked;
static double worst;

static void conservation(const fl_snapshot *a, const fl_snapshot *b)
{
    for (int st = 0; st < a->nstatus - 1; st++) {
        const GEOSGeometry *A = a->layer[st], *B = b->layer[st];
        double area = fl_geom_km2(ctx, A);
        if (area <= 0)
            continue;
        GEOSGeometry *i = fl_intersection(ctx, A, B), *d = fl_difference(ctx, A, B);
        CHECK(i && d, "%s, %s: overlay failed: %s", a->path, b->path, fl_ctx_errmsg(ctx));
        if (i && d) {
            double sum = fl_geom_km2(ctx, i) + fl_geom_km2(ctx, d);
            double rel = fabs(sum - area) / area;
            worst = fmax(worst, rel);
            layers_checked++;
            CHECK(rel <= 1e-9, "%s -> %s, %s: area %.9f, A∩B + A−B %.9f (rel %.2g)", a->path,
                  b->path, fl_profile_status_name(profile, st), area, sum, rel);
        }
        if (i)
            GEOSGeom_destroy_r(ctx->geos, i);
        if (d)
            GEOSGeom_destroy_r(ctx->geos, d);
    }
    pairs++;
}

static void series(char **paths, int n)
{
    fl_snapshot *prev = NULL;
    for (int k = 0; k < n; k++) {
        fl_snapshot *s;
        CHECK_OK(ctx, fl_snapshot_open(ctx, paths[k], profile, &s));
        features(s);
        if (prev) {
            conservation(prev, s);
            conservation(s, prev);
            fl_snapshot_close(prev);
        }
        prev = s;
    }
    fl_snapshot_close(prev);
}

/* A random valid polygon of 3 to 8 vertices on the integer grid 0..10, or NULL. */
static GEOSGeometry *random_polygon(unsigned *seed)
{
    int n = 3 + (int)(rand_r(seed) % 6);
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(ctx->geos, (unsigned)n + 1, 2);
    for (int i = 0; i <= n; i++) {
        unsigned k = i < n ? rand_r(seed) : 0;
        double x = i < n ? k % 11 : 0, y = i < n ? (k / 11) % 11 : 0;
        if (i == n)
            GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x, &y);
        GEOSCoordSeq_setXY_r(ctx->geos, cs, (unsigned)i, x, y);
    }
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx->geos, cs);
    GEOSGeometry *g = ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
    if (g && GEOSisValid_r(ctx->geos, g) != 1) {
        GEOSGeom_destroy_r(ctx->geos, g);
        g = NULL;
    }
    return g;
}

/* fl_clip against GEOS' overlay with the rectangle, for random polygons and rectangles whose
 * edges fall on the grid (vertices on them, edges through corners) or between its lines. */
static void clips(void)
{
    const double boxes[3][4] = {{1, 1, 5, 9}, {0.5, 2, 7.5, 8.5}, {1.5, 1.5, 5.5, 9.5}};
    unsigned seed = 1;
    int tried = 0, fast_invalid = 0, fast_wrong = 0;
    for (int t = 0; t < 60000; t++) {
        const double *box = boxes[t % 3];
        GEOSGeometry *g = random_polygon(&seed), *rect = fl_rectangle(ctx, box);
        if (!g) {
            GEOSGeom_destroy_r(ctx->geos, rect);
            continue;
        }
        tried++;
        GEOSGeometry *fast = GEOSClipByRect_r(ctx->geos, g, box[0], box[1], box[2], box[3]);
        GEOSGeometry *c = fl_clip(ctx, g, box), *x = GEOSIntersection_r(ctx->geos, g, rect);
        double af = 0, ac = 0, ax = 0;
        CHECK(fast && c && x && GEOSArea_r(ctx->geos, fast, &af) &&
              GEOSArea_r(ctx->geos, c, &ac) && GEOSArea_r(ctx->geos, x, &ax),
              "clip %d: %s", t, fl_ctx_errmsg(ctx));
        CHECK(!c || GEOSisValid_r(ctx->geos, c) == 1, "clip %d: not valid", t);
        CHECK(fabs(ac - ax) <= 1e-9 * fmax(ax, 1), "clip %d: area %.12g, overlay %.12g", t, ac,
              ax);
        fast_invalid += fast && GEOSisValid_r(ctx->geos, fast) != 1;
        fast_wrong += fast && fabs(af - ax) > 1e-9 * fmax(ax, 1);
        GEOSGeometry *tmp[] = {g, rect, fast, c, x};
        for (int i = 0; i < 5; i++)
            if (tmp[i])
                GEOSGeom_destroy_r(ctx->geos, tmp[i]);
    }
    CHECK(tried > 10000 && fast_invalid > 0 && fast_wrong > 0,
          "clips: %d polygons, GEOS' clip invalid for %d, of the wrong area for %d", tried,
          fast_invalid, fast_wrong);
    printf("%d clips; GEOS' own clip invalid for %d of them, of the wrong area for %d\n", tried,
           fast_invalid, fast_wrong);
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    square();
    clips();
    char *samples[] = {strdup(data_file("sample/20220930.geojson")),
                       strdup(data_file("sample/20221004.geojson"))};
    series(samples, 2);
    free(samples[0]);
    free(samples[1]);
    char *paths[256];
    int n = list_geojson(shared_file("deepstate/raw"), paths, 256);
    series(paths, n);
    for (int k = 0; k < n; k++)
        free(paths[k]);
    printf("%ld pairs (both ways), %ld layers: worst relative error %.2g%s\n", pairs,
           layers_checked, worst, n ? "" : " (no shared data: samples only)");
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("conservation");
}
