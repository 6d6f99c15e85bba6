/* carry.c — a snapshot's areas carried from the previous snapshot through the diff's changes.
 *
 * The diff's matrix cell (a, b), a ≠ b, is the area of A_a ∩ B_b (diff.c), measured window by
 * window where A and B differ. Each row of the matrix sums to the area of a in A, so the
 * diagonal (what stayed a) is A's area of a less the row's changes, and B's area of each
 * status is its column's sum: B's totals follow from A's and the changes alone, without
 * measuring B whole. This holds everywhere and in each region (a matrix per region).
 *
 * The totals are those of fl_snapshot_region_km2 (the territory, row 0, then each region) and
 * the drawn statuses' areas as drawn (the plane). A diff of two snapshots carries A's measured
 * totals to B once; a timeline carries them from its first snapshot through every version,
 * in order. The operations below are the same whichever thread measured a version's changes
 * and whenever they are applied, so a carried total depends only on the first snapshot and
 * the changes before it, never on how the archive was cut into runs (timeline_threads.c).
 *
 * Rounding: a cell is a sum of positive overlay areas, so a diagonal can come out a few
 * 1e-9 km² below zero where a status vanished; it is clamped to 0, as an area is. */
#include "internal.h"

#include <assert.h>

void fl_carry(int ns, int nr, const double *a_drawn, const double *a_region, double *m,
              double *b_drawn, double *b_region)
{
    int n = ns + 1, last = ns - 1; /* matrix side: the statuses and none (last); last: the default */
    for (int a = 0; a <= last; a++)
        for (int row = 0; row <= nr; row++) {
            double *cell = m + (size_t)row * n * n + (size_t)a * n;
            /* everywhere: drawn statuses as drawn (the plane), the default one in the territory */
            double rest = row == 0 && a < last ? a_drawn[a] : a_region[row * ns + a];
            for (int b = 0; b < n; b++)
                rest -= b != a ? cell[b] : 0;
            cell[a] = rest > 0 ? rest : 0;
        }
    for (int st = 0; st < last; st++) {
        b_drawn[st] = 0;
        for (int a = 0; a < n; a++)
            b_drawn[st] += m[a * n + st];
    }
    for (int st = 0; st < ns; st++)
        b_region[st] = 0;
    for (int k = 1; k <= nr; k++)
        for (int st = 0; st < ns; st++) {
            const double *col = m + (size_t)k * n * n + st;
            double km2 = 0;
            for (int a = 0; a < n; a++)
                km2 += col[a * n];
            assert(km2 >= 0);
            b_region[k * ns + st] = km2;
            b_region[st] += km2; /* the territory is the union of the regions */
        }
}
