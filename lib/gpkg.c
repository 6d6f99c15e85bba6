/* gpkg.c — an archive's history as a time-enabled GeoPackage (OGC 12-128r18, version 1.3).
 *
 * The file holds, for every map version added: a row of `versions` (its time, files and the
 * SHA-256 of their bytes), its status layers (`status_layers`, one multipolygon per status
 * drawn, as drawn after precedence), what changed from the version before it
 * (`changed_pieces`, one multipolygon per piece, with its transition), its km² by status as
 * drawn, in the territory and per region (`areas`), and the places' status as intervals
 * (`place_status`: one point per place and status period). Every feature row carries
 * `valid_from` and `valid_to` (ISO 8601 UTC; valid_to is the next version's time, NULL for
 * the newest), the two fields QGIS' temporal controller plays.
 *
 * Why this is safe to run again and again on a growing archive:
 *  - A version is recognised by its content, the SHA-256 of its files' bytes (each file's
 *    length, then its bytes, in the order given), not by its name: a stored version is
 *    skipped, whatever it is called now.
 *  - Each version is added in one SQLite transaction (BEGIN IMMEDIATE .. COMMIT), the previous
 *    version's open intervals closed in the same one: a run killed at any instant leaves the
 *    versions committed before it, each whole, and SQLite's journal rolls back the rest.
 *  - Versions are appended in time order: a version older than the newest stored one is
 *    refused (its neighbours' intervals and changes would be wrong), and so is a new version
 *    whose predecessor is stored but not among this run's inputs (its changes need it).
 *
 * Geometry is GEOS' WKB behind the GeoPackage header (gpkg_blob.c); every feature table has
 * the R-tree spatial index extension with the standard triggers, and its extent in
 * gpkg_contents is kept up to date from that index.
 */
#include "diff.h"
#include "gpkg.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>


/* Feature tables: name, geometry type, columns after fid and geom, description. */
static const struct layer {
    const char *name, *type, *columns, *description;
} layers[] = {
    {"status_layers", "MULTIPOLYGON",
     "version INTEGER NOT NULL, status TEXT NOT NULL, side TEXT, km2 DOUBLE",
     "Each version's status layers, as drawn after precedence"},
    {"changed_pieces", "MULTIPOLYGON",
     "version INTEGER NOT NULL, status_before TEXT NOT NULL, status_after TEXT NOT NULL, "
     "km2 DOUBLE, region TEXT, time_before DATETIME",
     "What changed status from the version before"},
    {"place_status", "POINT",
     "place_id TEXT NOT NULL, name TEXT, status TEXT NOT NULL, region TEXT",
     "Each place's status, one row per period"},
};
enum { NLAYERS = sizeof layers / sizeof *layers };

static const char schema[] =
    "PRAGMA application_id = 1196444487;" /* 'GPKG' */
    "PRAGMA user_version = 10300;"
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,"
    " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
    " definition TEXT NOT NULL, description TEXT);"
    "INSERT INTO gpkg_spatial_ref_sys VALUES"
    " ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),"
    " ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),"
    " ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\","
    "SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
    "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
    "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]',"
    " 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');"
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,"
    " data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',"
    " last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    " min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
    " CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));"
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
    " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,"
    " m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
    " CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
    " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
    " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
    "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,"
    " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
    " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));"
    "CREATE TABLE versions (fid INTEGER PRIMARY KEY AUTOINCREMENT,"
    " valid_from DATETIME NOT NULL, valid_to DATETIME, files TEXT NOT NULL,"
    " sha256 TEXT NOT NULL UNIQUE, features INTEGER, classified INTEGER, ignored INTEGER,"
    " unclassified INTEGER, no_polygon INTEGER);"
    "CREATE TABLE areas (fid INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL,"
    " valid_from DATETIME NOT NULL, scope TEXT NOT NULL, status TEXT NOT NULL, km2 DOUBLE);"
    "CREATE INDEX areas_version ON areas (version);"

    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES"
    " ('versions', 'attributes', 'versions', 'Map versions: time, files, content hash'),"
    " ('areas', 'attributes', 'areas', 'km2 by status per version: drawn, territory,"
    " region');";

