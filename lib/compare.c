/* compare.c — two maps of the same day side by side: how much of the territory they give the
 * same side, where they disagree, and the places they put on different sides.
 *
 * Two sources classify with their own profiles, so their statuses do not match; their sides
 * do (sides.c). Each map is turned into its map of sides, and the diff of those two maps
 * (diff.c: windows, faces, pieces) is the comparison: its matrix cell (x, y) in a region is
 * the km² that is side x in A and side y in B there, so each row adds up to A's km² of a side
 * and each column to B's (tests/test_compare.c checks both against fl_areas, and that
 * swapping A and B transposes the matrix). The territory's matrix is the sum of the
 * regions', which partition it: ground outside the territory is left out. The diff's pieces
 * off the diagonal, cut by the territory's border, are where the maps disagree. A place's
 * side is its status in each map (fl_places_status, on the maps themselves) mapped to a
 * side; places outside the territory (in no region) are left out.
 *
 * Two sources' lines run close together and cross at tiny angles, where floating-point noding
 * is ill-conditioned: with GEOS' floating noder the columns came up to 4.4e-4 km² from B's own
 * areas in a region (DeepStateMap against ISW, 2022-09-30, in Kharkiv Oblast; the faces still
 * tiled the windows and no face was mislabelled). The diff of two sources is therefore
 * snap-rounded to a grid of 1e-12 degrees (windows.c), which moves no vertex by more than
 * 6e-8 m: the sums agree within 1e-7 km² there, at no measurable cost. */
#include "diff.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* A piece where the maps disagree, within the territory (fl_piece first: fl_piece_cmp). */
typedef struct kept {
    fl_piece p;           /* from, to: the sides in a and b */
    GEOSGeometry *geom;
} kept;

struct fl_compare {
    fl_ctx *ctx; /* made with it; fl_compare_free frees with it */
    const fl_snapshot *a, *b;
    const fl_regions *r;
    const fl_places *places;
    fl_profile *sides;     /* the maps of sides' profile: status index = side */
    fl_snapshot *sa, *sb;  /* a's and b's sides */
    fl_diff *d;            /* sa -> sb */
    double *km2;           /* (regions + 1) matrices of sides: the territory, then per region */
    int npieces;
    kept *pieces;          /* largest first */
    int nplaces, *place;   /* places whose side differs */
    int *status[2];        /* per place, its status in a and in b */
    int *region;           /* per place, its region */
};

/* The side of a status found at a place (-1: none, outside the territory). */
static int side_at(const fl_snapshot *s, int status)
{
    return status >= 0 ? fl_profile_side(s->profile, status) : -1;
}

static int place_sides(fl_ctx *ctx, fl_compare *c)
{
    if (!c->places)
        return FL_OK;
    int *unused = NULL;
    int rc = fl_places_status(ctx, c->a, c->r, c->places, &c->status[0], &c->region);
    if (!rc)
        rc = fl_places_status(ctx, c->b, c->r, c->places, &c->status[1], &unused);
    free(unused);
    if (!rc && !(c->place = fl_calloc(ctx, (size_t)c->places->n + 1, sizeof *c->place)))
        rc = FL_ENOMEM;
    for (int i = 0; !rc && i < c->places->n; i++) /* outside every region: left out */
        if (c->region[i] >= 0 && side_at(c->a, c->status[0][i]) != side_at(c->b, c->status[1][i]))
            c->place[c->nplaces++] = i;
    return rc;
}

/* The matrices within the territory: each region's is the diff's; the territory's is their
 * sum (the regions partition the territory; the diff's matrix "everywhere" also counts
 * ground drawn outside it). */
static int matrices(fl_ctx *ctx, fl_compare *c)
{
    int nr = c->r->n;
    if (!(c->km2 = fl_calloc(ctx, (size_t)(nr + 1) * FL_SIDES * FL_SIDES, sizeof *c->km2)))
        return FL_ENOMEM;
    for (int k = 0; k < nr; k++)
        for (int x = 0; x < FL_SIDES; x++)
            for (int y = 0; y < FL_SIDES; y++) {
                double km2 = fl_diff_km2(c->d, k, x, y); /* status index = side */
                c->km2[fl_region_row(k) * FL_SIDES * FL_SIDES + (size_t)(x * FL_SIDES + y)] = km2;
                c->km2[x * FL_SIDES + y] += km2;
            }
    return FL_OK;
}

/* Diff piece p (geometry g) within the territory, into k; k->geom stays NULL when none of it
 * lies there. */
static int clip_piece(fl_ctx *ctx, const fl_compare *c, const fl_piece *p,
                      const GEOSGeometry *g, kept *k)
{
    char inside = GEOSPreparedContains_r(ctx->geos, c->r->territory_prep, g);
    if (inside == 2)
        return fl_geos_error(ctx, "placing a piece in the territory");
    double bbox[4];
    fl_geom_bounds(ctx, g, bbox);
    GEOSGeometry *x = inside ? GEOSGeom_clone_r(ctx->geos, g)
                             : fl_piece_in(ctx, g, bbox, c->r->territory);
    if (!x)
        return inside ? fl_geos_error(ctx, "copying a piece") : ctx->err;
    k->p = *p;
    k->p.km2 = inside ? p->km2 : fl_geom_km2(ctx, x);
    int rc = inside ? FL_OK : fl_inner_point(ctx, x, &k->p.lat, &k->p.lon);
    if (rc || k->p.km2 <= 0) /* none of it, or a degenerate face */
        GEOSGeom_destroy_r(ctx->geos, x);
    else
        k->geom = x;
    return rc;
}

