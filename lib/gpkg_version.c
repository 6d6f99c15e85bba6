/* gpkg_version.c — one map version written into a frontline GeoPackage, in one transaction:
 * its row of `versions`, its status layers, its areas, what changed from the version before
 * it and the places whose status changed (gpkg.c describes the file and why this is safe).
 *
 * The previous version's open intervals (valid_to NULL) are closed at this version's time in
 * the same transaction, so that at every commit exactly the newest version's rows are open.
 * The places' open statuses kept in memory change only once the transaction has committed.
 */
#include "diff.h"
#include "gpkg.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* g as a multipolygon (a new geometry): polygons are wrapped, collections keep their
 * polygons; NULL with the error recorded on failure. */
static GEOSGeometry *as_multi(fl_ctx *ctx, const GEOSGeometry *g)
{
    int n = GEOSGetNumGeometries_r(ctx->geos, g), k = 0;
    GEOSGeometry **part = fl_calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *part);
    for (int i = 0; part && i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSGeomTypeId_r(ctx->geos, p) == GEOS_POLYGON && !GEOSisEmpty_r(ctx->geos, p))
            part[k++] = GEOSGeom_clone_r(ctx->geos, p);
    }
    GEOSGeometry *m = part ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, part,
                                                         (unsigned)k)
                           : NULL;
    if (!m && part) {
        for (int i = 0; i < k; i++)
            GEOSGeom_destroy_r(ctx->geos, part[i]);
        fl_geos_error(ctx, "making a multipolygon");
    }
    free(part);
    return m;
}

/* Binds geometry g (taken: destroyed here) as parameter i of st, steps and resets st. */
static int insert(fl_ctx *ctx, fl_gpkg *g, sqlite3_stmt *st, int i, GEOSGeometry *geom)
{
    unsigned char *blob = NULL;
    size_t len = 0;
    double env[4];
    int rc = geom ? fl_gpkg_blob(ctx, g->wkb, geom, &blob, &len, env) : ctx->err;
    GEOSGeom_destroy_r(ctx->geos, geom);
    if (!rc) {
        sqlite3_bind_blob64(st, i, blob, len, free);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = fl_gpkg_db_error(ctx, g, "inserting a feature");
    }
    if (rc && blob == NULL && !ctx->err)
        rc = fl_error(ctx, FL_ENOMEM, "%s: out of memory", g->path);
    sqlite3_reset(st);
    return rc;
}

static int insert_version(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n,
                          const char *sha, const fl_snapshot *s, sqlite3_int64 *id)
{
    sqlite3_stmt *st = fl_gpkg_prepare(ctx, g, "INSERT INTO versions (valid_from, files, "
                                       "sha256, features, classified, ignored, unclassified, "
                                       "no_polygon) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return ctx->err;
    char *files = NULL;
    for (size_t i = 0; i < n; i++) {
        char *more = sqlite3_mprintf("%z%s%s", files, i ? "\n" : "", paths[i]);
        if (!more) {
            sqlite3_finalize(st);
            return fl_error(ctx, FL_ENOMEM, "out of memory");
        }
        files = more;
    }
    fl_counts c;
    fl_snapshot_counts(s, &c);
    fl_gpkg_bind_time(st, 1, fl_snapshot_time(s));
    sqlite3_bind_text(st, 2, files, -1, sqlite3_free);
    sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
    long v[] = {c.total, c.classified, c.ignored, c.unclassified, c.no_polygon};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(st, 4 + i, v[i]);
    int rc = fl_gpkg_run(ctx, g, st);
    *id = sqlite3_last_insert_rowid(g->db);
    return rc;
}

/* Closes the intervals of the versions before id at time t. */
static int close_intervals(fl_ctx *ctx, fl_gpkg *g, sqlite3_int64 id, int64_t t)
{
    static const char *const sql[] = {
        "UPDATE versions SET valid_to = ?1 WHERE valid_to IS NULL AND fid < ?2",
        "UPDATE status_layers SET valid_to = ?1 WHERE valid_to IS NULL AND version < ?2",
        "UPDATE changed_pieces SET valid_to = ?1 WHERE valid_to IS NULL AND version < ?2",
    };
    int rc = FL_OK;
    for (size_t i = 0; i < sizeof sql / sizeof *sql && !rc; i++) {
        sqlite3_stmt *st = fl_gpkg_prepare(ctx, g, sql[i]);
        if (st) {
            fl_gpkg_bind_time(st, 1, t);
            sqlite3_bind_int64(st, 2, id);
        }
        rc = fl_gpkg_run(ctx, g, st);
    }
    return rc;
}

static int write_layers(fl_ctx *ctx, fl_gpkg *g, sqlite3_int64 id, const fl_snapshot *s)
{
    sqlite3_stmt *st = fl_gpkg_prepare(ctx, g, "INSERT INTO status_layers (geom, version, "
                                       "status, side, km2, valid_from) VALUES (?,?,?,?,?,?)");
    int rc = st ? FL_OK : ctx->err;
    for (int i = 0; !rc && i < s->nstatus - 1; i++) {
        if (!s->layer[i] || GEOSisEmpty_r(ctx->geos, s->layer[i]) == 1)
            continue;
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_text(st, 3, fl_profile_status_name(g->profile, i), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, fl_profile_status_side(g->profile, i), -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 5, fl_snapshot_status_km2(s, i));
        fl_gpkg_bind_time(st, 6, fl_snapshot_time(s));
        rc = insert(ctx, g, st, 1, as_multi(ctx, s->layer[i]));
    }
    sqlite3_finalize(st);
    return rc;
}

static int area_row(fl_ctx *ctx, fl_gpkg *g, sqlite3_stmt *st, const char *scope, int status,
                    double km2)
{
    sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, fl_profile_status_name(g->profile, status), -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 5, km2);
    int rc = sqlite3_step(st) == SQLITE_DONE ? FL_OK : fl_gpkg_db_error(ctx, g, "areas");
    sqlite3_reset(st);
    return rc;
}