/* The R-tree extension's index and triggers for table t (OGC 12-128r18, F.3). */
static const char rtree[] =
    "CREATE VIRTUAL TABLE rtree_%1$s_geom USING rtree(id, minx, maxx, miny, maxy);"
    "INSERT INTO gpkg_extensions VALUES ('%1$s', 'geom', 'gpkg_rtree_index',"
    " 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');"
    "CREATE TRIGGER rtree_%1$s_geom_insert AFTER INSERT ON %1$s WHEN (new.geom NOT NULL AND"
    " NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO rtree_%1$s_geom VALUES"
    " (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));"
    " END;"
    "CREATE TRIGGER rtree_%1$s_geom_update1 AFTER UPDATE OF geom ON %1$s WHEN"
    " OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR"
    " REPLACE INTO rtree_%1$s_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom),"
    " ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;"
    "CREATE TRIGGER rtree_%1$s_geom_update2 AFTER UPDATE OF geom ON %1$s WHEN"
    " OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM"
    " rtree_%1$s_geom WHERE id = OLD.fid; END;"
    "CREATE TRIGGER rtree_%1$s_geom_update3 AFTER UPDATE ON %1$s WHEN OLD.fid != NEW.fid AND"
    " (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM rtree_%1$s_geom WHERE"
    " id = OLD.fid; INSERT OR REPLACE INTO rtree_%1$s_geom VALUES (NEW.fid,"
    " ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;"
    "CREATE TRIGGER rtree_%1$s_geom_update4 AFTER UPDATE ON %1$s WHEN OLD.fid != NEW.fid AND"
    " (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM rtree_%1$s_geom WHERE id IN"
    " (OLD.fid, NEW.fid); END;"
    "CREATE TRIGGER rtree_%1$s_geom_delete AFTER DELETE ON %1$s WHEN old.geom NOT NULL BEGIN"
    " DELETE FROM rtree_%1$s_geom WHERE id = OLD.fid; END;";

int fl_gpkg_db_error(fl_ctx *ctx, const fl_gpkg *g, const char *what)
{
    int code = sqlite3_errcode(g->db) == SQLITE_NOMEM ? FL_ENOMEM : FL_EIO;
    return fl_error(ctx, code, "%s: %s: %s", g->path, what, sqlite3_errmsg(g->db));
}

int fl_gpkg_exec(fl_ctx *ctx, fl_gpkg *g, const char *sql)
{
    return sqlite3_exec(g->db, sql, NULL, NULL, NULL) ? fl_gpkg_db_error(ctx, g, "SQL") : FL_OK;
}

static int create_layer(fl_ctx *ctx, fl_gpkg *g, const struct layer *l)
{
    char *sql = sqlite3_mprintf(
        "CREATE TABLE %s (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom %s, %s,"
        " valid_from DATETIME NOT NULL, valid_to DATETIME);"
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
        " VALUES ('%s', 'features', '%s', '%q', 4326);"
        "INSERT INTO gpkg_geometry_columns VALUES ('%s', 'geom', '%s', 4326, 0, 0);",
        l->name, l->type, l->columns, l->name, l->name, l->description, l->name, l->type);
    char *index = NULL; /* sqlite3_mprintf has no positional arguments */
    if (asprintf(&index, rtree, l->name) < 0)
        index = NULL;
    int rc = sql && index ? fl_gpkg_exec(ctx, g, sql) : FL_ENOMEM;
    if (!rc)
        rc = fl_gpkg_exec(ctx, g, index);
    sqlite3_free(sql);
    free(index);
    return rc;
}

