/* areas.c — area of every status as drawn, within the territory and within each region. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fl_areas {
    const fl_snapshot *snap; /* NULL when made by fl_areas_measure */
    const fl_regions *regions;
    int nstatus, nregions;
    double *km2; /* (nregions + 1) rows of nstatus: row 0 the territory, row k+1 region k */
    double *moved; /* the same rows: what the conflation moved (included in km2) */
    double *water; /* nregions + 1: undrawn water, left out of the default status' km2 */
    double snap_km;
};

int fl_snapshot_clip(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, GEOSGeometry **out)
{
    int last = s->nstatus - 1;
    for (int i = 0; i < last; i++)
        if (!(out[i] = fl_intersection(ctx, s->layer[i], r->territory)))
            goto fail;
    if ((out[last] = fl_difference(ctx, r->territory, s->cache->cover)))
        return FL_OK;
fail:
    for (int i = 0; i < last && out[i]; i++)
        GEOSGeom_destroy_r(ctx->geos, out[i]);
    return ctx->err;
}

/* km² of layer i within area (area_km2): none when the prepared layer does not meet it, all
 * when it covers it, else what their intersection measures. */
static int layer_km2_in(fl_ctx *ctx, const fl_snapshot *s, int i, const GEOSGeometry *area,
                        double area_km2, double *km2)
{
    char meets = GEOSPreparedIntersects_r(ctx->geos, s->prep[i], area);
    char covers = meets == 1 ? GEOSPreparedCovers_r(ctx->geos, s->prep[i], area) : 0;
    if (meets == 2 || covers == 2)
        return fl_geos_error(ctx, "placing a region in a layer");
    *km2 = covers ? area_km2 : 0;
    if (meets == 0 || covers == 1)
        return FL_OK;
    GEOSGeometry *x = fl_intersection(ctx, s->layer[i], area);
    if (!x)
        return ctx->err;
    *km2 = fl_geom_km2(ctx, x);
    GEOSGeom_destroy_r(ctx->geos, x);
    return FL_OK;
}

/* km² of each status within one geometry (a region): drawn layers intersected, the default
 * status being what no layer covers. */
int fl_status_km2_in(fl_ctx *ctx, const fl_snapshot *s, const GEOSGeometry *area,
                         double area_km2, double *km2)
{
    int last = s->nstatus - 1;
    double covered = 0;
    for (int i = 0; i < last; i++) {
        if (layer_km2_in(ctx, s, i, area, area_km2, &km2[i]))
            return ctx->err;
        covered += km2[i];
    }
    /* the layers are exclusive, so what remains of the area is the default status */
    km2[last] = area_km2 > covered ? area_km2 - covered : 0;
    return FL_OK;
}

/* Whether the regions partition the territory: their areas add up to its own (to 1e-9; the
 * shipped levels do to 1e-13), so that no ground is in two of them. */
static bool partition(const fl_regions *r)
{
    double sum = 0;
    for (int k = 0; k < r->n; k++)
        sum += r->km2[k];
    return fabs(sum - r->territory_km2) <= 1e-9 * r->territory_km2;
}

/* Each status' km² in the territory (row 0) and in each region. When the regions partition
 * the territory, its row is the sum of theirs, as the diff carries it (diff.c, carry_areas):
 * the overlays of the layers with the whole territory, a fifth of the cost, are spared. */