/* km² by status: as drawn (scope "drawn"), in the territory ("territory"), per region. */
static int write_areas(fl_ctx *ctx, fl_gpkg *g, sqlite3_int64 id, const fl_snapshot *s)
{
    fl_areas *a = NULL;
    int rc = fl_areas_new(ctx, s, g->regions, &a);
    sqlite3_stmt *st = rc ? NULL
                          : fl_gpkg_prepare(ctx, g, "INSERT INTO areas (version, valid_from, "
                                            "scope, status, km2) VALUES (?, ?, ?, ?, ?)");
    if (!rc && !st)
        rc = ctx->err;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        fl_gpkg_bind_time(st, 2, fl_snapshot_time(s));
    }
    int ns = fl_profile_status_count(g->profile);
    for (int i = 0; !rc && i < ns - 1; i++)
        rc = area_row(ctx, g, st, "drawn", i, fl_snapshot_status_km2(s, i));
    for (size_t row = 0; !rc && row <= (size_t)fl_regions_count(g->regions); row++) {
        int r = fl_row_region(row);
        for (int i = 0; !rc && i < ns; i++)
            rc = area_row(ctx, g, st, row ? fl_regions_code(g->regions, r) : "territory", i,
                          fl_areas_km2(a, r, i));
    }
    sqlite3_finalize(st);
    fl_areas_free(a);
    return rc;
}

/* The changed pieces from g->prev to s, with their transitions. */
static int write_changes(fl_ctx *ctx, fl_gpkg *g, sqlite3_int64 id, const fl_snapshot *s)
{
    if (!g->prev)
        return FL_OK;
    fl_diff *d = NULL;
    int rc = fl_diff_compute(ctx, g->prev, s, g->regions, NULL, FL_DIFF_WHOLE, &d);
    sqlite3_stmt *st = rc ? NULL
                          : fl_gpkg_prepare(ctx, g, "INSERT INTO changed_pieces (geom, version,"
                                            " status_before, status_after, km2, region, "
                                            "time_before, valid_from) VALUES (?,?,?,?,?,?,?,?)");
    if (!rc && !st)
        rc = ctx->err;
    for (int i = 0; !rc && i < d->npieces; i++) {
        const fl_piece *p = &d->pieces[i];
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_text(st, 3, fl_profile_status_name(g->profile, p->from), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, fl_profile_status_name(g->profile, p->to), -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 5, p->km2);
        if (p->region >= 0)
            sqlite3_bind_text(st, 6, fl_regions_code(g->regions, p->region), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 6);
        fl_gpkg_bind_time(st, 7, fl_snapshot_time(g->prev));
        fl_gpkg_bind_time(st, 8, fl_snapshot_time(s));
        rc = insert(ctx, g, st, 1, as_multi(ctx, d->piece_geom[i]));
    }
    sqlite3_finalize(st);
    fl_diff_free(d);
    return rc;
}

