/* fuzz_profile.c — classification profiles through fl_profile_open; a profile that loads
 * then classifies a few fixed features (the library's internal fl_profile_classify: the static
 * archive is linked, so the internal header is usable here). */
#include "fuzz_common.h"
#include "internal.h"

static json_object *features[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_context();
    static const char *const props[4] = {
        "{\"styleUrl\":\"#poly-A52714-0-1\",\"name\":\"Occupied\"}",
        "{\"fill\":\"#000000\",\"name\":\"Crimea\",\"status\":\"occupied\"}",
        "{}",
        "{\"styleUrl\":null,\"name\":7,\"description\":[1,2]}",
    };
    for (int i = 0; i < 4; i++)
        if (!(features[i] = json_tokener_parse(props[i])))
            abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ctx *ctx = fuzz_context();
    const char *path = fuzz_memfd_input(data, size);
    fl_profile *p = NULL;
    if (fl_profile_open(ctx, path, &p) == FL_OK) {
        int n = fl_profile_status_count(p);
        if (n < 2 || fl_profile_front_status(p) < 0 || fl_profile_front_status(p) >= n - 1)
            abort();
        for (int i = 0; i < n; i++)
            if (fl_profile_status_index(p, fl_profile_status_name(p, i)) != i)
                abort();
        for (int i = 0; i < 4; i++) {
            int st;
            if (fl_profile_classify(p, features[i], NULL, &st) == FL_OK &&
                (st < FL_CLASS_UNCLASSIFIED || st >= n - 1))
                abort();
        }
        fl_profile_close(p);
    } else if (p || !fl_ctx_errmsg(ctx)[0]) {
        abort();
    }
    return 0;
}
