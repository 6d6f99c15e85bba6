/* fuzz_shapefile.c — shapefiles (.shp + .shx + .dbf together). The input is split by a
 * length prefix:
 *
 *   byte 0        flags: bit 0 set = read as regions (fl_regions_open), else as a snapshot
 *                 (fl_snapshot_open with the deepstate profile)
 *   bytes 1..4    length of the .shp part, little-endian
 *   bytes 5..8    length of the .shx part, little-endian
 *   then          the .shp part, the .shx part, and the rest is the .dbf
 *
 * Lengths larger than what is left are cut to it. tests/fuzz/run.sh packs seeds this way.
 *
 * With bit 1 of the flags set, the bytes instead describe one polygon record written with
 * shapelib (issue 22: ring assembly was quadratic in the ring count): bytes 1..2 are the ring
 * count (up to 8,191), and each ring is an axis-aligned square whose corner and size come from
 * three more bytes (cycled), so rings nest, touch, overlap or stand apart. */
#include "fuzz_common.h"

#include <shapefil.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_profile();
    return 0;
}

static size_t take(const uint8_t **data, size_t *size, size_t n)
{
    n = n < *size ? n : *size;
    *data += n;
    *size -= n;
    return n;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One record of many rings (see the top): the path of its .shp, or NULL. */
static const char *rings_shapefile(const uint8_t *data, size_t size)
{
    int nrings = (data[1] | data[2] << 8) & 8191;
    const uint8_t *b = data + 3;
    size_t nb = size - 3;
    const char *path = fuzz_file("rings.shp", (const uint8_t *)"", 0);
    char base[4096];
    snprintf(base, sizeof base, "%.*s", (int)strlen(path) - 4, path);
    int nv = 5 * nrings, *start = malloc(((size_t)nrings + 1) * sizeof *start);
    double *x = malloc(((size_t)nv + 1) * sizeof *x), *y = malloc(((size_t)nv + 1) * sizeof *y);
    for (int r = 0; start && x && y && r < nrings; r++) {
        double x0 = 30 + 0.01 * (nb ? b[(3 * r) % nb] : r % 97);
        double y0 = 48 + 0.01 * (nb ? b[(3 * r + 1) % nb] : r / 97);
        double d = 0.001 * (1 + (nb ? b[(3 * r + 2) % nb] : 1));
        const double dx[5] = {0, 0, d, d, 0}, dy[5] = {0, d, d, 0, 0};
        start[r] = 5 * r;
        for (int k = 0; k < 5; k++) {
            x[5 * r + k] = x0 + dx[k];
            y[5 * r + k] = y0 + dy[k];
        }
    }
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    DBFHandle dbf = DBFCreate(base);
    SHPObject *o = start && x && y ? SHPCreateObject(SHPT_POLYGON, -1, nrings, start, NULL, nv,
                                                     x, y, NULL, NULL) : NULL;
    bool ok = shp && dbf && o && DBFAddField(dbf, "status", FTString, 16, 0) == 0 &&
              SHPWriteObject(shp, -1, o) >= 0 && DBFWriteStringAttribute(dbf, 0, 0, "occupied");
    if (o)
        SHPDestroyObject(o);
    if (shp)
        SHPClose(shp);
    if (dbf)
        DBFClose(dbf);
    free(start);
    free(x);
    free(y);
    return ok ? path : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    fl_ctx *ctx = fuzz_context();
    int flags = data[0];
    if (flags & 2) {
        const char *path = rings_shapefile(data, size);
        fl_snapshot *s = NULL;
        if (path && fl_snapshot_open(ctx, path, fuzz_profile(), &s) == FL_OK)
            fl_snapshot_close(s);
        else if (path && (s || !fl_ctx_errmsg(ctx)[0]))
            abort();
        return 0;
    }
    size_t shp_len = le32(data + 1), shx_len = le32(data + 5);
    data += 9;
    size -= 9;
    const uint8_t *shp = data;
    shp_len = take(&data, &size, shp_len);
    const uint8_t *shx = data;
    shx_len = take(&data, &size, shx_len);
    fuzz_file("input.shx", shx, shx_len);
    fuzz_file("input.dbf", data, size);
    const char *path = fuzz_file("input.shp", shp, shp_len);
    if (flags & 1) {
        fl_regions *r = NULL;
        if (fl_regions_open(ctx, path, NULL, NULL, &r) == FL_OK)
            fl_regions_close(r);
        else if (r || !fl_ctx_errmsg(ctx)[0])
            abort();
    } else {
        fl_snapshot *s = NULL;
        if (fl_snapshot_open(ctx, path, fuzz_profile(), &s) == FL_OK) {
            fl_counts c;
            fl_snapshot_counts(s, &c);
            if (c.classified + c.ignored + c.unclassified + c.no_polygon != c.total)
                abort();
            fl_snapshot_close(s);
        } else if (s || !fl_ctx_errmsg(ctx)[0]) {
            abort();
        }
    }
    return 0;
}