/* The diff's pieces between two sides within the territory, largest first. Pieces to or from
 * ground outside the territory (none) and pieces in no region lie outside it; the others are
 * cut by its border, where they cross it. */
static int inside_pieces(fl_ctx *ctx, fl_compare *c)
{
    const fl_diff *d = c->d;
    if (!(c->pieces = fl_calloc(ctx, (size_t)d->npieces + 1, sizeof *c->pieces)))
        return FL_ENOMEM;
    int rc = FL_OK;
    for (int i = 0; i < d->npieces && !rc; i++) {
        const fl_piece *p = &d->pieces[d->order[i]];
        if (p->from < 0 || p->to < 0 || p->region < 0)
            continue;
        kept *k = &c->pieces[c->npieces];
        rc = clip_piece(ctx, c, p, d->piece_geom[d->order[i]], k);
        c->npieces += k->geom != NULL;
    }
    qsort(c->pieces, (size_t)c->npieces, sizeof *c->pieces, fl_piece_cmp);
    return rc;
}

int fl_compare_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                   const fl_regions *r, const fl_places *places, fl_compare **out)
{
    *out = NULL;
    if (!a || !b || !r)
        return fl_error(ctx, FL_EARG, "compare: two snapshots and regions are needed");
    fl_compare *c = fl_calloc(ctx, 1, sizeof *c);
    if (!c)
        return FL_ENOMEM;
    *c = (fl_compare){.ctx = ctx, .a = a, .b = b, .r = r, .places = places};
    int rc = fl_sides_profile(ctx, &c->sides);
    if (!rc)
        rc = fl_sides_snapshot(ctx, a, r, c->sides, &c->sa);
    if (!rc)
        rc = fl_sides_snapshot(ctx, b, r, c->sides, &c->sb);
    bool snap = ctx->snap_noding;
    ctx->snap_noding = true; /* two sources' lines: see the file's header */
    if (!rc)
        rc = fl_diff_compute(ctx, c->sa, c->sb, r, NULL, FL_DIFF_WHOLE, &c->d);
    ctx->snap_noding = snap;
    assert(rc || c->d->n == FL_SIDES + 1); /* the sides, then none: index = side */
    if (!rc)
        rc = matrices(ctx, c);
    if (!rc)
        rc = inside_pieces(ctx, c);
    if (!rc)
        rc = place_sides(ctx, c);
    if (rc) {
        fl_compare_free(c);
        return rc;
    }
    *out = c;
    return FL_OK;
}

void fl_compare_free(fl_compare *c)
{
    if (!c)
        return;
    fl_ctx *ctx = c->ctx;
    fl_diff_free(c->d);
    fl_snapshot_close(c->sa);
    fl_snapshot_close(c->sb);
    fl_profile_close(c->sides);
    for (int i = 0; i < c->npieces; i++)
        GEOSGeom_destroy_r(ctx->geos, c->pieces[i].geom);
    free(c->pieces);
    free(c->km2);
    free(c->place);
    free(c->status[0]);
    free(c->status[1]);
    free(c->region);
    free(c);
}

double fl_compare_km2(const fl_compare *c, int region, int side_a, int side_b)
{
    if ((region != FL_REGION_ALL && (region < 0 || region >= c->r->n)) || side_a < 0 ||
        side_a >= FL_SIDES || side_b < 0 || side_b >= FL_SIDES)
        return 0;
    return c->km2[fl_region_row(region) * FL_SIDES * FL_SIDES + (size_t)(side_a * FL_SIDES + side_b)];
}

int fl_compare_piece_count(const fl_compare *c) { return c->npieces; }

void fl_compare_piece(const fl_compare *c, int i, fl_piece *out)
{
    if (i >= 0 && i < c->npieces)
        *out = c->pieces[i].p;
    else
        memset(out, 0, sizeof *out);
}

int fl_compare_place_count(const fl_compare *c) { return c->nplaces; }

int fl_compare_place(const fl_compare *c, int i, int *side_a, int *side_b)
{
    if (i < 0 || i >= c->nplaces)
        return -1;
    int k = c->place[i];
    *side_a = side_at(c->a, c->status[0][k]);
    *side_b = side_at(c->b, c->status[1][k]);
    return k;
}

/* [{a, b, km2}] of every pair of sides, within the territory (FL_REGION_ALL) or region k. */
static json_object *sides_json(const fl_compare *c, int region, double *agree)
{
    json_object *arr = json_object_new_array();
    *agree = 0;
    for (int x = 0; x < FL_SIDES; x++)
        for (int y = 0; y < FL_SIDES; y++) {
            json_object *o = json_object_new_object();
            double km2 = fl_compare_km2(c, region, x, y);
            fl_json_object_add(o, "a", json_object_new_string(fl_side_name(x)));
            fl_json_object_add(o, "b", json_object_new_string(fl_side_name(y)));
            fl_json_object_add(o, "km2", fl_json_km2(km2));
            fl_json_array_add(arr, o);
            *agree += x == y ? km2 : 0;
        }
    return arr;
}

