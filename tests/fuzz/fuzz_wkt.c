/* fuzz_wkt.c — WKT snapshots ("STATUS;" then a geometry, one a line) through
 * fl_snapshot_open with the embedded deepstate profile. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_profile();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ctx *ctx = fuzz_context();
    const char *path = fuzz_file("input.wkt", data, size);
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
    return 0;
}