const double *fl_snapshot_region_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r)
{
    if (s->cache->region_serial == r->serial && s->cache->region_km2)
        return s->cache->region_km2;
    if (fl_snapshot_normalise(ctx, s))
        return NULL;
    int ns = s->nstatus;
    bool summed = partition(r);
    double *km2 = fl_calloc(ctx, (size_t)(r->n + 1) * ns, sizeof *km2);
    int rc = !km2 ? FL_ENOMEM
             : summed ? FL_OK : fl_status_km2_in(ctx, s, r->territory, r->territory_km2, km2);
    for (int k = 0; k < r->n && !rc; k++)
        rc = fl_status_km2_in(ctx, s, r->geom[k], r->km2[k], km2 + (k + 1) * ns);
    for (int k = 0; k < r->n && summed && !rc; k++)
        for (int st = 0; st < ns; st++)
            km2[st] += km2[(k + 1) * ns + st];
    if (rc) {
        free(km2);
        return NULL;
    }
    free(s->cache->region_km2);
    s->cache->region_km2 = km2;
    s->cache->region_serial = r->serial;
    return km2;
}

int fl_areas_measure(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, fl_areas **out)
{
    *out = NULL;
    fl_areas *a = fl_calloc(ctx, 1, sizeof *a);
    if (!a)
        return FL_ENOMEM;
    *a = (fl_areas){.regions = r, .nstatus = s->nstatus, .nregions = r->n, .snap_km = r->snap_km};
    size_t cells = (size_t)(r->n + 1) * (size_t)s->nstatus;
    a->km2 = fl_calloc(ctx, cells, sizeof *a->km2);
    a->moved = fl_calloc(ctx, cells, sizeof *a->moved);
    a->water = fl_calloc(ctx, (size_t)r->n + 1, sizeof *a->water);
    const fl_conflation *conf = a->km2 && a->moved && a->water
                                    ? fl_snapshot_conflation(ctx, s, r) : NULL;
    int rc = !a->km2 || !a->moved || !a->water ? FL_ENOMEM : !conf ? ctx->err : FL_OK;
    if (rc) {
        fl_areas_free(a);
        return rc;
    }
    memcpy(a->moved, fl_conflation_km2(conf), cells * sizeof *a->moved);
    *out = a;
    return FL_OK;
}

void fl_areas_fill(fl_areas *a, const double *region_km2, const double *water)
{
    size_t ns = (size_t)a->nstatus, cells = (size_t)(a->nregions + 1) * ns;
    if (water)
        memcpy(a->water, water, (size_t)(a->nregions + 1) * sizeof *a->water);
    for (size_t i = 0; i < cells; i++)
        a->km2[i] = fmax(0, region_km2[i] + a->moved[i] - (i % ns == ns - 1 ? a->water[i / ns] : 0));
}

int fl_areas_new(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, fl_areas **out)
{
    *out = NULL;
    const double *region_km2 = fl_snapshot_region_km2(ctx, s, r);
    fl_areas *a = NULL;
    int rc = !region_km2 ? ctx->err : fl_areas_measure(ctx, s, r, &a);
    if (!rc)
        rc = fl_snapshot_water_km2(ctx, s, r, a->water);
    if (rc) {
        fl_areas_free(a);
        return rc;
    }
    a->snap = s;
    fl_areas_fill(a, region_km2, NULL);
    *out = a;
    return FL_OK;
}

void fl_areas_free(fl_areas *a)
{
    if (!a)
        return;
    free(a->km2);
    free(a->moved);
    free(a->water);
    free(a);
}

double fl_areas_km2(const fl_areas *a, int region, int status)
{
    if ((region != FL_REGION_ALL && (region < 0 || region >= a->nregions)) || status < 0 ||
        status >= a->nstatus)
        return 0;
    return a->km2[fl_region_row(region) * (size_t)a->nstatus + (size_t)status];
}

double fl_areas_side_km2(const fl_areas *a, int region, int side)
{
    double km2 = 0;
    for (int st = 0; st < a->nstatus; st++)
        if (fl_profile_side(a->snap->profile, st) == side)
            km2 += fl_areas_km2(a, region, st);
    return km2;
}

double fl_areas_water_km2(const fl_areas *a, int region)
{
    return (region == FL_REGION_ALL || (region >= 0 && region < a->nregions))
               ? a->water[fl_region_row(region)]
               : 0;
}

