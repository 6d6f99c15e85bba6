/* test_modules.c — the analysis modules on the embedded samples (data/sample: DeepStateMap on
 * 30 September and 4 October 2022, the Lyman and Kherson advances), without ../shared. Each
 * check rests on a property that holds whatever the data, not on the program's own figures:
 *  - diff: the transition matrix partitions ground, so each row sums to the area the status
 *    had in A and each column to the area it has in B (areas computed apart, by fl_areas_new),
 *    everywhere and in every region; the changed pieces of a transition add up to its cell;
 *  - windows: envelopes are disjoint, each core lies in its envelope, and every changed piece
 *    lies in a core (outside the cores nothing changed);
 *  - claims: a claimed region is held, contested or held by others, so the three add up to
 *    its area, and what the claimant holds is the area of its side's status there;
 *  - front: its length is positive and less than the perimeter of the front status' layer
 *    (the front is that boundary less the parts along the territory's border). */
#include "check.h"
#include "diff.h"

#include <json-c/json.h>

static fl_ctx *ctx;
static fl_profile *profile;
static fl_regions *regions;

static double member(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v ? json_object_get_double(v) : NAN;
}

/* Rows sum to A's areas, columns to B's, in the territory (drawn statuses as drawn) and in
 * every region. */
static void diff_conservation(const fl_diff *d, const fl_snapshot *a, const fl_snapshot *b)
{
    fl_areas *aa, *ab;
    CHECK_OK(ctx, fl_areas_new(ctx, a, regions, &aa));
    CHECK_OK(ctx, fl_areas_new(ctx, b, regions, &ab));
    int n = fl_profile_status_count(profile);
    for (int row = 0; row <= fl_regions_count(regions); row++) {
        int k = row ? row - 1 : FL_REGION_ALL;
        for (int s = 0; s < n; s++) {
            double out = 0, in = 0;
            for (int t = FL_STATUS_NONE; t < n; t++) {
                out += fl_diff_km2(d, k, s, t);
                in += fl_diff_km2(d, k, t, s);
            }
            bool drawn = k == FL_REGION_ALL && s < n - 1; /* the plane: as drawn */
            double in_a = drawn ? fl_snapshot_status_km2(a, s) : fl_areas_km2(aa, k, s);
            double in_b = drawn ? fl_snapshot_status_km2(b, s) : fl_areas_km2(ab, k, s);
            CHECK(fabs(out - in_a) <= 1e-6 * fmax(in_a, 1), "region %d %s: row %.6f, in A %.6f",
                  k, fl_profile_status_name(profile, s), out, in_a);
            CHECK(fabs(in - in_b) <= 1e-6 * fmax(in_b, 1), "region %d %s: column %.6f, in B %.6f",
                  k, fl_profile_status_name(profile, s), in, in_b);
        }
    }
    /* something changed: the samples are the Lyman and Kherson advances */
    int occ = fl_profile_status_index(profile, "occupied");
    double left = 0;
    for (int t = FL_STATUS_NONE; t < n; t++)
        left += t != occ ? fl_diff_km2(d, FL_REGION_ALL, occ, t) : 0;
    CHECK(left > 100, "%.1f km² left occupation", left);
    CHECK(fl_diff_km2(d, -7, occ, occ) == 0, "a region out of range answers 0");
    fl_areas_free(aa);
    fl_areas_free(ab);
}

/* The pieces of each transition add up to its cell everywhere. */
static void diff_pieces(const fl_diff *d)
{
    int n = fl_profile_status_count(profile);
    for (int s = FL_STATUS_NONE; s < n; s++)
        for (int t = FL_STATUS_NONE; t < n; t++) {
            if (s == t)
                continue;
            double sum = 0;
            fl_piece pc;
            for (int i = 0; i < fl_diff_piece_count(d); i++) {
                fl_diff_piece(d, i, &pc);
                sum += pc.from == s && pc.to == t ? pc.km2 : 0;
            }
            double cell = fl_diff_km2(d, FL_REGION_ALL, s, t);
            CHECK(fabs(sum - cell) <= 1e-6 * fmax(cell, 1), "%d -> %d: pieces %.6f, cell %.6f",
                  s, t, sum, cell);
        }
}

static bool inside(const double in[4], const double out[4])
{
    return in[0] >= out[0] && in[1] >= out[1] && in[2] <= out[2] && in[3] <= out[3];
}

