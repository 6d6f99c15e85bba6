/* timeline_gpkg.c — frontline timeline --gpkg: the archive's versions into a GeoPackage. */
#include "cli.h"

#include <stdio.h>

int write_gpkg(session *s, const options *o, const paths *p)
{
    fl_gpkg *g = NULL;
    if (fl_gpkg_open(s->ctx, o->gpkg, s->profile, s->regions, s->places, &g))
        return fail(s->ctx);
    int before = fl_gpkg_version_count(g), rc = 0;
    for (size_t i = 0, n; i < p->n && !rc; i += n) {
        bool added;
        n = version_files(p, i);
        if (fl_gpkg_add(s->ctx, g, (const char *const *)p->v + i, n, FL_TIME_UNKNOWN, &added))
            rc = fail(s->ctx);
    }
    if (!rc)
        fprintf(stderr, "%s: %d versions added, %d stored\n", o->gpkg,
                fl_gpkg_version_count(g) - before, fl_gpkg_version_count(g));
    fl_gpkg_close(g);
    return rc;
}
