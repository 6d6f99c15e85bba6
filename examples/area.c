/* area.c — the smallest useful frontline program: how much of each region a snapshot shows
 * occupied. Build it against the installed library (.ci/run runs these very lines):
 *
 *   cc area.c $(pkg-config --cflags --libs frontline) -o area
 *   ./area "$(pkg-config --variable=pkgdatadir frontline)/sample/20220930.geojson" \
 *          "$(pkg-config --variable=pkgdatadir frontline)"
 *
 * The second argument is the data directory; without it, FRONTLINE_EXAMPLE_DATA (the meson
 * build sets it), else /usr/local/share/frontline.
 */
#include <frontline.h>
#include <stdio.h>

#ifndef FRONTLINE_EXAMPLE_DATA
#define FRONTLINE_EXAMPLE_DATA "/usr/local/share/frontline"
#endif

int main(int argc, char **argv)
{
    const char *data = argc > 2 ? argv[2] : FRONTLINE_EXAMPLE_DATA;
    char profile_path[4096], regions_path[4096];
    snprintf(profile_path, sizeof profile_path, "%s/profiles/deepstate.profile", data);
    snprintf(regions_path, sizeof regions_path, "%s/regions/ua_oblasts.shp", data);
    if (argc < 2) {
        fprintf(stderr, "usage: %s SNAPSHOT [DATADIR]\n", argv[0]);
        return 2;
    }
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *profile = NULL;
    fl_regions *regions = NULL;
    fl_snapshot *snap = NULL;
    fl_areas *areas = NULL;
    int rc = fl_profile_open(ctx, profile_path, &profile);
    if (!rc)
        rc = fl_regions_open(ctx, regions_path, NULL, NULL, &regions);
    if (!rc)
        rc = fl_snapshot_open(ctx, argv[1], profile, &snap);
    if (!rc)
        rc = fl_areas_new(ctx, snap, regions, &areas);
    if (rc) {
        fprintf(stderr, "error: %s\n", fl_ctx_errmsg(ctx));
    } else {
        int occupied = fl_profile_status_index(profile, "occupied");
        for (int i = 0; i < fl_regions_count(regions); i++) {
            double share = fl_areas_km2(areas, i, occupied) / fl_regions_area_km2(regions, i);
            if (share > 0)
                printf("%-24s %5.1f %% occupied\n", fl_regions_name(regions, i), 100 * share);
        }
    }
    fl_areas_free(areas);
    fl_snapshot_close(snap);
    fl_regions_close(regions);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return rc ? 1 : 0;
}
