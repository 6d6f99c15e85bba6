/* claims.c — annexation claims (claimant, date declared, region) against control: how much
 * of each claimed region the claimant holds, how much is contested, how much others hold,
 * and what the claimant holds outside its claims. Sides come from the profile. */
#include "internal.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>

typedef struct claim {
    char *claimant;
    char declared[11]; /* YYYY-MM-DD */
    int64_t since;
    int region;
    int line; /* in the file */
    int pos;  /* rank in the file, then (after group_claims) of the claimant, of the group */
    int crank, grank;
} claim;

struct fl_claims {
    int n;
    size_t cap; /* claims allocated */
    claim *v;
    uint64_t regions_serial; /* the regions the claims' indices refer to */
};

static const char *const claimant_names[] = {"claimant", "side", NULL};
static const char *const date_names[] = {"declared", "date", NULL};
static const char *const region_names[] = {"region", "code", NULL};

/* A strict YYYY-MM-DD date (no Unix seconds, no 30 February), as UTC midnight. */
static int64_t parse_date(const char *text)
{
    int y, m, d, n = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || text[10])
        return FL_TIME_UNKNOWN;
    int64_t t = fl_time_parse(text);
    char back[32];
    fl_time_format(t, back, sizeof back);
    return t != FL_TIME_UNKNOWN && !strncmp(back, text, 10) ? t : FL_TIME_UNKNOWN;
}

