/* gpkg.h — what the GeoPackage store (gpkg.c) and its geometry blobs (gpkg_blob.c) share. */
#ifndef FL_GPKG_H
#define FL_GPKG_H

#include "internal.h"

#include <sqlite3.h>

/* g as a GeoPackage geometry blob (SRS 4326, little-endian, XY envelope) in *blob (caller
 * frees), its envelope minx, maxx, miny, maxy in env (zeros when g is empty). */
int fl_gpkg_blob(fl_ctx *ctx, GEOSWKBWriter *w, const GEOSGeometry *g, unsigned char **blob,
                 size_t *len, double env[4]);
/* Defines ST_IsEmpty, ST_MinX, ST_MaxX, ST_MinY, ST_MaxY on db (the R-tree triggers call
 * them). Returns an SQLite code. */
int fl_gpkg_register_functions(sqlite3 *db);

struct fl_gpkg {
    fl_ctx *ctx; /* made with it; fl_gpkg_close frees with it */
    sqlite3 *db;
    char *path;
    const fl_profile *profile;
    const fl_regions *regions;
    const fl_places *places;
    GEOSWKBWriter *wkb;
    int nversions;
    int64_t newest;          /* time of the newest stored version, or FL_TIME_UNKNOWN */
    char newest_sha[65];     /* its hash ("" when none) */
    char **newest_paths;     /* its files, once seen in this run (not loaded yet) */
    size_t newest_n;
    fl_snapshot *prev;       /* the newest version, loaded (after an add in this run) */
    char **open_status;      /* per place: the status of its open interval, or NULL */
    int *by_key;             /* place indices sorted by fl_gpkg_place_key */
};

/* Records an SQLite failure (FL_EIO, FL_ENOMEM) naming the file and what was done. */
int fl_gpkg_db_error(fl_ctx *ctx, const fl_gpkg *g, const char *what);
/* Runs SQL statements that return nothing. */
int fl_gpkg_exec(fl_ctx *ctx, fl_gpkg *g, const char *sql);
/* Prepares one statement, or records the error and returns NULL. */
sqlite3_stmt *fl_gpkg_prepare(fl_ctx *ctx, fl_gpkg *g, const char *sql);
/* Steps st once (no row wanted) and finalizes it; st NULL: the error prepare recorded. */
int fl_gpkg_run(fl_ctx *ctx, fl_gpkg *g, sqlite3_stmt *st);
/* Binds a time as ISO 8601 UTC text. */
void fl_gpkg_bind_time(sqlite3_stmt *st, int i, int64_t t);
/* Place index of a stored place key (gpkg.c), or -1. */
int fl_gpkg_place(const fl_gpkg *g, const char *key);
/* The key a place is stored under: its id, or its name when it has none. */
const char *fl_gpkg_place_key(const fl_places *p, int i);

/* gpkg_version.c: writes snapshot s (files paths, hash sha) as a new version, with what
 * changed from g->prev (NULL: nothing to compare), in one transaction. */
int fl_gpkg_add_version(fl_ctx *ctx, fl_gpkg *g, const char *const *paths, size_t n,
                        const char *sha, const fl_snapshot *s);

#endif