/* A new file gets the schema, in one transaction. */
static int create_schema(fl_ctx *ctx, fl_gpkg *g)
{
    int rc = fl_gpkg_exec(ctx, g, "BEGIN IMMEDIATE");
    if (!rc)
        rc = fl_gpkg_exec(ctx, g, schema);
    for (int i = 0; i < NLAYERS && !rc; i++)
        rc = create_layer(ctx, g, &layers[i]);
    if (!rc) /* a place's open period is looked up once per place and version */
        rc = fl_gpkg_exec(ctx, g, "CREATE INDEX place_status_open ON place_status (place_id, "
                          "valid_to); COMMIT");
    if (rc)
        sqlite3_exec(g->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Prepares sql, or records the error. */
sqlite3_stmt *fl_gpkg_prepare(fl_ctx *ctx, fl_gpkg *g, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL))
        fl_gpkg_db_error(ctx, g, "SQL");
    return st;
}

/* Steps a statement that returns no row (or whose rows are not wanted) and finalizes it. */
int fl_gpkg_run(fl_ctx *ctx, fl_gpkg *g, sqlite3_stmt *st)
{
    int step = st ? sqlite3_step(st) : SQLITE_ERROR;
    int rc = !st ? (ctx->err ? ctx->err : FL_EIO)
                 : step == SQLITE_DONE || step == SQLITE_ROW ? FL_OK : fl_gpkg_db_error(ctx, g, "SQL");
    sqlite3_finalize(st);
    return rc;
}

void fl_gpkg_bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    char buf[32];
    sqlite3_bind_text(st, i, fl_time_format(t, buf, sizeof buf), -1, SQLITE_TRANSIENT);
}

/* Reads what a stored file says: its versions, the newest one, the places' open intervals. */
static int load_state(fl_ctx *ctx, fl_gpkg *g)
{
    sqlite3_stmt *st = fl_gpkg_prepare(ctx, g, "SELECT count(*), (SELECT valid_from || '|' || sha256"
                                       " FROM versions ORDER BY valid_from DESC, fid DESC"
                                       " LIMIT 1) FROM versions");
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return fl_gpkg_db_error(ctx, g, "not a frontline GeoPackage (no versions table)");
    }
    g->nversions = sqlite3_column_int(st, 0);
    const char *newest = (const char *)sqlite3_column_text(st, 1);
    const char *bar = newest ? strchr(newest, '|') : NULL;
    if (bar && strlen(bar + 1) == 64) {
        char t[32];
        snprintf(t, sizeof t, "%.*s", (int)(bar - newest), newest);
        g->newest = fl_time_parse(t);
        memcpy(g->newest_sha, bar + 1, 65);
    }
    sqlite3_finalize(st);
    if (!g->places)
        return FL_OK;
    st = fl_gpkg_prepare(ctx, g, "SELECT place_id, status FROM place_status WHERE valid_to IS NULL");
    int rc = st ? FL_OK : ctx->err;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        int i = fl_gpkg_place(g, (const char *)sqlite3_column_text(st, 0));
        if (i >= 0 && !g->open_status[i] &&
            !(g->open_status[i] = fl_strdup(ctx, (const char *)sqlite3_column_text(st, 1))))
            rc = FL_ENOMEM;
    }
    sqlite3_finalize(st);
    return rc;
}

const char *fl_gpkg_place_key(const fl_places *p, int i)
{
    return *fl_places_id(p, i) ? fl_places_id(p, i) : fl_places_name(p, i);
}

struct places_arg {
    const fl_places *p;
};

static int by_key(const void *x, const void *y, void *arg)
{
    const fl_places *p = ((const struct places_arg *)arg)->p;
    return strcmp(fl_gpkg_place_key(p, *(const int *)x), fl_gpkg_place_key(p, *(const int *)y));
}

/* The places sorted by key, for fl_gpkg_place. */
static int index_places(fl_ctx *ctx, fl_gpkg *g)
{
    int n = fl_places_count(g->places);
    g->open_status = fl_calloc(ctx, (size_t)n + 1, sizeof(char *));
    g->by_key = fl_calloc(ctx, (size_t)n + 1, sizeof(int));
    if (!g->open_status || !g->by_key)
        return FL_ENOMEM;
    for (int i = 0; i < n; i++)
        g->by_key[i] = i;
    struct places_arg arg = {g->places};
    qsort_r(g->by_key, (size_t)n, sizeof(int), by_key, &arg);
    return FL_OK;
}

