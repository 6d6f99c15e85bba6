/* palette.c — a picture's colours reduced to a GIF's 256, keeping its most used ones exact.
 *
 * A map is a few flat fills (the statuses, the sea, the background), outlines and text; the
 * thousands of other colours are the anti-aliased edges between them. The palette is the 256
 * colours that cover the most pixels, and every other colour is drawn as its nearest palette
 * colour (squared RGB distance): the fills, the white background and the text keep their exact
 * colours, and only edge pixels move. Why not giflib's GifQuantizeBuffer: it works at 5 bits a
 * channel, and on a frontline map it turned the white background into #F8F8F8 and the occupied
 * fill #A52714 into #A02010 (tests/test_animate.py checks the fill's colour). libimagequant,
 * the field's better quantizer, is GPL-3 (Debian's 2.17), which this MIT library cannot link.
 *
 * The colours are counted in an open-addressing hash table of at least twice their number
 * (linear probing), so that counting and mapping are linear in the pixels; the nearest colour
 * is searched once per distinct colour, not per pixel.
 */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint32_t key;   /* colour + 1 (0: empty) */
    uint32_t count; /* pixels, then the palette index */
} slot;

typedef struct table {
    slot *s;
    size_t cap, used; /* cap a power of two */
} table;

static slot *find(const table *t, uint32_t key)
{
    size_t i = (key * 2654435761u) & (t->cap - 1);
    while (t->s[i].key && t->s[i].key != key)
        i = (i + 1) & (t->cap - 1);
    return &t->s[i];
}

static int grow(fl_ctx *ctx, table *t)
{
    table bigger = {fl_calloc(ctx, t->cap * 2, sizeof(slot)), t->cap * 2, t->used};
    if (!bigger.s)
        return FL_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
        if (t->s[i].key)
            *find(&bigger, t->s[i].key) = t->s[i];
    free(t->s);
    *t = bigger;
    return FL_OK;
}

static int count(fl_ctx *ctx, table *t, const uint32_t *px, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (px[i] & 0xFFFFFFu) + 1;
        slot *s = find(t, key);
        if (!s->key) {
            if (2 * (t->used + 1) > t->cap) {
                if (grow(ctx, t))
                    return FL_ENOMEM;
                s = find(t, key);
            }
            s->key = key;
            t->used++;
        }
        s->count++;
    }
    return FL_OK;
}

static int by_count(const void *x, const void *y)
{
    const slot *a = x, *b = y;
    return a->count != b->count ? (a->count < b->count) - (a->count > b->count)
                                : (a->key > b->key) - (a->key < b->key);
}

static int nearest(uint32_t c, const uint32_t *pal, int n)
{
    int best = 0;
    long best_d = -1;
    for (int i = 0; i < n; i++) {
        long dr = (long)((c >> 16) & 255) - (long)((pal[i] >> 16) & 255);
        long dg = (long)((c >> 8) & 255) - (long)((pal[i] >> 8) & 255);
        long db = (long)(c & 255) - (long)(pal[i] & 255);
        long d = dr * dr + dg * dg + db * db;
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

/* Picks the palette (the most used colours) and gives every colour of t its index. */
static int choose(fl_ctx *ctx, table *t, uint32_t pal[256], int *npal)
{
    slot *all = fl_malloc(ctx, t->used * sizeof *all);
    if (!all)
        return FL_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->s[i].key)
            all[k++] = t->s[i];
    assert(k == t->used);
    qsort(all, k, sizeof *all, by_count);
    *npal = k < 256 ? (int)k : 256;
    for (int i = 0; i < *npal; i++)
        pal[i] = all[i].key - 1;
    free(all);
    for (size_t i = 0; i < t->cap; i++)
        if (t->s[i].key)
            t->s[i].count = (uint32_t)nearest(t->s[i].key - 1, pal, *npal);
    return FL_OK;
}

int fl_palette_reduce(fl_ctx *ctx, const uint32_t *px, size_t n, uint8_t *index,
                      uint32_t palette[256], int *ncolours)
{
    table t = {fl_calloc(ctx, 1024, sizeof(slot)), 1024, 0};
    int rc = t.s ? count(ctx, &t, px, n) : FL_ENOMEM;
    if (!rc)
        rc = choose(ctx, &t, palette, ncolours);
    for (size_t i = 0; !rc && i < n; i++)
        index[i] = (uint8_t)find(&t, (px[i] & 0xFFFFFFu) + 1)->count;
    free(t.s);
    return rc;
}
