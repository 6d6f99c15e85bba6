/* fuzz_shapefile.c — shapefiles (.shp + .shx + .dbf together). The input is split by a
 * length prefix:
 *
 *   byte 0        flags: bit 0 set = read as regions (fl_regions_open), else as a snapshot
 *                 (fl_snapshot_open with the deepstate profile)
 *   bytes 1..4    length of the .shp part, little-endian
 *   bytes 5..8    length of the .shx part, little-endian
 *   then          the .shp part, the .shx part, and the rest is the .dbf
 *
 * Lengths larger than what is left are cut to it. tests/fuzz/run.sh packs seeds this way. */
#include "fuzz_common.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    fl_ctx *ctx = fuzz_context();
    int flags = data[0];
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
