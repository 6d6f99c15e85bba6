/* fuzz_geojson_snapshot.c — GeoJSON snapshots (DeepStateMap multi-layer and single-layer)
 * through fl_snapshot_open with the embedded deepstate profile: the reader, classification,
 * make-valid and the precedence overlay. */
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
    const char *path = fuzz_memfd_input(data, size);
    fl_snapshot *s = NULL;
    if (fl_snapshot_open(ctx, path, fuzz_profile(), &s) == FL_OK) {
        fl_counts c;
        double bbox[4];
        fl_snapshot_counts(s, &c);
        fl_snapshot_bounds(s, bbox);
        if (c.classified + c.ignored + c.unclassified + c.no_polygon != c.total)
            abort(); /* every feature lands in exactly one class */
        for (int i = 0; i < fl_profile_status_count(fuzz_profile()); i++)
            if (!(fl_snapshot_status_km2(s, i) >= 0))
                abort();
        fl_snapshot_close(s);
    } else if (s || !fl_ctx_errmsg(ctx)[0]) {
        abort(); /* a failure leaves *out NULL and says why */
    }
    return 0;
}
