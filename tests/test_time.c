/* test_time.c — times in file names, property values and options (lib/time.c). Expected
 * values are Unix seconds computed independently (Python's datetime, UTC). */
#include "check.h"

#include <stdint.h>

#define FOUND(text, want) CHECK(fl_time_parse(text) == (want), "%s -> %lld", text, (long long)fl_time_parse(text))
#define NONE(text) FOUND(text, FL_TIME_UNKNOWN)

static void exact(const char *text, int64_t want)
{
    int64_t t = 42;
    int rc = fl_time_parse_exact(text, &t);
    if (want == FL_TIME_UNKNOWN)
        CHECK(rc == FL_EARG && t == 42, "'%s' accepted as %lld", text, (long long)t);
    else
        CHECK(rc == FL_OK && t == want, "'%s' -> rc %d, %lld", text, rc, (long long)t);
}

static void file_names(void)
{
    FOUND("raw/1664526365.geojson", 1664526365);
    FOUND("deepstatemap_data_20240801.geojson", 1722470400);
    FOUND("map-2022-09-30T08:26:05Z.geojson", 1664526365);
    FOUND("map-2022-09-30.geojson", 1664496000);
    FOUND("isw/2022/x/20220930_UkrainianClaimedCounterOffensives.geojson", 1664496000);
    FOUND("UkraineControlMapAO02APR2023.kmz", 1680393600);
    FOUND("14_March_2022.geojson", 1647216000);
    FOUND("maps/14 mar 2022.kml", 1647216000);
    FOUND("isw/2023/UkraineControlMapMAR2.kmz", 1677715200);  /* year from the folder */
    FOUND("a/2023/b/UkraineControlMapMAR2.kmz", 1677715200);  /* the nearest year folder */
    FOUND("UkraineControlMapMarch_2_2023.kmz", 1677715200);
    FOUND("leap-2024-02-29.geojson", 1709164800);
    NONE("UkraineControlMapMAR2.kmz");                         /* no year anywhere */
    NONE("x/2023x/UkraineControlMapMAR2.kmz");                /* not a year folder */
    NONE("Summary2023.geojson");                              /* "mar" inside a word */
    NONE("Marker12.geojson");
    NONE("map.geojson");
    NONE("v2/map-20221399.geojson");                          /* bad month */
    NONE("map-2022-02-30.geojson");                           /* 30 February */
    NONE("map-2022-02-31.geojson");
    NONE("map-2023-02-29.geojson");                           /* not a leap year */
    NONE("31APR2023.kmz");
    NONE("99999999999.geojson");                              /* Unix seconds past 2199 */
    NONE("123456789012.geojson");                             /* 12 digits: neither */
}

static void values(void)
{
    FOUND("2022-10-03T00:00:00.000Z", 1664755200);
    FOUND("1664526365000", 1664526365);                       /* Unix milliseconds */
    FOUND("2022-09-30T08:26:05+05:00", 1664508365);
    FOUND("2022-09-30T08:26:05-0330", 1664538965);
    exact("2022-10-03T00:00:00.000Z", 1664755200);
    exact("2022-09-30T08:26:05+05:00", 1664508365);
    exact("2022-09-30 08:26:05-03:30", 1664538965);
    exact("2022-09-30T08:26:05Z", 1664526365);
    exact("2022-09-30T08:26", 1664526360);
    exact("2022-09-30", 1664496000);
    exact("20220930", 1664496000);
    exact("1664526365", 1664526365);
    exact("1664526365000", 1664526365);
    exact("02APR2023", 1680393600);
    exact("1900-01-01", FL_TIME_MIN);
    exact("2199-12-31T23:59:59Z", FL_TIME_MAX);
    exact("2022-02-30", FL_TIME_UNKNOWN);
    exact("2022-02-31", FL_TIME_UNKNOWN);
    exact("2022-09-30Tgarbage", FL_TIME_UNKNOWN);
    exact("2022-09-30T25:00", FL_TIME_UNKNOWN);
    exact("2022-09-30T08:26:05+5", FL_TIME_UNKNOWN);
    exact("2022-09-30T08:26:05+15:00", FL_TIME_UNKNOWN);
    exact("2022-09-30 ", FL_TIME_UNKNOWN);
    exact(" 2022-09-30", FL_TIME_UNKNOWN);
    exact("x2022-09-30", FL_TIME_UNKNOWN);
    exact("2200-01-01", FL_TIME_UNKNOWN);
    exact("1899-12-31", FL_TIME_UNKNOWN);
    exact("MAR2", FL_TIME_UNKNOWN);                           /* no year without a path */
    exact("12345", FL_TIME_UNKNOWN);
    exact("", FL_TIME_UNKNOWN);
}

static void formats(void)
{
    char buf[32];
    CHECK(!strcmp(fl_time_format(1664526365, buf, sizeof buf), "2022-09-30T08:26:05Z"), "%s", buf);
    CHECK(!strcmp(fl_time_format(FL_TIME_MIN, buf, sizeof buf), "1900-01-01T00:00:00Z"), "%s", buf);
    CHECK(!strcmp(fl_time_format(FL_TIME_MAX + 1, buf, sizeof buf), ""), "%s", buf);
    CHECK(!strcmp(fl_time_format(INT64_MAX, buf, sizeof buf), ""), "%s", buf);
    CHECK(!strcmp(fl_time_format(FL_TIME_UNKNOWN, buf, sizeof buf), ""), "%s", buf);
}

int main(void)
{
    file_names();
    values();
    formats();
    return check_done("time");
}