static int add_claim(fl_ctx *ctx, fl_claims *c, const fl_csv_row *row, const int col[3],
                     const fl_regions *r, const char *path, int line)
{
    for (int k = 0; k < 3; k++)
        if (col[k] >= row->n)
            return fl_error(ctx, FL_EPARSE, "%s:%d: %d fields, fewer than the header's", path,
                            line, row->n);
    const char *who = row->field[col[0]], *date = row->field[col[1]], *code = row->field[col[2]];
    int64_t since = parse_date(date);
    if (since == FL_TIME_UNKNOWN)
        return fl_error(ctx, FL_EPARSE, "%s:%d: date '%s' is not YYYY-MM-DD", path, line, date);
    int region = fl_regions_find(r, code);
    if (region < 0)
        return fl_error(ctx, FL_EFORMAT, "%s:%d: unknown region '%s' (not a code of the "
                        "regions loaded)", path, line, code);
    if (!*who)
        return fl_error(ctx, FL_EPARSE, "%s:%d: empty claimant", path, line);
    claim *v = fl_grow(ctx, c->v, &c->cap, (size_t)c->n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    c->v = v;
    v[c->n] = (claim){.claimant = fl_strdup(ctx, who), .since = since, .region = region,
                      .line = line, .pos = c->n};
    memcpy(v[c->n].declared, date, 11);
    return v[c->n++].claimant ? FL_OK : FL_ENOMEM;
}

static int by_claimant_region(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    int d = strcmp(x->claimant, y->claimant);
    return d ? d : x->region != y->region ? x->region - y->region : x->pos - y->pos;
}

static int by_group(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    int d = strcmp(x->claimant, y->claimant);
    if (!d)
        d = strcmp(x->declared, y->declared);
    return d ? d : x->pos - y->pos;
}

static int by_rank(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    return x->crank != y->crank ? x->crank - y->crank
         : x->grank != y->grank ? x->grank - y->grank : x->pos - y->pos;
}

/* A claimant claims a region once: the same row twice would count the region twice. Then the
 * claims are put in an order where each claimant's claims, and within them each declaration's
 * regions, are contiguous, in the order they first appear in the file (the reports walk them
 * in one pass: comparing every claim with every other one took 54 s for 50,000 rows). */
static int group_claims(fl_ctx *ctx, fl_claims *c, const fl_regions *r, const char *path)
{
    qsort(c->v, (size_t)c->n, sizeof *c->v, by_claimant_region);
    int dup = 0;
    for (int i = 1; i < c->n; i++)
        if (c->v[i].region == c->v[i - 1].region &&
            !strcmp(c->v[i].claimant, c->v[i - 1].claimant) &&
            (!dup || c->v[i].line < c->v[dup].line))
            dup = i;
    if (dup)
        return fl_error(ctx, FL_EPARSE, "%s:%d: '%s' claims region %s again (first on line %d): "
                        "a claimant claims a region once", path, c->v[dup].line,
                        c->v[dup].claimant, r->code[c->v[dup].region], c->v[dup - 1].line);
    qsort(c->v, (size_t)c->n, sizeof *c->v, by_group);
    for (int i = 0, grank = 0; i < c->n; i++) {
        if (i == 0 || strcmp(c->v[i].claimant, c->v[i - 1].claimant) ||
            strcmp(c->v[i].declared, c->v[i - 1].declared))
            grank = c->v[i].pos; /* the first of its group: the least position */
        c->v[i].grank = grank;
    }
    for (int i = 0, j; i < c->n; i = j) { /* a claimant's rank: its earliest group's */
        int least = c->v[i].crank;
        for (j = i; j < c->n && !strcmp(c->v[j].claimant, c->v[i].claimant); j++)
            least = c->v[j].grank < least ? c->v[j].grank : least;
        for (int k = i; k < j; k++)
            c->v[k].crank = least;
    }
    qsort(c->v, (size_t)c->n, sizeof *c->v, by_rank);
    return FL_OK;
}

int fl_claims_open(fl_ctx *ctx, const char *path, const fl_regions *r, fl_claims **out)
{
    if (!path || !r || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : !r ? "regions" : "out");
    *out = NULL;
    FILE *f;
    int orc = fl_input_open(ctx, path, "claims", &f);
    if (orc)
        return orc;
    fl_claims *c = fl_calloc(ctx, 1, sizeof *c);
    if (c)
        c->regions_serial = r->serial;
    fl_csv_row row = {0};
    int line = 0, rc = c ? fl_csv_next(ctx, f, path, &line, &row) : FL_ENOMEM;
    int col[3] = {fl_csv_column(&row, claimant_names), fl_csv_column(&row, date_names),
                  fl_csv_column(&row, region_names)};
    if (rc == -1 || (!rc && (col[0] < 0 || col[1] < 0 || col[2] < 0)))
        rc = fl_error(ctx, FL_EFORMAT, "%s: the header needs claimant,declared,region", path);
    while (!rc && (rc = fl_csv_next(ctx, f, path, &line, &row)) == FL_OK)
        if (!(row.n == 1 && !row.field[0][0]))
            rc = add_claim(ctx, c, &row, col, r, path, line);
    fl_csv_free(&row);
    fclose(f);
    if (rc == -1 && c->n == 0)
        rc = fl_error(ctx, FL_EFORMAT, "%s: no claims (a header and no rows)", path);
    if (rc == -1 && group_claims(ctx, c, r, path))
        rc = ctx->err;
    if (rc != -1) {
        fl_claims_close(c);
        return rc;
    }
    *out = c;
    return FL_OK;
}

void fl_claims_close(fl_claims *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        free(c->v[i].claimant);
    free(c->v);
    free(c);
}

int fl_claims_count(const fl_claims *c) { return c->n; }

/* Held / contested / others km² from per-status km², by the profile's sides. */
static void split(const fl_profile *p, const char *claimant, const double *km2, double out[3])
{
    out[0] = out[1] = out[2] = 0;
    for (int i = 0; i < fl_profile_status_count(p); i++) {
        const char *side = fl_profile_status_side(p, i);
        out[!strcmp(side, claimant) ? 0 : !*side ? 1 : 2] += km2[i];
    }
}

static void add_split(json_object *o, const double v[3], double area)
{
    static const char *const keys[] = {"held", "contested", "others"};
    char name[32];
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s_km2", keys[k]);
        fl_json_object_add(o, name, fl_json_km2(v[k]));
        snprintf(name, sizeof name, "%s_share", keys[k]);
        fl_json_object_add(o, name, fl_json_num(area > 0 ? v[k] / area : 0, 6));
    }
}

