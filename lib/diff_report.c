/* diff_report.c — the diff as JSON (`frontline diff --json`) and its changed pieces as
 * GeoJSON for QGIS. */
#include "diff.h"

#include <stdlib.h>

/* Pieces below this area are kept in the matrix and the GeoJSON but not listed one by one in
 * the JSON report, where overlay slivers would drown the changes; their count is reported. */
#define LISTED_PIECE_KM2 0.01

static json_object *region_code(const fl_diff *d, int region)
{
    return region >= 0 ? json_object_new_string(d->r->code[region]) : NULL;
}

json_object *fl_transitions_json(const fl_profile *p, int n, const double *m)
{
    json_object *arr = json_object_new_array();
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            if (m[a * n + b] <= 0)
                continue;
            int from = a == n - 1 ? FL_STATUS_NONE : a, to = b == n - 1 ? FL_STATUS_NONE : b;
            json_object *t = json_object_new_object();
            fl_json_object_add(t, "status_from", json_object_new_string(fl_profile_status_name(p, from)));
            fl_json_object_add(t, "status_to", json_object_new_string(fl_profile_status_name(p, to)));
            fl_json_object_add(t, "km2", fl_json_km2(m[a * n + b]));
            fl_json_array_add(arr, t);
        }
    return arr;
}

json_object *fl_diff_transitions_json(const fl_diff *d, int region)
{
    return fl_transitions_json(d->a->profile, d->n, d->km2 + fl_region_row(region) * d->n * d->n);
}

static json_object *piece_json(const fl_diff *d, const fl_piece *pc)
{
    const fl_profile *p = d->a->profile;
    json_object *o = json_object_new_object();
    if (pc->from != -3)
        fl_json_object_add(o, "status_from", json_object_new_string(fl_profile_status_name(p, pc->from)));
    if (pc->to != -3)
        fl_json_object_add(o, "status_to", json_object_new_string(fl_profile_status_name(p, pc->to)));
    fl_json_object_add(o, "km2", fl_json_km2(pc->km2));
    fl_json_object_add(o, "lat", fl_json_num(pc->lat, 6));
    fl_json_object_add(o, "lon", fl_json_num(pc->lon, 6));
    fl_json_object_add(o, "region", region_code(d, pc->region));
    return o;
}

static json_object *pieces_json(const fl_diff *d, const fl_piece *v, int n)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        fl_json_array_add(arr, piece_json(d, &v[i]));
    return arr;
}

static json_object *changes_json(const fl_diff *d)
{
    json_object *arr = json_object_new_array();
    for (int s = 0; s < d->n - 2; s++) {
        const change *c = &d->changes[s];
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(d->a->profile, s)));
        fl_json_object_add(o, "lost_km2", fl_json_km2(c->lost_km2));
        fl_json_object_add(o, "gained_km2", fl_json_km2(c->gained_km2));
        fl_json_object_add(o, "largest_lost", pieces_json(d, c->lost, c->nlost));
        fl_json_object_add(o, "largest_gained", pieces_json(d, c->gained, c->ngained));
        fl_json_array_add(arr, o);
    }
    return arr;
}

static json_object *places_json(const fl_diff *d)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; d->places && i < d->places->n; i++) {
        if (d->place_from[i] == d->place_to[i])
            continue;
        json_object *o = fl_place_json(d->places, i);
        fl_json_object_add(o, "status_from", json_object_new_string(fl_profile_status_name(d->a->profile, d->place_from[i])));
        fl_json_object_add(o, "status_to", json_object_new_string(fl_profile_status_name(d->a->profile, d->place_to[i])));
        fl_json_object_add(o, "region", region_code(d, d->place_region[i]));
        fl_json_array_add(arr, o);
    }
    return arr;
}

static fl_pieces diff_pieces(const fl_diff *d);

int fl_diff_json(fl_ctx *ctx, const fl_diff *d, char **json)
{
    json_object *doc = json_object_new_object();
    fl_json_object_add(doc, "from", fl_snapshot_head_json(d->a));
    fl_json_object_add(doc, "to", fl_snapshot_head_json(d->b));
    fl_json_object_add(doc, "transitions", fl_diff_transitions_json(d, FL_REGION_ALL));
    fl_json_object_add(doc, "changes", changes_json(d));
    json_object *regions = json_object_new_array();
    for (int k = 0; k < d->r->n; k++) {
        json_object *o = fl_region_json(d->r, k);
        fl_json_object_add(o, "transitions", fl_diff_transitions_json(d, k));
        fl_json_array_add(regions, o);
    }
    fl_json_object_add(doc, "regions", regions);
    fl_pieces ps = diff_pieces(d);
    fl_pieces_report(doc, &ps);
    fl_json_object_add(doc, "places", places_json(d));
    return fl_json_out(ctx, doc, json);
}

void fl_pieces_report(json_object *doc, const fl_pieces *ps)
{
    json_object *pieces = json_object_new_array();
    int small = 0;
    for (int i = 0; i < ps->n; i++) {
        const fl_piece *pc;
        GEOSGeometry *g;
        ps->at(ps->owner, i, &pc, &g);
        if (pc->km2 >= LISTED_PIECE_KM2)
            fl_json_array_add(pieces, ps->props(ps->owner, pc));
        else
            small++;
    }
    fl_json_object_add(doc, "pieces", pieces); /* those of 0.01 km² or more */
    fl_json_object_add(doc, "pieces_below_0_01_km2", json_object_new_int(small));
    fl_json_object_add(doc, "pieces_total", json_object_new_int(ps->n));
}

int fl_pieces_write(fl_ctx *ctx, const fl_pieces *ps, fl_geojson_sink to)
{
    json_object **props = fl_calloc(ctx, (size_t)(ps->n + 1), sizeof *props);
    GEOSGeometry **geoms = fl_calloc(ctx, (size_t)(ps->n + 1), sizeof *geoms);
    int rc = props && geoms ? FL_OK : FL_ENOMEM;
    for (int i = 0; i < ps->n && !rc; i++) {
        const fl_piece *pc;
        ps->at(ps->owner, i, &pc, &geoms[i]);
        props[i] = ps->props(ps->owner, pc);
    }
    if (!rc)
        rc = fl_write_geojson_layers(ctx, to, (size_t)ps->n, geoms, props);
    for (int i = 0; props && i < ps->n; i++)
        json_object_put(props[i]);
    free(props);
    free(geoms);
    return rc;
}

/* Piece i of diff owner by area, largest first, and its polygon. */
static void diff_piece_at(const void *owner, int i, const fl_piece **pc, GEOSGeometry **g)
{
    const fl_diff *d = owner;
    *pc = &d->pieces[d->order[i]];
    *g = d->piece_geom[d->order[i]];
}

static json_object *diff_piece_json(const void *owner, const fl_piece *pc)
{
    return piece_json(owner, pc);
}

static fl_pieces diff_pieces(const fl_diff *d)
{
    return (fl_pieces){.owner = d, .n = d->npieces, .at = diff_piece_at,
                       .props = diff_piece_json};
}

int fl_diff_write(fl_ctx *ctx, const fl_diff *d, const char *path)
{
    fl_pieces ps = diff_pieces(d);
    return fl_pieces_write(ctx, &ps, (fl_geojson_sink){.path = path});
}

int fl_diff_geojson(fl_ctx *ctx, const fl_diff *d, char **geojson)
{
    fl_pieces ps = diff_pieces(d);
    return fl_pieces_write(ctx, &ps, (fl_geojson_sink){.text = geojson});
}
