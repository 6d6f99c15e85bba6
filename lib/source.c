/* source.c — a GeoJSON FeatureCollection's text cut into its features, so that a timeline's
 * next map version parses only the features whose text changed. Consecutive DeepStateMap
 * exports repeat about three quarters of their bytes feature for feature, and json-c's parse
 * is most of reading one.
 *
 * The cut is a scan, not a parse: it follows strings (with their escapes) and brackets, and
 * gives up (n = 0) on anything it does not expect; json-c still parses, and so checks, every
 * byte the cut hands it: the text outside the features (the skeleton) and each feature not
 * seen before. A feature is only recognised by the very same bytes (memcmp after its hash). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static size_t skip_ws(const char *t, size_t i, size_t n)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

/* After the string that opens at t[i] ('"'), or n when it does not close. t[n] is the NUL
 * the reader puts after the text, so strcspn (SSE4.2 in glibc) stops there at the latest; a
 * NUL within the text also ends the scan, which then cuts nothing. */
static size_t string_end(const char *t, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        i += strcspn(t + i, "\"\\");
        if (i >= n || t[i] == '\0')
            return n;
        if (t[i] == '\\')
            i++;
        else
            return i + 1;
    }
    return n;
}

/* The bytes a bracketed value's scan stops at: quotes, brackets and the NUL. */
static const bool bracket_stop[256] = {['"'] = true, ['{'] = true, ['}'] = true, ['['] = true,
                                       [']'] = true, ['\0'] = true};

/* The first byte from t[i] on that bracket_stop holds (t[n] is a NUL: n at the latest). */
static size_t next_stop(const char *t, size_t i)
{
    while (!bracket_stop[(unsigned char)t[i]])
        i++;
    return i;
}

#ifdef __SSE2__
/* Of the 16 bytes at p, those that may stop the scan, as bits: a byte whose bits outside 0x26
 * are those of '[' (0x5B) is one of "[]{}", or of "Y_y" and DEL (which the caller passes
 * over), and '"' and the NUL are compared as they are. */
static unsigned candidates(const char *p)
{
    const __m128i quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();
    const __m128i mask = _mm_set1_epi8((char)~0x26), bracket = _mm_set1_epi8('[' & ~0x26);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_and_si128(v, mask), bracket),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, nul)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* After the bracketed value that opens at t[i] ('{' or '['), the strings inside skipped; n
 * when it does not close. A coordinate array has a bracket every 10 to 20 bytes, and a call of
 * strcspn per bracket spent most of its time starting: with SSE2 the brackets are counted 16
 * bytes at a time, as long as 16 lie before t[n] (nothing past the text is read); a quote or a
 * NUL, and the last bytes, go to the byte-by-byte step. */
static size_t bracket_end(const char *t, size_t i, size_t n)
{
    int depth = 0;
    while (i < n) {
#ifdef __SSE2__
        for (bool other = false; i + 16 <= n && !other;) {
            size_t at = i;
            i += 16;
            for (unsigned bits = candidates(t + at); bits && !other; bits &= bits - 1) {
                size_t k = at + (size_t)__builtin_ctz(bits);
                char c = t[k];
                if (c == '{' || c == '[')
                    depth++;
                else if ((c == '}' || c == ']') && --depth == 0)
                    return k + 1;
                else if (c == '"' || c == '\0')
                    other = true, i = k;
            }
        }
#endif
        i = next_stop(t, i);
        char c = t[i];
        if (i >= n || c == '\0')
            return n;
        if (c == '"') {
            i = string_end(t, i, n);
            continue;
        }
        i++;
        if (c == '{' || c == '[')
            depth++;
        else if (--depth == 0)
            return i;
    }
    return n;
}

/* After the value that starts at t[i]: a string, a bracketed value (strings inside skipped),
 * or a bare word or number (up to the next delimiter). n when it does not end. */
static size_t value_end(const char *t, size_t i, size_t n)
{
    if (i < n && t[i] == '"')
        return string_end(t, i, n);
    if (i < n && t[i] != '{' && t[i] != '[') {
        while (i < n && !strchr(",}] \t\r\n", t[i]))
            i++;
        return i;
    }
    return bracket_end(t, i, n);
}

/* A 64-bit hash of p[0, n): FNV-1a's multiply, taken a word (8 bytes) at a time. Only for
 * sorting: a match is confirmed byte by byte. */
