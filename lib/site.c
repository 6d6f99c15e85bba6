/* site.c — the data of a static web page over an archive: per version, its status layers at
 * two levels of detail; for the whole archive, the timeline's rows, the place change log, the
 * regions' outlines and the places to mark (the page itself is data/site/).
 *
 * Everything is written as JavaScript files that call a loader (FL.version(i, {...}),
 * FL.manifest({...}), ...), because a page opened from the file system may not fetch() its
 * neighbours but may load scripts: the page works with no server and no network. A version's
 * geometry is loaded when it is shown, the detailed level only when the map is zoomed in, so
 * that opening the page costs the manifest and one coarse version whatever the archive's
 * length.
 *
 * Geometry is cut to the territory's bounds widened by one degree, simplified with GEOS'
 * topology-preserving simplifier (coarse: 0.01°, about 1 km; detailed: 0.001°) and written
 * as integers in units of the tolerance's tenth, each ring's first point absolute and the
 * others as differences from the point before: the shapes the page draws are within about a
 * tolerance of the layers whose km² the page reports.
 *
 * The files are written into a new folder, renamed into place when complete (site_finish in
 * the CLI): a page is never half-written.
 */
#include "timeline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct fl_site {
    char *dir;
    fl_timeline *tl;
    const fl_regions *regions;
    const fl_places *places;
    int nversions;
    FILE *rows; /* the manifest's versions, written as they come */
};

static const struct level {
    const char *suffix;
    double tolerance, unit; /* degrees */
} levels[] = {{"c", 0.01, 0.001}, {"f", 0.001, 0.0001}};

static FILE *open_file(fl_ctx *ctx, const fl_site *site, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", site->dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fl_error(ctx, FL_EIO, "%s: cannot create: %m", path);
    return f;
}

static int close_file(fl_ctx *ctx, const fl_site *site, FILE *f, const char *name)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return fl_error(ctx, FL_EIO, "%s/%s: write error", site->dir, name);
    return FL_OK;
}

/* A ring as [x0, y0, dx, dy, ...] in units. */
static void put_ring(fl_ctx *ctx, FILE *f, const GEOSGeometry *ring, double unit)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx->geos, cs, &n);
    long px = 0, py = 0;
    fputc('[', f);
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
        long qx = lround(x / unit), qy = lround(y / unit);
        fprintf(f, "%s%ld,%ld", i ? "," : "", qx - px, qy - py);
        px = qx;
        py = qy;
    }
    fputc(']', f);
}

/* The polygons of g as [[ring, hole, ...], ...]. */
static void put_polygons(fl_ctx *ctx, FILE *f, const GEOSGeometry *g, double unit)
{
    int n = GEOSGetNumGeometries_r(ctx->geos, g), k = 0;
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSGeomTypeId_r(ctx->geos, p) != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, p))
            continue;
        fprintf(f, "%s[", k++ ? "," : "");
        put_ring(ctx, f, GEOSGetExteriorRing_r(ctx->geos, p), unit);
        for (int h = 0; h < GEOSGetNumInteriorRings_r(ctx->geos, p); h++) {
            fputc(',', f);
            put_ring(ctx, f, GEOSGetInteriorRingN_r(ctx->geos, p, h), unit);
        }
        fputc(']', f);
    }
    fputc(']', f);
}

/* g cut to the territory's bounds (plus a degree) and simplified (a new geometry). */
static GEOSGeometry *for_web(fl_ctx *ctx, const fl_site *site, const GEOSGeometry *g,
                             double tolerance)
{
    double xmin, ymin, xmax, ymax;
    const GEOSGeometry *t = site->regions->territory;
    if (!GEOSGeom_getXMin_r(ctx->geos, t, &xmin) || !GEOSGeom_getYMin_r(ctx->geos, t, &ymin) ||
        !GEOSGeom_getXMax_r(ctx->geos, t, &xmax) || !GEOSGeom_getYMax_r(ctx->geos, t, &ymax))
        return NULL;
    GEOSGeometry *cut = GEOSClipByRect_r(ctx->geos, g, xmin - 1, ymin - 1, xmax + 1, ymax + 1);
    GEOSGeometry *simple = cut ? GEOSTopologyPreserveSimplify_r(ctx->geos, cut, tolerance) : NULL;
    GEOSGeom_destroy_r(ctx->geos, cut);
    return simple;
}

