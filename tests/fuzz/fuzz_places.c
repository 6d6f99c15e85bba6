/* fuzz_places.c — places CSV (id,name,lat,lon) through fl_places_open. */
#include "fuzz_common.h"

#include <math.h>

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
    fl_places *p = NULL;
    if (fl_places_open(ctx, path, &p) == FL_OK) {
        int n = fl_places_count(p);
        for (int i = 0; i < n; i++) {
            double lat = fl_places_lat(p, i), lon = fl_places_lon(p, i);
            if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
                abort(); /* the reader promises valid positions */
            if (fl_places_find(p, fl_places_name(p, i)) < 0 || !fl_places_id(p, i))
                abort();
        }
        fl_places_close(p);
    } else if (p || !fl_ctx_errmsg(ctx)[0]) {
        abort();
    }
    return 0;
}
