/* time.c — snapshot times: read from file names, property values and user options, and
 * printed as ISO 8601 UTC.
 *
 * One grammar serves both readers. fl_time_parse_exact takes a whole token (an option such
 * as --time, or a property value); fl_time_parse finds the first time inside a file name
 * (its last path component) or a value. The forms, tried where a digit run or a month name
 * starts:
 *
 *   2022-09-30[(T| |_)08:26[:05[.fff]]][Z|+05:00|+0500|-05]   ISO 8601, offset applied
 *   20220930                                                  YYYYMMDD (exactly 8 digits)
 *   1664526365 / 1664526365000                                Unix seconds (9..11 digits)
 *                                                             or milliseconds (13 digits)
 *   02APR2023, 14_March_2022, 14 Mar 2022                     day, month name, year
 *   MAR2, March_14_2022                                       month name, day[, year]
 *
 * A month-and-day name without a year (UkraineControlMapMAR2.kmz) takes its year from the
 * nearest parent folder named by a year alone (".../2023/UkraineControlMapMAR2.kmz");
 * without such a folder it names no time. Month names are English, full or three letters,
 * any case; one must not run on into more letters ("Marker" is no month) and starts a word
 * or a capitalised run ("MapMAR2").
 *
 * Every date is checked, not normalised: 2022-02-30 is no time (timegm would have made it
 * 2 March). Times are kept within [FL_TIME_MIN, FL_TIME_MAX] (years 1900..2199), which is
 * also what fl_time_format prints; anything outside is no time. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const month_names[12] = {"january", "february", "march",     "april",
                                            "may",     "june",     "july",      "august",
                                            "september", "october", "november", "december"};

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int mo)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mo == 2 && leap(y) ? 29 : days[mo - 1];
}

/* Seconds since the epoch of a checked civil UTC time, or FL_TIME_UNKNOWN. */
static int64_t civil(int y, int mo, int d, int h, int mi, int s)
{
    if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
        return FL_TIME_UNKNOWN;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};
    return (int64_t)timegm(&tm);
}

static int64_t in_range(int64_t t)
{
    return t >= FL_TIME_MIN && t <= FL_TIME_MAX ? t : FL_TIME_UNKNOWN;
}

/* Exactly n digits at s as a number in *v; the end, or NULL. */
static const char *number(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return NULL;
        *v = *v * 10 + (s[i] - '0');
    }
    return s + n;
}

static size_t digit_run(const char *s) { return strspn(s, "0123456789"); }

/* A UTC offset at s ("Z", "+05:00", "+0500", "-05") in seconds east; the end, or s when
 * there is none. NULL when a sign starts a malformed offset. */
static const char *offset(const char *s, int *east)
{
    int h, m = 0;
    const char *p;
    *east = 0;
    if (*s == 'Z')
        return s + 1;
    if (*s != '+' && *s != '-')
        return s;
    if (!(p = number(s + 1, 2, &h)))
        return NULL;
    if (*p == ':' ? !(p = number(p + 1, 2, &m)) : isdigit((unsigned char)*p) && !(p = number(p, 2, &m)))
        return NULL;
    if (h > 14 || m > 59)
        return NULL;
    *east = (*s == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return p;
}

/* YYYY-MM-DD[(T| |_)HH:MM[:SS[.fff]]][offset] at s. */
static const char *iso_at(const char *s, int64_t *t)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, east = 0;
    const char *p = number(s, 4, &y);
    if (!p || *p != '-' || !(p = number(p + 1, 2, &mo)) || *p != '-' || !(p = number(p + 1, 2, &d)))
        return NULL;
    const char *q;
    if ((*p == 'T' || *p == ' ' || *p == '_') && (q = number(p + 1, 2, &h)) && *q == ':' &&
        (q = number(q + 1, 2, &mi))) {
        if (*q == ':' && isdigit((unsigned char)q[1]) && !(q = number(q + 1, 2, &sec)))
            return NULL;
        if (*q == '.' && isdigit((unsigned char)q[1]))
            q += 1 + digit_run(q + 1);
        if (!(p = offset(q, &east)))
            return NULL;
    } else {
        h = 0;
    }
    int64_t c = civil(y, mo, d, h, mi, sec);
    *t = c == FL_TIME_UNKNOWN ? c : in_range(c - east);
    return *t == FL_TIME_UNKNOWN ? NULL : p;
}

/* A month name at s (full or three letters, any case, not followed by a letter). */
static const char *month_at(const char *s, int *mo)
{
    for (int i = 0; i < 12; i++) {
        size_t full = strlen(month_names[i]);
        size_t n = !strncasecmp(s, month_names[i], full) ? full
                   : !strncasecmp(s, month_names[i], 3) ? 3 : 0;
        if (n && !isalpha((unsigned char)s[n])) {
            *mo = i + 1;
            return s + n;
        }
    }
    return NULL;
}