/* The report state: per-region status km² (computed once) and what is claimed. */
typedef struct report {
    fl_ctx *ctx;
    const fl_snapshot *s;
    const fl_regions *r;
    const fl_claims *c;
    const double *km2; /* regions × statuses */
} report;

static bool in_force(const report *rp, const claim *cl)
{
    /* a claim counts from the start (00:00 UTC) of its declaration day */
    return rp->s->time == FL_TIME_UNKNOWN || cl->since <= rp->s->time;
}

/* One claim: a claimant's regions declared on one date. */
static json_object *claim_json(const report *rp, int first)
{
    const claim *c0 = &rp->c->v[first];
    const fl_profile *p = rp->s->profile;
    int ns = rp->s->nstatus;
    json_object *o = json_object_new_object(), *regions = json_object_new_array();
    fl_json_object_add(o, "claimant", json_object_new_string(c0->claimant));
    fl_json_object_add(o, "declared", json_object_new_string(c0->declared));
    double total[3] = {0}, total_area = 0;
    for (int i = first; i < rp->c->n && rp->c->v[i].grank == c0->grank; i++) {
        const claim *cl = &rp->c->v[i]; /* the group is contiguous (group_claims) */
        double v[3], area = rp->r->km2[cl->region];
        split(p, cl->claimant, rp->km2 + cl->region * ns, v);
        json_object *ro = fl_region_json(rp->r, cl->region);
        fl_json_object_add(ro, "area_km2", fl_json_km2(area));
        add_split(ro, v, area);
        fl_json_array_add(regions, ro);
        for (int k = 0; k < 3; k++)
            total[k] += v[k];
        total_area += area;
    }
    fl_json_object_add(o, "regions", regions);
    json_object *t = json_object_new_object();
    fl_json_object_add(t, "area_km2", fl_json_km2(total_area));
    add_split(t, total, total_area);
    fl_json_object_add(o, "total", t);
    return o;
}

/* Whether the claimant of claim i claims region in force (its claims are contiguous). */
static bool claimed(const report *rp, int i, int region)
{
    int crank = rp->c->v[i].crank;
    while (i > 0 && rp->c->v[i - 1].crank == crank)
        i--;
    for (; i < rp->c->n && rp->c->v[i].crank == crank; i++)
        if (rp->c->v[i].region == region && in_force(rp, &rp->c->v[i]))
            return true;
    return false;
}

/* What the claimant of claim i holds in the regions it does not claim. */
static json_object *outside_json(const report *rp, int i)
{
    const char *claimant = rp->c->v[i].claimant;
    int ns = rp->s->nstatus;
    json_object *o = json_object_new_object(), *regions = json_object_new_array();
    if (!o || !regions) { /* checked here: regions may get no add that would report it */
        json_object_put(o);
        json_object_put(regions);
        errno = ENOMEM; /* for the caller's add */
        return NULL;
    }
    fl_json_object_add(o, "claimant", json_object_new_string(claimant));
    double sum = 0;
    for (int k = 0; k < rp->r->n; k++) {
        double v[3];
        split(rp->s->profile, claimant, rp->km2 + k * ns, v);
        if (claimed(rp, i, k) || v[0] <= 0)
            continue;
        json_object *ro = fl_region_json(rp->r, k);
        fl_json_object_add(ro, "held_km2", fl_json_km2(v[0]));
        fl_json_array_add(regions, ro);
        sum += v[0];
    }
    fl_json_object_add(o, "held_km2", fl_json_km2(sum));
    fl_json_object_add(o, "regions", regions);
    return o;
}

