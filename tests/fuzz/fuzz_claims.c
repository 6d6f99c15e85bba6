/* fuzz_claims.c — claims CSV (claimant,declared,region) through fl_claims_open, checked
 * against the embedded regions (data/regions/ua_oblasts.shp, loaded once). */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_regions();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ctx *ctx = fuzz_context();
    const char *path = fuzz_memfd_input(data, size);
    fl_claims *c = NULL;
    if (fl_claims_open(ctx, path, fuzz_regions(), &c) == FL_OK) {
        if (fl_claims_count(c) < 0)
            abort();
        fl_claims_close(c);
    } else if (c || !fl_ctx_errmsg(ctx)[0]) {
        abort();
    }
    return 0;
}