static void windows(const fl_diff *d)
{
    CHECK(d->nwin > 0, "windows: %d", d->nwin);
    for (int i = 0; i < d->nwin; i++) {
        const fl_window *w = &d->win[i];
        CHECK(inside(w->core, w->env), "window %d: core outside its envelope", i);
        for (int j = i + 1; j < d->nwin; j++)
            CHECK(!(w->env[0] < d->win[j].env[2] && d->win[j].env[0] < w->env[2] &&
                    w->env[1] < d->win[j].env[3] && d->win[j].env[1] < w->env[3]),
                  "windows %d and %d: envelopes overlap", i, j);
    }
    for (int p = 0; p < d->npieces; p++) {
        double b[4];
        fl_geom_bounds(ctx, d->piece_geom[p], b);
        bool found = false;
        for (int i = 0; i < d->nwin && !found; i++) {
            const double *c = d->win[i].core, eps = 1e-9;
            double grown[4] = {c[0] - eps, c[1] - eps, c[2] + eps, c[3] + eps};
            found = inside(b, grown);
        }
        CHECK(found, "piece %d (%.6f km²) lies in no window's core", p, d->pieces[p].km2);
    }
}

static void claims(const fl_snapshot *s)
{
    fl_claims *c;
    CHECK_OK(ctx, fl_claims_open(ctx, data_file("claims.csv"), regions, &c));
    fl_areas *a;
    CHECK_OK(ctx, fl_areas_new(ctx, s, regions, &a));
    char *text;
    CHECK_OK(ctx, fl_claims_json(ctx, s, regions, c, NULL, &text));
    json_object *doc = json_tokener_parse(text), *list = NULL;
    json_object_object_get_ex(doc, "claims", &list);
    int occ = fl_profile_status_index(profile, "occupied"), checked = 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *claim = json_object_array_get_idx(list, i), *rs = NULL;
        json_object_object_get_ex(claim, "regions", &rs);
        for (size_t j = 0; j < json_object_array_length(rs); j++, checked++) {
            json_object *r = json_object_array_get_idx(rs, j), *code = NULL;
            json_object_object_get_ex(r, "code", &code);
            int k = fl_regions_find(regions, json_object_get_string(code));
            double area = member(r, "area_km2"), held = member(r, "held_km2");
            double parts = held + member(r, "contested_km2") + member(r, "others_km2");
            CHECK(k != FL_REGION_NONE, "claimed region %s", json_object_get_string(code));
            CHECK(fabs(area - fl_regions_area_km2(regions, k)) <= 2e-6, "%s: area %.6f",
                  json_object_get_string(code), area);
            CHECK(fabs(parts - area) <= 3e-6, "%s: parts %.6f, area %.6f",
                  json_object_get_string(code), parts, area);
            CHECK(fabs(held - fl_areas_km2(a, k, occ)) <= 2e-6, "%s: held %.6f, occupied %.6f",
                  json_object_get_string(code), held, fl_areas_km2(a, k, occ));
        }
    }
    CHECK(checked >= 6, "%d claimed regions in force on 30 September 2022", checked);
    json_object_put(doc);
    free(text);
    fl_areas_free(a);
    fl_claims_close(c);
}

static void front(const fl_snapshot *s)
{
    fl_front *f;
    CHECK_OK(ctx, fl_front_new(ctx, s, regions, 2, &f));
    GEOSGeometry *edge = GEOSBoundary_r(ctx->geos, s->layer[fl_profile_front_status(profile)]);
    double perimeter = fl_geom_length_km(ctx, edge);
    GEOSGeom_destroy_r(ctx->geos, edge);
    double km = fl_front_km(f), pieces = 0;
    for (int i = 0; i < fl_front_piece_count(f); i++)
        pieces += fl_front_piece_km(f, i);
    CHECK(km > 0 && km < perimeter, "front %.3f km, perimeter of the layer %.3f km", km,
          perimeter);
    CHECK(fabs(pieces - km) <= 1e-9 * km, "pieces %.6f km, front %.6f km", pieces, km);
    fl_front_free(f);
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    CHECK_OK(ctx, fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &regions));
    /* the areas as drawn: the coast and border conflation moves ground between statuses in
     * the areas only (the diff and the claims count the drawing) */
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, regions, 0));
    fl_snapshot *a, *b;
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20220930.geojson"), profile, &a));
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20221004.geojson"), profile, &b));
    fl_diff *d;
    CHECK_OK(ctx, fl_diff_new(ctx, a, b, regions, NULL, &d));
    diff_conservation(d, a, b);
    diff_pieces(d);
    windows(d);
    claims(a);
    front(a);
    front(b);
    fl_diff_free(d);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    fl_regions_close(regions);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done("modules");
}