double fl_areas_moved_km2(const fl_areas *a, int region, int status)
{
    if ((region != FL_REGION_ALL && (region < 0 || region >= a->nregions)) || status < 0 ||
        status >= a->nstatus)
        return 0;
    return a->moved[fl_region_row(region) * (size_t)a->nstatus + (size_t)status];
}

/* {"status": km2, ...} and, with total > 0, the matching {"status": share}. */
static json_object *status_object(const fl_profile *p, const double *km2, int n, double total,
                                  bool shares)
{
    /* a status' area and the region's are integrated apart: a share may round past 1 */
    json_object *o = json_object_new_object();
    for (int i = 0; o && i < n; i++)
        fl_json_object_add(o, fl_profile_status_name(p, i),
                           shares ? fl_json_num(total > 0 ? fmin(1, km2[i] / total) : 0, 8)
                                  : fl_json_km2(km2[i]));
    return o;
}

static json_object *region_json(const fl_areas *a, int k)
{
    const fl_profile *p = a->snap->profile;
    const fl_regions *r = a->regions;
    const double *km2 = a->km2 + fl_region_row(k) * a->nstatus;
    json_object *o = fl_region_json(r, k);
    fl_json_object_add(o, "area_km2", fl_json_km2(r->km2[k]));
    fl_json_object_add(o, "status_km2", status_object(p, km2, a->nstatus, 0, false));
    fl_json_object_add(o, "water_km2", fl_json_km2(a->water[k + 1]));
    fl_json_object_add(o, "land_km2", fl_json_km2(r->km2[k] - a->water[k + 1]));
    fl_json_object_add(o, "status_share", status_object(p, km2, a->nstatus,
                                                            r->km2[k] - a->water[k + 1], true));
    fl_json_object_add(o, "moved_km2", status_object(p, a->moved + fl_region_row(k) * a->nstatus,
                                                         a->nstatus, 0, false));
    return o;
}

int fl_areas_json(fl_ctx *ctx, const fl_areas *a, char **json)
{
    const fl_snapshot *s = a->snap;
    const fl_profile *p = s->profile;
    json_object *doc = fl_snapshot_head_json(s);
    fl_json_object_add(doc, "kind", json_object_new_string(s->kind));
    fl_json_object_add(doc, "status_km2", status_object(p, s->km2, s->nstatus - 1, 0, false));
    json_object *terr = json_object_new_object();
    fl_json_object_add(terr, "area_km2", fl_json_km2(a->regions->territory_km2));
    fl_json_object_add(terr, "status_km2", status_object(p, a->km2, a->nstatus, 0, false));
    double land = a->regions->territory_km2 - a->water[0];
    fl_json_object_add(terr, "water_km2", fl_json_km2(a->water[0]));
    fl_json_object_add(terr, "land_km2", fl_json_km2(land));
    fl_json_object_add(terr, "status_share", status_object(p, a->km2, a->nstatus, land, true));
    fl_json_object_add(terr, "moved_km2", status_object(p, a->moved, a->nstatus, 0, false));
    fl_json_object_add(doc, "territory", terr);
    json_object *conf = json_object_new_object();
    fl_json_object_add(conf, "snap_km", fl_json_num(a->snap_km, 3));
    fl_json_object_add(conf, "rule", json_object_new_string(
        "uncovered ground narrower than snap_km between a drawn status and the territory's "
        "border or coast takes that status"));
    fl_json_object_add(doc, "conflation", conf);
    fl_json_object_add(doc, "share_of", json_object_new_string(
        "land: area_km2 less water_km2 (water no status covers); area_km2 is land plus water"));
    json_object *regions = json_object_new_array();
    for (int k = 0; k < a->nregions; k++)
        fl_json_array_add(regions, region_json(a, k));
    fl_json_object_add(doc, "regions", regions);
    fl_json_object_add(doc, "features", fl_counts_json(&s->counts));
    return fl_json_out(ctx, doc, json);
}
