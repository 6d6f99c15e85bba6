/* fuzz_geojson_regions.c — GeoJSON region files through fl_regions_open: the reader, the
 * code/name attributes, make-valid, the territory union and the STRtree. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_context();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ctx *ctx = fuzz_context();
    const char *path = fuzz_memfd_input(data, size);
    fl_regions *r = NULL;
    if (fl_regions_open(ctx, path, NULL, NULL, &r) == FL_OK) {
        int n = fl_regions_count(r);
        if (n <= 0 || fl_regions_find(r, fl_regions_code(r, n - 1)) < 0)
            abort();
        int region;
        (void)fl_regions_locate(ctx, r, 48.5, 30.5, &region);
        fl_regions_close(r);
    } else if (r || !fl_ctx_errmsg(ctx)[0]) {
        abort();
    }
    return 0;
}