/* Claimed regions minus the claimant's layers, as GeoJSON. */
static int write_not_held(const report *rp, fl_geojson_sink to)
{
    fl_ctx *ctx = rp->ctx;
    const fl_snapshot *s = rp->s;
    int n = rp->c->n, rc = FL_OK, count = 0;
    GEOSGeometry **g = fl_calloc(ctx, (size_t)n, sizeof *g);
    json_object **props = fl_calloc(ctx, (size_t)n, sizeof *props);
    if (!g || !props)
        rc = FL_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        const claim *cl = &rp->c->v[i];
        if (!in_force(rp, cl))
            continue;
        GEOSGeometry *rest = GEOSGeom_clone_r(ctx->geos, rp->r->geom[cl->region]);
        for (int st = 0; rest && st < s->nstatus - 1; st++) {
            if (strcmp(fl_profile_status_side(s->profile, st), cl->claimant))
                continue;
            GEOSGeometry *x = fl_difference(ctx, rest, s->layer[st]);
            GEOSGeom_destroy_r(ctx->geos, rest);
            rest = x;
        }
        if (!rest) {
            rc = ctx->err;
            break;
        }
        g[count] = rest;
        props[count] = json_object_new_object();
        fl_json_object_add(props[count], "claimant", json_object_new_string(cl->claimant));
        fl_json_object_add(props[count], "declared", json_object_new_string(cl->declared));
        fl_json_object_add(props[count], "region", json_object_new_string(rp->r->code[cl->region]));
        fl_json_object_add(props[count], "km2", fl_json_km2(fl_geom_km2(ctx, rest)));
        count++;
    }
    if (!rc)
        rc = fl_write_geojson_layers(ctx, to, (size_t)count, g, props);
    for (int i = 0; i < count; i++) {
        GEOSGeom_destroy_r(ctx->geos, g[i]);
        json_object_put(props[i]);
    }
    free(g);
    free(props);
    return rc;
}


int fl_claims_json(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r,
                   const fl_claims *c, const char *geojson_path, char **json)
{
    if (c->regions_serial != r->serial)
        return fl_error(ctx, FL_EARG, "claims: read with other regions than the ones given");
    const double *cached = fl_snapshot_region_km2(ctx, s, r);
    report rp = {ctx, s, r, c, cached ? cached + s->nstatus : NULL}; /* skip the territory row */
    int rc = rp.km2 ? FL_OK : ctx->err;
    if (!rc && geojson_path)
        rc = write_not_held(&rp, (fl_geojson_sink){.path = geojson_path});
    if (rc)
        return rc;
    json_object *doc = fl_snapshot_head_json(s), *claims = json_object_new_array();
    json_object *outside = json_object_new_array();
    if (!claims || !outside) { /* checked here: successful adds into the other array between
                                * would clear the errno that marks a missing one as a failure */
        json_object_put(claims);
        json_object_put(outside);
        json_object_put(doc);
        return fl_error(ctx, FL_ENOMEM, "out of memory building JSON");
    }
    int last_claimant = -1; /* the crank of the last claimant reported outside its claims */
    for (int i = 0; i < c->n; i++) { /* groups, and claimants, are contiguous */
        if (!in_force(&rp, &c->v[i]))
            continue;
        if (i == 0 || c->v[i].grank != c->v[i - 1].grank)
            fl_json_array_add(claims, claim_json(&rp, i));
        if (c->v[i].crank != last_claimant)
            fl_json_array_add(outside, outside_json(&rp, i));
        last_claimant = c->v[i].crank;
    }
    fl_json_object_add(doc, "claims", claims);
    fl_json_object_add(doc, "outside_claims", outside);
    return fl_json_out(ctx, doc, json);
}

int fl_claims_geojson(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r,
                      const fl_claims *c, char **geojson)
{
    if (c->regions_serial != r->serial)
        return fl_error(ctx, FL_EARG, "claims: read with other regions than the ones given");
    report rp = {ctx, s, r, c, NULL}; /* the ground not held needs no areas by region */
    return write_not_held(&rp, (fl_geojson_sink){.text = geojson});
}