/* {file, time, kind, side_km2: {RU, none, UA}} of map a (rows) or b (columns). */
static json_object *map_json(const fl_compare *c, bool is_b)
{
    const fl_snapshot *s = is_b ? c->b : c->a;
    json_object *o = fl_snapshot_head_json(s), *km2 = json_object_new_object();
    fl_json_object_add(o, "kind", json_object_new_string(s->kind));
    for (int x = 0; x < FL_SIDES; x++) {
        double sum = 0;
        for (int y = 0; y < FL_SIDES; y++)
            sum += is_b ? fl_compare_km2(c, FL_REGION_ALL, y, x)
                        : fl_compare_km2(c, FL_REGION_ALL, x, y);
        fl_json_object_add(km2, fl_side_name(x), fl_json_km2(sum));
    }
    fl_json_object_add(o, "side_km2", km2);
    return o;
}

static json_object *region_code(const fl_compare *c, int region)
{
    return region >= 0 ? json_object_new_string(c->r->code[region]) : NULL;
}

static json_object *piece_json(const fl_compare *c, const fl_piece *p)
{
    json_object *o = json_object_new_object();
    fl_json_object_add(o, "a", json_object_new_string(fl_side_name(p->from)));
    fl_json_object_add(o, "b", json_object_new_string(fl_side_name(p->to)));
    fl_json_object_add(o, "km2", fl_json_km2(p->km2));
    fl_json_object_add(o, "lat", fl_json_num(p->lat, 5));
    fl_json_object_add(o, "lon", fl_json_num(p->lon, 5));
    fl_json_object_add(o, "region", region_code(c, p->region));
    return o;
}

static void compare_piece_at(const void *owner, int i, const fl_piece **pc, GEOSGeometry **g)
{
    const fl_compare *c = owner;
    *pc = &c->pieces[i].p;
    *g = c->pieces[i].geom;
}

static json_object *compare_piece_json(const void *owner, const fl_piece *pc)
{
    return piece_json(owner, pc);
}

static fl_pieces compare_pieces(const fl_compare *c)
{
    return (fl_pieces){.owner = c, .n = c->npieces, .at = compare_piece_at,
                       .props = compare_piece_json};
}

static json_object *places_json(const fl_compare *c)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < c->nplaces; i++) {
        int x, y, k = fl_compare_place(c, i, &x, &y);
        json_object *o = fl_place_json(c->places, k);
        fl_json_object_add(o, "a", json_object_new_string(fl_side_name(x)));
        fl_json_object_add(o, "b", json_object_new_string(fl_side_name(y)));
        fl_json_object_add(o, "a_status", json_object_new_string(
                                                  fl_profile_status_name(c->a->profile, c->status[0][k])));
        fl_json_object_add(o, "b_status", json_object_new_string(
                                                  fl_profile_status_name(c->b->profile, c->status[1][k])));
        fl_json_object_add(o, "region", region_code(c, c->region[k]));
        fl_json_array_add(arr, o);
    }
    return arr;
}

/* {code, name, ..., area_km2, agree_km2, sides} of region k (fl_region_json). */
static json_object *region_json(const fl_compare *c, int k)
{
    double agree;
    json_object *o = fl_region_json(c->r, k), *sides = sides_json(c, k, &agree);
    fl_json_object_add(o, "area_km2", fl_json_km2(c->r->km2[k]));
    fl_json_object_add(o, "agree_km2", fl_json_km2(agree));
    fl_json_object_add(o, "sides", sides);
    return o;
}

int fl_compare_json(fl_ctx *ctx, const fl_compare *c, char **json)
{
    double agree;
    json_object *doc = json_object_new_object(), *sides = sides_json(c, FL_REGION_ALL, &agree);
    fl_json_object_add(doc, "a", map_json(c, false));
    fl_json_object_add(doc, "b", map_json(c, true));
    fl_json_object_add(doc, "territory_km2", fl_json_km2(c->r->territory_km2));
    fl_json_object_add(doc, "agree_km2", fl_json_km2(agree));
    fl_json_object_add(doc, "sides", sides);
    json_object *regions = json_object_new_array();
    for (int k = 0; k < c->r->n; k++)
        fl_json_array_add(regions, region_json(c, k));
    fl_json_object_add(doc, "regions", regions);
    fl_pieces ps = compare_pieces(c);
    fl_pieces_report(doc, &ps);
    fl_json_object_add(doc, "places", places_json(c));
    return fl_json_out(ctx, doc, json);
}

int fl_compare_write(fl_ctx *ctx, const fl_compare *c, const char *path)
{
    fl_pieces ps = compare_pieces(c);
    return fl_pieces_write(ctx, &ps, (fl_geojson_sink){.path = path});
}
