/* fuzz_esri.c — JSON documents that are not plain GeoJSON through fl_snapshot_open with the
 * deepstate profile: Esri JSON (rings whose orientation makes exteriors and holes, a hole
 * placed in the latest exterior covering it, spatial references) and GeoJSON wrapped in a
 * document. Seeded with Esri JSON and wrapped files; the input is a memfd (JSON needs no
 * extension). */
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
        fl_snapshot_counts(s, &c);
        if (c.classified + c.ignored + c.unclassified + c.no_polygon != c.total)
            abort();
        for (int i = 0; i < fl_profile_status_count(fuzz_profile()); i++)
            if (!(fl_snapshot_status_km2(s, i) >= 0))
                abort();
        fl_snapshot_close(s);
    } else if (s || !fl_ctx_errmsg(ctx)[0]) {
        abort();
    }
    return 0;
}
