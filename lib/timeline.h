/* timeline.h — the timeline's state, shared by the sequential timeline (timeline.c) and the
 * threaded one (timeline_threads.c). */
#ifndef FL_TIMELINE_H
#define FL_TIMELINE_H

#include "diff.h"

/* Every anchor-th snapshot added (the first is the 0th) is an anchor: its areas per status
 * and region and its front length are measured whole, not carried over from the previous
 * snapshot through the diff. A carried value differs from a measured one in the last bits
 * (the diff's windows add up in another order), so a value depends on where its carrying
 * started; the threads (timeline_threads.c) start their runs only at anchors, so every row is
 * the same whatever the number of threads. The period is FL_TIMELINE_ANCHOR, doubled while
 * the length the caller announced (fl_timeline_set_length) still gives at least
 * FL_TIMELINE_ANCHORS anchors: measuring whole costs (a tenth of a long archive's CPU at 16),
 * and a long archive needs no more anchors than a short one to be cut evenly. */
#define FL_TIMELINE_ANCHOR 16
#define FL_TIMELINE_ANCHORS 32

#define FL_STAGES 6 /* load+classify, diff, areas, front, places, rows */

typedef struct place_change {
    int place, from, to;
    int64_t before, after;
} place_change;

/* A thread's start in fl_timeline_add_all, in bytes of snapshot text (timeline_threads.c). */
#define FL_THREAD_BYTES 1e6

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
    double front_km; /* of prev */
    fl_front_band *band; /* the regions' border band for the frontline, made when first
                          * needed */
    double cpu[FL_STAGES]; /* CPU seconds per stage (fl_timeline_stage) */
    size_t added;          /* snapshots added */
    size_t anchor;         /* the anchors' period (see FL_TIMELINE_ANCHOR) */
    double thread_bytes;     /* fl_timeline_set_thread_cost */
    fl_progress_fn progress; /* fl_timeline_set_progress, or NULL */
    void *progress_data;
};

#endif