static const char *separator(const char *s)
{
    return *s == '_' || *s == '-' || *s == ' ' || *s == '.' ? s + 1 : s;
}

/* One or two digits (a day) at s; the end, or NULL. */
static const char *day(const char *s, int *d)
{
    size_t n = digit_run(s);
    return n == 1 || n == 2 ? number(s, (int)n, d) : NULL;
}

/* D[D][sep]MONTH[sep]YYYY at s. */
static const char *day_month_year_at(const char *s, int64_t *t)
{
    int d, mo, y;
    const char *p = day(s, &d);
    if (!p || !(p = month_at(separator(p), &mo)))
        return NULL;
    p = separator(p);
    if (digit_run(p) != 4 || !(p = number(p, 4, &y)))
        return NULL;
    *t = civil(y, mo, d, 0, 0, 0);
    return *t == FL_TIME_UNKNOWN ? NULL : p;
}

/* The year of the nearest folder of path named by a year alone, or 0. */
static int folder_year(const char *path, const char *base)
{
    for (const char *end = base - 1; end > path;) {
        const char *start = end;
        while (start > path && start[-1] != '/')
            start--;
        int y;
        if (end - start == 4 && number(start, 4, &y) && y >= 1900 && y <= 2199)
            return y;
        end = start - 1;
    }
    return 0;
}

/* MONTH[sep]D[D][(sep|, )YYYY] at s; without a year, the year of a parent folder of path. */
static const char *month_day_at(const char *s, const char *path, const char *base, int64_t *t)
{
    int mo, d, y = 0;
    const char *p = month_at(s, &mo);
    if (!p || !(p = day(separator(p), &d)))
        return NULL;
    const char *q = p;
    if (*q == ',')
        q++;
    q = separator(q);
    if (digit_run(q) == 4 && number(q, 4, &y))
        p = q + 4;
    else if (path)
        y = folder_year(path, base);
    *t = civil(y, mo, d, 0, 0, 0);
    return *t == FL_TIME_UNKNOWN ? NULL : p;
}

/* A form starting with the digit run at s (run digits long). */
static const char *digits_at(const char *s, size_t run, int64_t *t)
{
    int y, mo, d;
    const char *p;
    if (run == 4 && s[4] == '-' && (p = iso_at(s, t)))
        return p;
    if (run == 8 && number(s, 4, &y) && number(s + 4, 2, &mo) && number(s + 6, 2, &d) &&
        (*t = civil(y, mo, d, 0, 0, 0)) != FL_TIME_UNKNOWN)
        return s + 8;
    if ((run >= 9 && run <= 11) || run == 13) {
        long long v = 0;
        for (size_t i = 0; i < run; i++)
            v = v * 10 + (s[i] - '0');
        *t = in_range(run == 13 ? v / 1000 : v);
        return *t == FL_TIME_UNKNOWN ? NULL : s + run;
    }
    return run <= 2 ? day_month_year_at(s, t) : NULL;
}

/* A form at s, where a digit run or a month word may start; path gives parent folders. */
static const char *form_at(const char *s, const char *path, const char *base, int64_t *t)
{
    size_t run = digit_run(s);
    return run ? digits_at(s, run, t) : month_day_at(s, path, base, t);
}

/* May a form start at s? At the start of a digit run or of a word (a capital after a
 * lowercase letter starts one, as in "MapMAR2"). */
static bool starts_form(const char *start, const char *s)
{
    unsigned char c = (unsigned char)*s, b = s > start ? (unsigned char)s[-1] : 0;
    if (isdigit(c))
        return !isdigit(b);
    return isalpha(c) && (!isalpha(b) || (isupper(c) && islower(b)));
}

int64_t fl_time_parse(const char *text)
{
    const char *slash = strrchr(text, '/');
    const char *base = slash ? slash + 1 : text;
    for (const char *s = base; *s; s++) {
        int64_t t;
        if (starts_form(base, s) && form_at(s, text, base, &t))
            return t;
    }
    return FL_TIME_UNKNOWN;
}

int fl_time_parse_exact(const char *text, int64_t *out)
{
    int64_t t = FL_TIME_UNKNOWN;
    const char *end = form_at(text, NULL, NULL, &t);
    if (!end || *end)
        return FL_EARG;
    *out = t;
    return FL_OK;
}

char *fl_time_format(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t < FL_TIME_MIN || t > FL_TIME_MAX || !gmtime_r(&tt, &tm))
        snprintf(buf, size, "%s", "");
    else
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