/* One version's layers at one level: FL.version(i, "c"|"f", [[status, polygons], ...]). */
static int write_level(fl_ctx *ctx, fl_site *site, const fl_snapshot *s, const struct level *l)
{
    char name[64];
    snprintf(name, sizeof name, "v/%d%s.js", site->nversions, l->suffix);
    FILE *f = open_file(ctx, site, name);
    if (!f)
        return ctx->err;
    int rc = FL_OK, k = 0;
    fprintf(f, "FL.version(%d,\"%s\",%g,[", site->nversions, l->suffix, l->unit);
    for (int i = 0; !rc && i < s->nstatus - 1; i++) {
        if (!s->layer[i] || GEOSisEmpty_r(ctx->geos, s->layer[i]) == 1)
            continue;
        GEOSGeometry *g = for_web(ctx, site, s->layer[i], l->tolerance);
        if (!g) {
            rc = fl_geos_error(ctx, "simplifying a layer for the web page");
            break;
        }
        fprintf(f, "%s[%d,", k++ ? "," : "", i);
        put_polygons(ctx, f, g, l->unit);
        fputc(']', f);
        GEOSGeom_destroy_r(ctx->geos, g);
    }
    fputs("]);\n", f);
    int closed = close_file(ctx, site, f, name);
    return rc ? rc : closed;
}

int fl_site_new(fl_ctx *ctx, const char *dir, const fl_profile *profile,
                const fl_regions *regions, const fl_places *places, fl_site **out)
{
    *out = NULL;
    fl_site *site = fl_calloc(ctx, 1, sizeof *site);
    if (!site)
        return FL_ENOMEM;
    *site = (fl_site){.regions = regions, .places = places, .dir = fl_strdup(ctx, dir)};
    char v[4096];
    snprintf(v, sizeof v, "%s/v", dir);
    int rc = site->dir ? FL_OK : FL_ENOMEM;
    if (!rc && (mkdir(dir, 0777) != 0 || mkdir(v, 0777) != 0))
        rc = fl_error(ctx, FL_EIO, "%s: cannot create: %m", errno == EEXIST ? dir : v);
    if (!rc)
        rc = fl_timeline_new(ctx, profile, regions, places, 0, &site->tl);
    if (!rc && !(site->rows = open_file(ctx, site, "rows.js")))
        rc = ctx->err;
    if (!rc)
        fputs("FL.rows([", site->rows);
    if (rc) {
        fl_site_free(site);
        return rc;
    }
    *out = site;
    return FL_OK;
}

void fl_site_free(fl_site *site)
{
    if (!site)
        return;
    if (site->rows)
        fclose(site->rows);
    fl_timeline_free(site->tl);
    free(site->dir);
    free(site);
}

/* The row as the page uses it: time, file and km² in the territory and per region. */
static int put_row(fl_ctx *ctx, fl_site *site, const char *row)
{
    static const char *const unused[] = {"status_km2", "transitions", "features",
                                         "place_changes"};
    json_object *doc = json_tokener_parse(row);
    for (size_t i = 0; doc && i < sizeof unused / sizeof *unused; i++)
        json_object_object_del(doc, unused[i]);
    const char *text = doc ? fl_json_string(doc) : NULL;
    if (text)
        fprintf(site->rows, "%s%s\n", site->nversions ? "," : "", text);
    json_object_put(doc);
    return text ? FL_OK : fl_error(ctx, FL_ENOMEM, "%s: out of memory", site->dir);
}

int fl_site_add(fl_ctx *ctx, fl_site *site, const char *const *paths, size_t n)
{
    char *row = NULL;
    const char *path = n ? paths[0] : "";
    int rc = fl_timeline_add_files(ctx, site->tl, paths, n, &row);
    const fl_snapshot *s = site->tl->prev;
    if (!rc && s->time == FL_TIME_UNKNOWN)
        rc = fl_error(ctx, FL_EARG, "%s: no time (a page's version needs one)", path);
    if (!rc) /* a timeline carries areas over without the layers: the page draws them */
        rc = fl_snapshot_normalise(ctx, s);
    for (size_t i = 0; !rc && i < sizeof levels / sizeof *levels; i++)
        rc = write_level(ctx, site, s, &levels[i]);
    if (!rc)
        rc = put_row(ctx, site, row);
    free(row);
    if (!rc)
        site->nversions++;
    return rc;
}

