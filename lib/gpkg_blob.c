/* gpkg_blob.c — the GeoPackage binary geometry: a header over GEOS' ISO WKB, and the SQL
 * functions a GeoPackage's spatial-index triggers call.
 *
 * A GeoPackage geometry (OGC 12-128r18, 2.1.3) is "GP", a version byte (0), a flags byte,
 * the SRS id (int32) and an optional envelope, then standard WKB. frontline always writes
 * little-endian (flags bit 0 set) with the XY envelope (envelope code 1: minx, maxx, miny,
 * maxy as four doubles), so that a reader, the R-tree triggers among them, finds a geometry's
 * bounds in the header without parsing its WKB. An empty geometry sets flags bit 4 and has
 * no envelope.
 *
 * The R-tree triggers of the spatial-index extension (OGC 12-128r18, F.3) call ST_IsEmpty,
 * ST_MinX, ST_MaxX, ST_MinY and ST_MaxY; a GeoPackage's writer must provide them, as GDAL
 * does. They are defined here over the header alone, which the blobs of this file always
 * carry; a blob without a little-endian XY envelope (another program's) is an SQL error, so
 * no row ever enters a table without its index entry.
 */
#include "gpkg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER = 8, ENVELOPE = 32, FLAG_LE = 0x01, FLAG_ENV_XY = 0x02, FLAG_EMPTY = 0x10 };

static void put_double(unsigned char *p, double v) { memcpy(p, &v, sizeof v); }

int fl_gpkg_blob(fl_ctx *ctx, GEOSWKBWriter *w, const GEOSGeometry *g, unsigned char **blob,
                 size_t *len, double env[4])
{
    size_t wkb_len = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(ctx->geos, w, g, &wkb_len);
    if (!wkb)
        return fl_geos_error(ctx, "writing WKB");
    bool empty = GEOSisEmpty_r(ctx->geos, g) == 1;
    double b[4] = {0, 0, 0, 0}; /* minx, maxx, miny, maxy */
    if (!empty && (!GEOSGeom_getXMin_r(ctx->geos, g, &b[0]) ||
                   !GEOSGeom_getXMax_r(ctx->geos, g, &b[1]) ||
                   !GEOSGeom_getYMin_r(ctx->geos, g, &b[2]) ||
                   !GEOSGeom_getYMax_r(ctx->geos, g, &b[3]))) {
        GEOSFree_r(ctx->geos, wkb);
        return fl_geos_error(ctx, "computing an envelope");
    }
    size_t head = HEADER + (empty ? 0 : ENVELOPE);
    unsigned char *out = fl_malloc(ctx, head + wkb_len);
    if (!out) {
        GEOSFree_r(ctx->geos, wkb);
        return FL_ENOMEM;
    }
    int32_t srs = 4326;
    out[0] = 'G';
    out[1] = 'P';
    out[2] = 0;
    out[3] = (unsigned char)(FLAG_LE | (empty ? FLAG_EMPTY : FLAG_ENV_XY));
    memcpy(out + 4, &srs, sizeof srs); /* the flags say little-endian: so is this machine */
    for (int i = 0; !empty && i < 4; i++)
        put_double(out + HEADER + 8 * i, b[i]);
    memcpy(out + head, wkb, wkb_len);
    GEOSFree_r(ctx->geos, wkb);
    *blob = out;
    *len = head + wkb_len;
    memcpy(env, b, sizeof b);
    return FL_OK;
}

/* The envelope of a GeoPackage blob as minx, maxx, miny, maxy: 1 when found, 0 when the
 * geometry is empty, -1 when the blob is not a GeoPackage geometry or has no XY envelope. */
static int blob_envelope(const unsigned char *p, int n, double b[4])
{
    if (n < HEADER || p[0] != 'G' || p[1] != 'P')
        return -1;
    if (p[3] & FLAG_EMPTY)
        return 0;
    int env = (p[3] >> 1) & 7;
    if (env < 1 || env > 4 || n < HEADER + ENVELOPE || !(p[3] & FLAG_LE))
        return -1; /* frontline writes little-endian envelopes; others: see the file header */
    for (int i = 0; i < 4; i++)
        memcpy(&b[i], p + HEADER + 8 * i, sizeof b[i]);
    return 1;
}

static void st_bound(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    int which = (int)(intptr_t)sqlite3_user_data(c);
    double b[4];
    int found = blob_envelope(sqlite3_value_blob(argv[0]), sqlite3_value_bytes(argv[0]), b);
    if (found == 1)
        sqlite3_result_double(c, b[which]);
    else if (found == 0 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        sqlite3_result_null(c);
    else
        sqlite3_result_error(c, "not a GeoPackage geometry with an XY envelope", -1);
}

static void st_is_empty(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *p = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!p)
        sqlite3_result_null(c);
    else if (n < HEADER || p[0] != 'G' || p[1] != 'P')
        sqlite3_result_error(c, "not a GeoPackage geometry", -1);
    else
        sqlite3_result_int(c, (p[3] & FLAG_EMPTY) != 0);
}

int fl_gpkg_register_functions(sqlite3 *db)
{
    static const char *const names[] = {"ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"};
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    for (intptr_t i = 0; i < 4; i++)
        if (sqlite3_create_function(db, names[i], 1, flags, (void *)i, st_bound, NULL, NULL))
            return 1;
    return sqlite3_create_function(db, "ST_IsEmpty", 1, flags, NULL, st_is_empty, NULL, NULL);
}
