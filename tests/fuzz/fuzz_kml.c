/* fuzz_kml.c — KML snapshots through fl_snapshot_open with the shipped amk profile (Folder
 * paths, styles, ExtendedData): libxml2's parse as the reader configures it (no DTD, no
 * network), the walk of Folders, Placemarks, styles and geometries, classification,
 * make-valid and the precedence overlay. The input is written as input.kml (the reader is
 * chosen by extension). */
#include "fuzz_common.h"

static fl_profile *amk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (fl_profile_open(fuzz_context(), FUZZ_DATADIR "/profiles/amk.profile", &amk))
        fuzz_die("the amk profile");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ctx *ctx = fuzz_context();
    const char *path = fuzz_file("input.kml", data, size);
    fl_snapshot *s = NULL;
    if (fl_snapshot_open(ctx, path, amk, &s) == FL_OK) {
        fl_counts c;
        fl_snapshot_counts(s, &c);
        if (c.classified + c.ignored + c.unclassified + c.no_polygon != c.total)
            abort(); /* every Placemark lands in exactly one class */
        for (int i = 0; i < fl_profile_status_count(amk); i++)
            if (!(fl_snapshot_status_km2(s, i) >= 0))
                abort();
        fl_snapshot_close(s);
    } else if (s || !fl_ctx_errmsg(ctx)[0] || !strstr(fl_ctx_errmsg(ctx), "input.kml")) {
        abort(); /* a failure leaves *out NULL and names the file */
    }
    return 0;
}