int fl_gpkg_place(const fl_gpkg *g, const char *key)
{
    int lo = 0, hi = fl_places_count(g->places) - 1;
    while (key && lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(key, fl_gpkg_place_key(g->places, g->by_key[mid]));
        if (c == 0)
            return g->by_key[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

int fl_gpkg_open(fl_ctx *ctx, const char *path, const fl_profile *profile,
                 const fl_regions *regions, const fl_places *places, fl_gpkg **out)
{
    *out = NULL;
    if (!path || !profile || !regions)
        return fl_error(ctx, FL_EARG, "fl_gpkg_open: path, profile and regions are needed");
    fl_gpkg *g = fl_calloc(ctx, 1, sizeof *g);
    if (!g)
        return FL_ENOMEM;
    *g = (fl_gpkg){.ctx = ctx, .profile = profile, .regions = regions, .places = places,
                   .newest = FL_TIME_UNKNOWN};
    g->path = fl_strdup(ctx, path);
    g->wkb = GEOSWKBWriter_create_r(ctx->geos);
    int rc = g->path && g->wkb ? FL_OK : FL_ENOMEM;
    if (!rc && places)
        rc = index_places(ctx, g);
    if (!rc) {
        GEOSWKBWriter_setOutputDimension_r(ctx->geos, g->wkb, 2);
        GEOSWKBWriter_setByteOrder_r(ctx->geos, g->wkb, GEOS_WKB_NDR);
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW;
        if (sqlite3_open_v2(path, &g->db, flags, NULL) || fl_gpkg_register_functions(g->db))
            rc = fl_gpkg_db_error(ctx, g, "cannot open");
    }
    sqlite3_stmt *st = rc ? NULL : fl_gpkg_prepare(ctx, g, "SELECT count(*) FROM sqlite_master");
    if (!rc && (!st || sqlite3_step(st) != SQLITE_ROW))
        rc = fl_gpkg_db_error(ctx, g, "not an SQLite file");
    bool empty = st && sqlite3_column_int(st, 0) == 0;
    sqlite3_finalize(st);
    if (!rc && empty)
        rc = create_schema(ctx, g);
    if (!rc)
        rc = load_state(ctx, g);
    if (rc) {
        fl_gpkg_close(g);
        return rc;
    }
    *out = g;
    return FL_OK;
}

static void free_paths(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void fl_gpkg_close(fl_gpkg *g)
{
    if (!g)
        return;
    fl_ctx *ctx = g->ctx;
    sqlite3_close(g->db);
    if (g->wkb)
        GEOSWKBWriter_destroy_r(ctx->geos, g->wkb);
    fl_snapshot_close(g->prev);
    free_paths(g->newest_paths, g->newest_n);
    for (int i = 0; g->open_status && i < fl_places_count(g->places); i++)
        free(g->open_status[i]);
    free(g->open_status);
    free(g->by_key);
    free(g->path);
    free(g);
}

int fl_gpkg_version_count(const fl_gpkg *g) { return g->nversions; }

/* SHA-256 of the files: for each, its length (8 bytes) then its bytes. */
static int hash_files(fl_ctx *ctx, const char *const *paths, size_t n, char hex[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) ? FL_OK : FL_ENOMEM;
    char buf[65536];
    for (size_t i = 0; i < n && !rc; i++) {
        FILE *f;
        if ((rc = fl_input_open(ctx, paths[i], "input", &f)))
            break;
        uint64_t size = fseeko(f, 0, SEEK_END) == 0 ? (uint64_t)ftello(f) : 0;
        rewind(f);
        EVP_DigestUpdate(md, &size, sizeof size);
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            EVP_DigestUpdate(md, buf, got);
        if (ferror(f))
            rc = fl_error(ctx, FL_EIO, "%s: read error", paths[i]);
        fclose(f);
    }
    unsigned char d[32];
    if (!rc && !EVP_DigestFinal_ex(md, d, NULL))
        rc = fl_error(ctx, FL_ENOMEM, "SHA-256 failed");
    for (int i = 0; !rc && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    EVP_MD_CTX_free(md);
    return rc;
}

static int stored(fl_ctx *ctx, fl_gpkg *g, const char *sha, bool *yes)
{
    sqlite3_stmt *st = fl_gpkg_prepare(ctx, g, "SELECT 1 FROM versions WHERE sha256 = ?");
    if (!st)
        return ctx->err;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    *yes = step == SQLITE_ROW;
    return step == SQLITE_ROW || step == SQLITE_DONE ? FL_OK : fl_gpkg_db_error(ctx, g, "SQL");
}

static int remember_newest(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n)
{
    free_paths(g->newest_paths, g->newest_n);
    g->newest_n = 0;
    if (!(g->newest_paths = fl_calloc(ctx, n, sizeof(char *))))
        return FL_ENOMEM;
    for (; g->newest_n < n; g->newest_n++)
        if (!(g->newest_paths[g->newest_n] = fl_strdup(ctx, paths[g->newest_n])))
            return FL_ENOMEM;
    return FL_OK;
}

/* Loads the newest stored version into g->prev when this run has seen its files. */
static int load_prev(fl_ctx *ctx, fl_gpkg *g)
{
    if (g->prev || !g->newest_paths)
        return FL_OK;
    return fl_snapshot_open_files(ctx, (const char *const *)g->newest_paths, g->newest_n,
                                  g->profile, &g->prev);
}

/* Loads the version of paths (time overriding its own), checked to follow the newest one. */
static int load_next(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n, int64_t time,
                     fl_snapshot **s)
{
    const char *path = paths[0];
    int rc = load_prev(ctx, g);
    if (!rc && n == 1) /* the features the previous version has are copied, not read again */
        rc = fl_snapshot_load(ctx, path, g->profile, g->prev, s);
    if (!rc && n == 1)
        rc = fl_snapshot_normalise(ctx, *s);
    else if (!rc)
        rc = fl_snapshot_open_files(ctx, paths, n, g->profile, s);
    if (!rc && time != FL_TIME_UNKNOWN)
        fl_snapshot_set_time(*s, time);
    if (!rc && fl_snapshot_time(*s) == FL_TIME_UNKNOWN)
        rc = fl_error(ctx, FL_EARG, "%s: no time (a GeoPackage version needs one)", path);
    if (!rc && g->newest != FL_TIME_UNKNOWN && fl_snapshot_time(*s) < g->newest)
        rc = fl_error(ctx, FL_EARG, "%s: older than the newest version stored in %s (versions "
                      "are added in time order)", path, g->path);
    if (!rc && g->nversions > 0 && !g->prev)
        rc = fl_error(ctx, FL_EARG, "%s: the newest version stored in %s is not among the "
                      "files given: give it too, so that what changed can be computed",
                      path, g->path);
    return rc;
}

int fl_gpkg_add(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n, int64_t time,
                bool *added)
{
    char sha[65];
    bool have = false;
    *added = false;
    if (n < 1)
        return fl_error(ctx, FL_EARG, "fl_gpkg_add: a version needs a file");
    int rc = hash_files(ctx, paths, n, sha);
    if (!rc)
        rc = stored(ctx, g, sha, &have);
    if (rc || have)
        return rc ? rc : !strcmp(sha, g->newest_sha) ? remember_newest(ctx, g, paths, n) : FL_OK;
    fl_snapshot *s = NULL;
    rc = load_next(ctx, g, paths, n, time, &s);
    if (!rc)
        rc = fl_gpkg_add_version(ctx, g, paths, n, sha, s);
    if (rc) {
        fl_snapshot_close(s);
        return rc;
    }
    fl_snapshot_close(g->prev);
    g->prev = s;
    g->nversions++;
    g->newest = fl_snapshot_time(s);
    memcpy(g->newest_sha, sha, sizeof sha);
    *added = true;
    return FL_OK;
}
