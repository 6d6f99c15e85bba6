/* diff.h — the diff's internals, shared by its computation (diff.c), its report
 * (diff_report.c) and the comparison of two sources (compare.c). */
#ifndef FL_DIFF_H
#define FL_DIFF_H

#include "internal.h"

/* A lost or gained area of one status, in pieces. */
typedef struct change {
    double lost_km2, gained_km2;
    fl_piece lost[3], gained[3]; /* the largest pieces (the other status is -3: "any") */
    int nlost, ngained;
} change;

/* What fl_diff_compute makes: the whole diff (fl_diff_new: the matrices with their diagonal,
 * the pieces, what each status lost and gained, B's areas carried), or only the changes (a
 * timeline's: the windows and the matrices' cells off the diagonal, which the timeline
 * carries its areas through in order; carry.c). */
typedef enum fl_diff_kind { FL_DIFF_WHOLE, FL_DIFF_CHANGES } fl_diff_kind;

struct fl_diff {
    fl_ctx *ctx;               /* made with it; fl_diff_free frees with it */
    const fl_snapshot *a, *b;
    const fl_regions *r;
    const fl_places *places;
    int n;                     /* matrix side: the profile's statuses plus "none" (last) */
    fl_diff_kind kind;
    bool report;               /* keep the pieces and what each status lost and gained */
    double *km2;               /* (regions + 1) matrices n × n: everywhere, then per region */
    int npieces, cap_pieces;
    fl_piece *pieces;          /* in transition order; see order */
    GEOSGeometry **piece_geom; /* parallel to pieces */
    int *order;                /* piece indices, largest first */
    change *changes;           /* per status */
    int *place_from, *place_to, *place_region;
    fl_window *win;            /* where a and b differ (windows.c) */
    int nwin;
};

/* Matrix index of a status (FL_STATUS_NONE is the last one), and back. */
static inline int mi(const fl_diff *d, int status)
{
    return status == FL_STATUS_NONE ? d->n - 1 : status;
}
static inline int status_of(const fl_diff *d, int m) { return m == d->n - 1 ? FL_STATUS_NONE : m; }

/* What a status lost (gained) is made of pieces to (from) any status: the side left open is
 * FL_DIFF_ANY, in statuses and in matrix indices alike. A piece's region is
 * REGION_UNLOCATED until the diff locates it. */
enum { FL_DIFF_ANY = -3, FL_REGION_UNLOCATED = -3 };

/* fl_diff_new, whole or only its changes (kind). */
int fl_diff_compute(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                    const fl_regions *r, const fl_places *places, fl_diff_kind kind,
                    fl_diff **out);

/* [{from, to, km2}] of the nonzero cells, everywhere (FL_REGION_ALL) or in one region. */
json_object *fl_diff_transitions_json(const fl_diff *d, int region);
/* The same of one matrix m, n × n (statuses of p, then none). */
json_object *fl_transitions_json(const fl_profile *p, int n, const double *m);

/* Polygon p (bounds bbox) within area g (a region, the territory): g is first clipped to p's
 * bounds (plus a margin, so that no cut runs along p), which spares the overlay from noding
 * all of g; NULL on error. */
GEOSGeometry *fl_piece_in(fl_ctx *ctx, const GEOSGeometry *p, const double bbox[4],
                          const GEOSGeometry *g);

/* A report's pieces (a diff's, a comparison's): n of them, piece i (largest first) and its
 * polygon given by at, its JSON properties by props. */
typedef struct fl_pieces {
    const void *owner;
    int n;
    void (*at)(const void *owner, int i, const fl_piece **pc, GEOSGeometry **g);
    json_object *(*props)(const void *owner, const fl_piece *pc);
} fl_pieces;
/* Adds "pieces" (those of 0.01 km² or more; smaller ones are overlay slivers that would
 * drown the changes), "pieces_below_0_01_km2" (their count) and "pieces_total" to a report. */
void fl_pieces_report(json_object *doc, const fl_pieces *ps);
/* Writes the pieces as GeoJSON, each with its properties. */
int fl_pieces_write(fl_ctx *ctx, const fl_pieces *ps, fl_geojson_sink to);

/* Orders fl_piece by area, largest first. */
int fl_piece_cmp(const void *x, const void *y);

#endif
