/* place_names.c — finding places by any of their names.
 *
 * A name matches when it equals the query once both are folded: Latin and Cyrillic letters
 * to lower case, Latin letters with diacritics (Latin-1 and combining marks) to their base
 * letter, and apostrophes (' ’ ʼ), hyphens, dots and spaces left out — so "Niu-York", "niu
 * york" and "Нью-Йорк" find the place whose names include them, and "Kyiv", "KYIV" and
 * "Київ" the capital. A place's names are its name and the '|'-separated names of its "alt"
 * column (data/places/ua_places.csv: GeoNames' alternate names in Latin and Cyrillic). */
#include "internal.h"

#include <string.h>

/* Base letters of U+00C0 .. U+00FF ('*' for the two that are not letters). */
static const char latin1[] = "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty";

/* Appends code point c, folded, to out (UTF-8); skipped characters append nothing. */
static size_t put(unsigned c, char *out, size_t n, size_t cap)
{
    if (c == '\'' || c == '-' || c == ' ' || c == '.' || c == 0x2019 || c == 0x02BC ||
        (c >= 0x300 && c < 0x370))
        return n;
    if (c < 0x80)
        c = c >= 'A' && c <= 'Z' ? c + 32 : c;
    else if (c >= 0xC0 && c <= 0xFF && latin1[c - 0xC0] != '*')
        c = (unsigned char)latin1[c - 0xC0];
    else if (c >= 0x410 && c <= 0x42F) /* А..Я */
        c += 0x20;
    else if (c >= 0x400 && c <= 0x40F) /* Ѐ..Џ, Є І Ї among them */
        c += 0x50;
    else if (c == 0x490) /* Ґ */
        c = 0x491;
    char b[4];
    size_t k = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (k == 1)
        b[0] = (char)c;
    else if (k == 2) {
        b[0] = (char)(0xC0 | c >> 6);
        b[1] = (char)(0x80 | (c & 0x3F));
    } else {
        b[0] = (char)(0xE0 | c >> 12);
        b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
    }
    if (n + k < cap) {
        memcpy(out + n, b, k);
        n += k;
    }
    return n;
}

/* The folded form of s[0 .. len) into out (NUL-terminated, cut at cap). Bytes that are not
 * well-formed UTF-8 are kept as they are. */
static void fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 0;
        if (!k || i + k > len) { /* not UTF-8 we fold: as it is */
            if (n + 1 < cap)
                out[n++] = (char)c;
            i++;
            continue;
        }
        if (k == 2)
            c = (c & 0x1F) << 6 | (u[i + 1] & 0x3F);
        else if (k == 3)
            c = (c & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
        n = put(c, out, n, cap);
        i += k;
    }
    out[n] = '\0';
}

/* Whether one of place i's names folds to q. */
static bool answers(const fl_places *p, int i, const char *q)
{
    char f[512];
    fold(p->name[i], strlen(p->name[i]), f, sizeof f);
    if (!strcmp(f, q))
        return true;
    for (const char *a = fl_places_attr(p, i, "alt"); *a;) {
        size_t len = strcspn(a, "|");
        fold(a, len, f, sizeof f);
        if (!strcmp(f, q))
            return true;
        a += len + (a[len] == '|');
    }
    return false;
}

int fl_places_match(const fl_places *p, const char *query, int *out, int max)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->id[i], query)) {
            if (max > 0)
                out[0] = i;
            return 1;
        }
    char q[512];
    fold(query, strlen(query), q, sizeof q);
    int count = 0;
    for (int i = 0; q[0] && i < p->n; i++)
        if (answers(p, i, q)) {
            if (count < max)
                out[count] = i;
            count++;
        }
    return count;
}

int fl_places_find(const fl_places *p, const char *name)
{
    for (int i = 0; i < p->n; i++) /* the exact name first */
        if (!strcmp(p->name[i], name))
            return i;
    int first;
    return fl_places_match(p, name, &first, 1) ? first : -1;
}
