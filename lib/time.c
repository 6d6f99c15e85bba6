/* time.c — snapshot times: found in file names (Unix seconds, YYYYMMDD, ISO dates) and
 * printed as ISO 8601 UTC. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool plausible_date(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1900 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 &&
           h < 24 && mi >= 0 && mi < 60 && s >= 0 && s <= 60;
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};
    return (int64_t)timegm(&tm);
}

/* Tries the forms at s, which starts a run of digits. */
static int64_t parse_at(const char *s, size_t digits)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (digits == 4 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
        if (s[10] == 'T' || s[10] == ' ' || s[10] == '_')
            if (sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &sec) < 2)
                h = mi = sec = 0;
        return plausible_date(y, mo, d, h, mi, sec) ? utc(y, mo, d, h, mi, sec) : FL_TIME_UNKNOWN;
    }
    if (digits == 8 && sscanf(s, "%4d%2d%2d", &y, &mo, &d) == 3 && plausible_date(y, mo, d, 0, 0, 0))
        return utc(y, mo, d, 0, 0, 0);
    if (digits >= 9 && digits <= 11) { /* Unix seconds: 1973 .. 5138 */
        long long t = 0;
        sscanf(s, "%11lld", &t);
        return t;
    }
    return FL_TIME_UNKNOWN;
}

int64_t fl_time_parse(const char *text)
{
    const char *base = strrchr(text, '/');
    const char *s = base ? base + 1 : text;
    while (*s) {
        if (!isdigit((unsigned char)*s)) {
            s++;
            continue;
        }
        size_t n = strspn(s, "0123456789");
        int64_t t = parse_at(s, n);
        if (t != FL_TIME_UNKNOWN)
            return t;
        s += n;
    }
    return FL_TIME_UNKNOWN;
}

char *fl_time_format(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t == FL_TIME_UNKNOWN || !gmtime_r(&tt, &tm))
        snprintf(buf, size, "%s", "");
    else
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
