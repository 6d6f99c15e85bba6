/* timeline.h — the timeline's state, shared by the sequential timeline (timeline.c) and the
 * threaded one (timeline_threads.c). */
#ifndef FL_TIMELINE_H
#define FL_TIMELINE_H

#include "diff.h"

#define FL_STAGES 6 /* load+classify, diff, areas, front, places, rows */

typedef struct place_change {
    int place, from, to;
    int64_t before, after;
} place_change;

/* What one snapshot adds to a timeline, measured on its own (fl_timeline_add_files, on any
 * thread) and applied in order (timeline.c, apply): a row's areas and front length are carried
 * from the first snapshot through every version's changes (carry.c), so they are applied one
 * after the other, whichever thread measured them. */
typedef struct fl_step_cell {
    size_t at;  /* in the diff's matrices (diff.h: fl_diff.km2) */
    double km2;
} fl_step_cell;

typedef struct fl_step {
    char *path; /* the snapshot's (its first file's) */
    int64_t time;
    fl_counts counts;
    double *measured; /* the first snapshot's km²: its drawn statuses, then laid out as
                       * fl_snapshot_region_km2 gives them; NULL after the first */
    fl_step_cell *cells; /* after the first: the diff's nonzero cells off the diagonal */
    size_t ncells;
    double front_km; /* the first snapshot's frontline length; after it, its change */
    double *water;   /* the first snapshot's undrawn water (fl_snapshot_water_km2); after it,
                      * its change (fl_snapshot_water_change) */
    fl_areas *areas; /* what the conflation moved (fl_areas_measure) */
    int changes;     /* places whose status changed */
    char **row;      /* where the row's JSON goes, or NULL */
} fl_step;

/* A thread's start in fl_timeline_add_all, in bytes of snapshot text (timeline_threads.c). */
#define FL_THREAD_BYTES 1e5

struct fl_timeline {
    const fl_profile *profile;
    const fl_regions *r;
    const fl_places *places;
    double tolerance_km;
    fl_snapshot *prev;
    int *prev_status;  /* per place, in prev */
    int *prev_drawn;   /* per place, in prev as drawn (without the conflation, the water) */
    int *first_status; /* per place, in the first snapshot */
    int64_t first_time;
    int nchanges;
    place_change *changes;
    fl_chart *chart; /* areas over time, for fl_timeline_chart */
    double front_km; /* of prev, carried */
    double *km2;     /* prev's km², carried: its drawn statuses, then laid out as
                      * fl_snapshot_region_km2 gives them, then its undrawn water as
                      * fl_snapshot_water_km2 gives it (ns - 1 + (regions + 1) × (ns + 1)) */
    double *next_km2; /* the same, for the snapshot being applied */
    double *matrix;   /* the changes of the snapshot being applied (fl_carry's m) */
    bool deferred;    /* a run of fl_timeline_add_all after the first: its first snapshot is
                       * only the one it starts from, its steps are kept (steps) and applied
                       * to the caller's timeline when the runs before it are */
    fl_step *steps;
    size_t nsteps, cap_steps;
    fl_front_band *band; /* the regions' border band for the frontline, made when first
                          * needed */
    double cpu[FL_STAGES]; /* CPU seconds per stage (fl_timeline_stage) */
    size_t added;          /* snapshots added */
    double thread_bytes;     /* fl_timeline_set_thread_cost */
    fl_progress_fn progress; /* fl_timeline_set_progress, or NULL */
    void *progress_data;
};

/* Frees what step st holds and empties it. */
void fl_step_clear(fl_step *st);
/* Applies the steps of run (a deferred timeline's, which follow tl's last snapshot) to tl, in
 * order: their rows are written, their points charted; tl's carried km² and front go on. */
int fl_timeline_apply_steps(fl_ctx *ctx, fl_timeline *tl, fl_timeline *run);

#endif