static uint64_t text_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ n, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 1099511628211ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static int push_span(fl_ctx *ctx, fl_source *src, size_t at, size_t end, size_t *cap)
{
    fl_span *v = fl_grow(ctx, src->span, cap, src->n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    src->span = v;
    src->span[src->n++] = (fl_span){.at = at, .len = end - at,
                                    .hash = text_hash(src->text + at, end - at)};
    return FL_OK;
}

/* The elements of the features array that opens at t[i] ('['): each must be an object.
 * Returns the index after the ']' or n when the array cannot be cut. */
static size_t cut_array(fl_ctx *ctx, fl_source *src, size_t i, size_t n, size_t *cap, int *rc)
{
    i = skip_ws(src->text, i + 1, n);
    if (i < n && src->text[i] == ']')
        return i + 1;
    while (i < n && src->text[i] == '{') {
        size_t end = value_end(src->text, i, n);
        if (end >= n || (*rc = push_span(ctx, src, i, end, cap)))
            return n;
        i = skip_ws(src->text, end, n);
        if (i < n && src->text[i] == ']')
            return i + 1;
        if (i >= n || src->text[i] != ',')
            return n;
        i = skip_ws(src->text, i + 1, n);
    }
    return n;
}

int fl_source_cut(fl_ctx *ctx, fl_source *src, size_t from)
{
    const char *t = src->text;
    size_t n = src->len, cap = 0, i = skip_ws(t, from, n);
    int rc = FL_OK, arrays = 0;
    bool closed = false;
    if (i < n && t[i] == '{')
        i = skip_ws(t, i + 1, n);
    else
        i = n;
    while (i < n && t[i] == '"' && !rc) {
        size_t key = i, key_end = string_end(t, i, n);
        i = skip_ws(t, key_end, n);
        if (i >= n || t[i] != ':')
            break;
        i = skip_ws(t, i + 1, n);
        if (key_end - key == 10 && !memcmp(t + key, "\"features\"", 10) && i < n &&
            t[i] == '[') {
            arrays++;
            i = cut_array(ctx, src, i, n, &cap, &rc);
        } else {
            i = value_end(t, i, n);
        }
        i = skip_ws(t, i, n);
        if (i < n && t[i] == ',')
            i = skip_ws(t, i + 1, n);
        else {
            closed = i < n && t[i] == '}';
            break;
        }
    }
    /* anything unexpected, or a second "features" (json-c keeps the last): no cut */
    if (rc || !closed || arrays != 1 || skip_ws(t, i + 1, n) < n) {
        free(src->span);
        src->span = NULL;
        src->n = 0;
    }
    return rc;
}

char *fl_source_skeleton(fl_ctx *ctx, const fl_source *src, size_t from, size_t *len)
{
    size_t cut = 0;
    for (size_t i = 0; i < src->n; i++)
        cut += src->span[i].len - 2;
    char *s = fl_malloc(ctx, src->len - from - cut + 1);
    if (!s)
        return NULL;
    size_t at = from, out = 0;
    for (size_t i = 0; i < src->n; i++) {
        memcpy(s + out, src->text + at, src->span[i].at - at);
        out += src->span[i].at - at;
        memcpy(s + out, "{}", 2);
        out += 2;
        at = src->span[i].at + src->span[i].len;
    }
    memcpy(s + out, src->text + at, src->len - at);
    out += src->len - at;
    s[out] = '\0';
    *len = out;
    return s;
}

static int by_hash(const void *x, const void *y, void *spans)
{
    const fl_span *s = spans;
    uint64_t a = s[*(const size_t *)x].hash, b = s[*(const size_t *)y].hash;
    return a < b ? -1 : a > b;
}

int fl_source_index(fl_ctx *ctx, fl_source *src)
{
    free(src->order);
    src->order = fl_calloc(ctx, src->n + 1, sizeof *src->order);
    if (!src->order)
        return FL_ENOMEM;
    for (size_t i = 0; i < src->n; i++)
        src->order[i] = i;
    qsort_r(src->order, src->n, sizeof *src->order, by_hash, src->span);
    return FL_OK;
}

long fl_source_find(const fl_source *src, const char *text, const fl_span *s)
{
    size_t lo = 0, hi = src->order ? src->n : 0;
    while (lo < hi) { /* the first of src's spans (by hash) whose hash is not below s's */
        size_t mid = lo + (hi - lo) / 2;
        if (src->span[src->order[mid]].hash < s->hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < src->n && src->span[src->order[lo]].hash == s->hash; lo++) {
        const fl_span *c = &src->span[src->order[lo]];
        if (c->len == s->len && !memcmp(src->text + c->at, text + s->at, s->len))
            return (long)src->order[lo];
    }
    return -1;
}

size_t fl_source_new_bytes(const fl_source *src, const fl_source *prev)
{
    size_t n = src->len;
    for (size_t i = 0; prev && i < src->n; i++)
        if (fl_source_find(prev, src->text, &src->span[i]) >= 0)
            n -= src->span[i].len;
    return n;
}

void fl_source_clear(fl_source *src)
{
    free(src->text);
    free(src->span);
    free(src->order);
    *src = (fl_source){0};
}