/* FL.meta({statuses: [{name, colour, side}], front, versions}). */
static int write_meta(fl_ctx *ctx, fl_site *site)
{
    const fl_profile *p = site->tl->profile;
    json_object *doc = json_object_new_object(), *st = json_object_new_array();
    for (int i = 0; i < fl_profile_status_count(p); i++) {
        json_object *s = json_object_new_object();
        fl_json_object_add(s, "name", json_object_new_string(fl_profile_status_name(p, i)));
        fl_json_object_add(s, "colour",
                               json_object_new_string(fl_profile_status_colour(p, i)));
        fl_json_object_add(s, "side", json_object_new_string(fl_profile_status_side(p, i)));
        fl_json_array_add(st, s);
    }
    fl_json_object_add(doc, "statuses", st);
    fl_json_object_add(doc, "front", json_object_new_int(fl_profile_front_status(p)));
    fl_json_object_add(doc, "versions", json_object_new_int(site->nversions));
    FILE *f = open_file(ctx, site, "meta.js");
    const char *text = fl_json_failed(doc) ? NULL : fl_json_string(doc);
    int rc = !f ? ctx->err : text ? FL_OK : fl_error(ctx, FL_ENOMEM, "out of memory");
    if (f) {
        fprintf(f, "FL.meta(%s);\n", text ? text : "null");
        int closed = close_file(ctx, site, f, "meta.js");
        rc = rc ? rc : closed;
    }
    json_object_put(doc);
    return rc;
}

/* FL.regions([{code, name, bbox, rings}]): outlines at the coarse level. */
static int write_regions(fl_ctx *ctx, fl_site *site)
{
    FILE *f = open_file(ctx, site, "regions.js");
    if (!f)
        return ctx->err;
    const fl_regions *r = site->regions;
    int rc = FL_OK;
    fputs("FL.regions(", f);
    fprintf(f, "%g,[", levels[0].unit);
    for (int i = 0; !rc && i < r->n; i++) {
        GEOSGeometry *g = for_web(ctx, site, r->geom[i], levels[0].tolerance / 2);
        if (!g) {
            rc = fl_geos_error(ctx, "simplifying a region for the web page");
            break;
        }
        json_object *code = json_object_new_string(r->code[i]);
        json_object *name = json_object_new_string(r->name[i]);
        fprintf(f, "%s{\"code\":%s,\"name\":%s,\"km2\":%.1f,\"bbox\":[%.4f,%.4f,%.4f,%.4f],"
                "\"polygons\":", i ? ",\n" : "", fl_json_string(code), fl_json_string(name),
                r->km2[i], r->bbox[i][0], r->bbox[i][1], r->bbox[i][2], r->bbox[i][3]);
        json_object_put(code);
        json_object_put(name);
        put_polygons(ctx, f, g, levels[0].unit);
        fputc('}', f);
        GEOSGeom_destroy_r(ctx->geos, g);
    }
    fputs("]);\n", f);
    int closed = close_file(ctx, site, f, "regions.js");
    return rc ? rc : closed;
}

/* FL.places([{id, name, lat, lon, population}]): the largest places, by population. */
static int write_places(fl_ctx *ctx, fl_site *site)
{
    FILE *f = open_file(ctx, site, "places.js");
    if (!f)
        return ctx->err;
    fputs("FL.places([", f);
    for (int i = 0, k = 0; site->places && i < fl_places_count(site->places); i++) {
        long pop = atol(fl_places_attr(site->places, i, "population"));
        if (pop < 20000)
            continue;
        json_object *o = fl_place_json(site->places, i);
        fl_json_object_add(o, "population", json_object_new_int64(pop));
        fprintf(f, "%s%s", k++ ? ",\n" : "", fl_json_string(o));
        json_object_put(o);
    }
    fputs("]);\n", f);
    return close_file(ctx, site, f, "places.js");
}

static int write_changes(fl_ctx *ctx, fl_site *site)
{
    char *json = NULL;
    int rc = fl_timeline_changes_json(ctx, site->tl, &json);
    FILE *f = rc ? NULL : open_file(ctx, site, "changes.js");
    if (!rc && !f)
        rc = ctx->err;
    if (f) {
        fprintf(f, "FL.changes(%s);\n", json);
        rc = close_file(ctx, site, f, "changes.js");
    }
    free(json);
    return rc;
}

int fl_site_finish(fl_ctx *ctx, fl_site *site)
{
    if (site->nversions == 0)
        return fl_error(ctx, FL_EARG, "%s: a page needs at least one version", site->dir);
    fputs("]);\n", site->rows);
    int rc = close_file(ctx, site, site->rows, "rows.js");
    site->rows = NULL;
    if (!rc)
        rc = write_meta(ctx, site);
    if (!rc)
        rc = write_regions(ctx, site);
    if (!rc)
        rc = write_places(ctx, site);
    if (!rc)
        rc = write_changes(ctx, site);
    return rc;
}
