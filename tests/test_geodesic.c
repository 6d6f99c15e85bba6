/* test_geodesic.c — areas and lengths on the WGS84 ellipsoid against independent figures:
 * the closed-form area of a latitude/longitude quadrangle, and GeographicLib's Planimeter
 * (a separate C++ implementation) on real region outlines when it is installed. */
#include "check.h"

#include <stdint.h>

/* Area of the ellipsoidal quadrangle between two parallels and meridians, km² (authalic
 * latitude formula; e.g. Snyder, Map Projections: A Working Manual, eq. 3-12). */
static double quadrangle_km2(double lat1, double lat2, double dlon)
{
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), e = sqrt(e2);
    double q[2], lat[2] = {lat1, lat2};
    for (int i = 0; i < 2; i++) {
        double s = sin(lat[i] * M_PI / 180);
        q[i] = (1 - e2) * (s / (1 - e2 * s * s) - log((1 - e * s) / (1 + e * s)) / (2 * e));
    }
    return a * a * (dlon * M_PI / 180) / 2 * (q[1] - q[0]) / 1e6;
}

/* A WKT polygon of the quadrangle with its parallels densified (n points per edge), so that
 * its geodesic edges follow the parallels closely. */
static void write_quadrangle(const char *path, double lat1, double lat2, double lon1, double lon2, int n)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "occupied;POLYGON((");
    for (int i = 0; i <= n; i++)
        fprintf(f, "%.10f %.10f,", lon1 + (lon2 - lon1) * i / n, lat1);
    for (int i = 0; i <= n; i++)
        fprintf(f, "%.10f %.10f,", lon2 - (lon2 - lon1) * i / n, lat2);
    fprintf(f, "%.10f %.10f))\n", lon1, lat1);
    fclose(f);
}

static void quadrangles(fl_ctx *ctx, const fl_profile *p)
{
    const double cases[][4] = {{44, 52.5, 22, 40.5}, {47, 48, 33, 34}, {0, 10, 0, 10},
                               {-60, -50, 100, 130}, {48.9, 49.0, 37.7, 37.9}};
    char path[4200];
    snprintf(path, sizeof path, "%s/quad.wkt", temp_dir());
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const double *c = cases[i];
        write_quadrangle(path, c[0], c[1], c[2], c[3], 20000);
        fl_snapshot *s;
        CHECK_OK(ctx, fl_snapshot_open(ctx, path, p, &s));
        double want = quadrangle_km2(c[0], c[1], c[3] - c[2]);
        /* 0.01 % is the bound the issue sets; densified edges agree far better */
        CHECK_REL(fl_snapshot_status_km2(s, 0), want, 1e-6);
        fl_snapshot_close(s);
    }
    remove(path);
}

/* Region areas against GeographicLib's Planimeter, fed the exterior rings via `frontline`'s
 * own WKT export of the regions. */
static void planimeter(fl_ctx *ctx, const fl_regions *r)
{
    if (system("command -v Planimeter >/dev/null 2>&1") != 0) {
        printf("Planimeter not installed: region cross-check skipped\n");
        return;
    }
    char wkt[4200], cmd[9000];
    snprintf(wkt, sizeof wkt, "%s/regions.wkt", temp_dir());
    CHECK_OK(ctx, fl_regions_write(ctx, r, wkt));
    /* one line per region; rings as "lat lon" lines separated by blank lines for Planimeter
     * is awkward for multipolygons, so compare single-ring regions only */
    FILE *f = fopen(wkt, "r");
    char *line = NULL;
    size_t cap = 0;
    int compared = 0;
    for (int i = 0; getline(&line, &cap, f) > 0 && i < fl_regions_count(r); i++) {
        /* a line is the region's attributes as a JSON object, ';', then its geometry */
        char *geom = strstr(line, "};POLYGON ((");
        geom = geom ? geom + 2 : line;
        if (strncmp(geom, "POLYGON ((", 10) || strstr(geom, "), ("))
            continue;
        char in[4200];
        snprintf(in, sizeof in, "%s/ring.txt", temp_dir());
        FILE *o = fopen(in, "w");
        for (char *p = geom + 10; *p && *p != ')';) {
            double lon = strtod(p, &p), lat = strtod(p, &p);
            fprintf(o, "%.12f %.12f\n", lat, lon);
            while (*p == ',' || *p == ' ')
                p++;
        }
        fclose(o);
        snprintf(cmd, sizeof cmd, "Planimeter < %s", in);
        FILE *pl = popen(cmd, "r");
        double n = 0, perim = 0, area = 0;
        if (fscanf(pl, "%lf %lf %lf", &n, &perim, &area) == 3)
            CHECK_REL(fl_regions_area_km2(r, i), fabs(area) / 1e6, 1e-4);
        pclose(pl);
        remove(in);
        compared++;
    }
    free(line);
    fclose(f);
    remove(wkt);
    CHECK(compared >= 90, "only %d single-ring regions compared", compared);
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    open_embedded(ctx, &p, &r);
    quadrangles(ctx, p);
    /* the raions: 138 units, 96 of them one ring (only 17 of the 27 oblasts are) */
    fl_regions *raions;
    CHECK_OK(ctx, fl_regions_open_level(ctx, getenv("FRONTLINE_DATA"), FL_LEVEL_RAION, &raions));
    planimeter(ctx, raions);
    fl_regions_close(raions);
    /* the territory is the union of the regions: its area is their sum */
    double sum = 0;
    for (int i = 0; i < fl_regions_count(r); i++)
        sum += fl_regions_area_km2(r, i);
    CHECK_REL(fl_regions_territory_km2(r), sum, 1e-6);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("geodesic");
}