/* A new status period for place i from time t (the open one closed). */
static int place_period(fl_ctx *ctx, fl_gpkg *g, sqlite3_stmt *close, sqlite3_stmt *add, int i,
                        const char *status, const char *region)
{
    const char *key = fl_gpkg_place_key(g->places, i);
    sqlite3_bind_text(close, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(close) == SQLITE_DONE ? FL_OK : fl_gpkg_db_error(ctx, g, "places");
    sqlite3_reset(close);
    sqlite3_bind_text(add, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(add, 3, fl_places_name(g->places, i), -1, SQLITE_STATIC);
    sqlite3_bind_text(add, 4, status, -1, SQLITE_STATIC);
    if (region)
        sqlite3_bind_text(add, 5, region, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(add, 5);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, fl_places_lon(g->places, i),
                                                    fl_places_lat(g->places, i));
    if (!rc && !pt)
        rc = fl_geos_error(ctx, "making a point");
    return rc ? (GEOSGeom_destroy_r(ctx->geos, pt), rc) : insert(ctx, g, add, 1, pt);
}

/* Places whose status differs from their open period get a new one; now[i] receives every
 * place's status (names owned by the profile). */
static int write_places(fl_ctx *ctx, fl_gpkg *g, const fl_snapshot *s, const char **now)
{
    int *status = NULL, *region = NULL;
    int rc = fl_places_status(ctx, s, g->regions, g->places, &status, &region);
    sqlite3_stmt *close = rc ? NULL
                             : fl_gpkg_prepare(ctx, g, "UPDATE place_status SET valid_to = ? "
                                               "WHERE place_id = ? AND valid_to IS NULL");
    sqlite3_stmt *add = close ? fl_gpkg_prepare(ctx, g, "INSERT INTO place_status (geom, "
                                                "place_id, name, status, region, valid_from) "
                                                "VALUES (?, ?, ?, ?, ?, ?)")
                              : NULL;
    if (!rc && !add)
        rc = ctx->err;
    if (!rc) {
        fl_gpkg_bind_time(close, 1, fl_snapshot_time(s));
        fl_gpkg_bind_time(add, 6, fl_snapshot_time(s));
    }
    for (int i = 0; !rc && i < fl_places_count(g->places); i++) {
        now[i] = fl_profile_status_name(g->profile, status[i]);
        if (!g->open_status[i] || strcmp(g->open_status[i], now[i]))
            rc = place_period(ctx, g, close, add, i, now[i],
                              region[i] >= 0 ? fl_regions_code(g->regions, region[i]) : NULL);
    }
    sqlite3_finalize(close);
    sqlite3_finalize(add);
    free(status);
    free(region);
    return rc;
}

/* After the commit: the places' open statuses are now[]. */
static void keep_places(fl_ctx *ctx, fl_gpkg *g, const char **now)
{
    for (int i = 0; i < fl_places_count(g->places); i++) {
        if (g->open_status[i] && !strcmp(g->open_status[i], now[i]))
            continue;
        char *copy = fl_strdup(ctx, now[i]);
        if (copy) { /* out of memory: the next version opens a needless period, no harm */
            free(g->open_status[i]);
            g->open_status[i] = copy;
        }
    }
}

/* Each feature table's extent in gpkg_contents, from its R-tree. */
static int update_extents(fl_ctx *ctx, fl_gpkg *g)
{
    static const char *const tables[] = {"status_layers", "changed_pieces", "place_status"};
    int rc = FL_OK;
    for (size_t i = 0; i < sizeof tables / sizeof *tables && !rc; i++) {
        char *sql = NULL; /* sqlite3_mprintf has no positional arguments */
        int len = asprintf(&sql,
            "UPDATE gpkg_contents SET min_x = (SELECT min(minx) FROM rtree_%1$s_geom),"
            " max_x = (SELECT max(maxx) FROM rtree_%1$s_geom), min_y = (SELECT min(miny) FROM"
            " rtree_%1$s_geom), max_y = (SELECT max(maxy) FROM rtree_%1$s_geom),"
            " last_change = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') WHERE table_name ="
            " '%1$s'", tables[i]);
        rc = len >= 0 ? fl_gpkg_exec(ctx, g, sql) : fl_error(ctx, FL_ENOMEM, "out of memory");
        if (len >= 0)
            free(sql);
    }
    return rc ? rc : fl_gpkg_exec(ctx, g, "UPDATE gpkg_contents SET last_change = "
                                  "strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE data_type = "
                                  "'attributes'");
}

int fl_gpkg_add_version(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n,
                        const char *sha, const fl_snapshot *s)
{
    assert(g->prev == NULL || fl_snapshot_time(g->prev) <= fl_snapshot_time(s));
    int np = g->places ? fl_places_count(g->places) : 0;
    const char **now = fl_calloc(ctx, (size_t)np + 1, sizeof *now);
    sqlite3_int64 id = 0;
    int rc = now ? fl_gpkg_exec(ctx, g, "BEGIN IMMEDIATE") : FL_ENOMEM;
    bool begun = !rc;
    if (!rc)
        rc = insert_version(ctx, g, paths, n, sha, s, &id);
    if (!rc)
        rc = close_intervals(ctx, g, id, fl_snapshot_time(s));
    if (!rc)
        rc = write_layers(ctx, g, id, s);
    if (!rc)
        rc = write_areas(ctx, g, id, s);
    if (!rc)
        rc = write_changes(ctx, g, id, s);
    if (!rc && g->places)
        rc = write_places(ctx, g, s, now);
    if (!rc)
        rc = update_extents(ctx, g);
    if (!rc)
        rc = fl_gpkg_exec(ctx, g, "COMMIT");
    if (rc && begun)
        sqlite3_exec(g->db, "ROLLBACK", NULL, NULL, NULL);
    if (!rc && g->places)
        keep_places(ctx, g, now);
    free(now);
    return rc;
}
