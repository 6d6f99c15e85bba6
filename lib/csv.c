/* csv.c — a small RFC 4180 reader (quoted fields, doubled quotes, CRLF) for the places and
 * claims files. A row has at most CSV_MAX_FIELDS fields of at most CSV_MAX_FIELD bytes: a
 * header of a million columns, or one endless field, fails at once instead of growing (the
 * files it reads have a few columns of names and numbers). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSV_MAX_FIELDS 1000
#define CSV_MAX_FIELD (1 << 20)

void fl_csv_free(fl_csv_row *row)
{
    for (int i = 0; i < row->n; i++)
        free(row->field[i]);
    free(row->field);
    *row = (fl_csv_row){0};
}

/* Appends one character to a growing field buffer. */
static bool put(char **buf, size_t *len, size_t *cap, char c)
{
    if (*len + 1 >= *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        char *b = realloc(*buf, ncap);
        if (!b)
            return false;
        *buf = b;
        *cap = ncap;
    }
    (*buf)[(*len)++] = c;
    (*buf)[*len] = '\0';
    return true;
}

static bool end_field(fl_csv_row *row, char **buf, size_t *len, size_t *cap)
{
    char **f = realloc(row->field, (size_t)(row->n + 1) * sizeof *f);
    if (!f)
        return false;
    row->field = f;
    row->field[row->n++] = *buf ? *buf : strdup("");
    *buf = NULL;
    *len = *cap = 0;
    return row->field[row->n - 1] != NULL;
}

int fl_csv_next(fl_ctx *ctx, FILE *f, const char *path, int *line, fl_csv_row *row)
{
    fl_csv_free(row);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bool quoted = false, any = false, ok = true;
    int c;
    (*line)++;
    while ((c = fgetc(f)) != EOF && ok) {
        any = true;
        if (row->n >= CSV_MAX_FIELDS || len >= CSV_MAX_FIELD) {
            free(buf);
            return fl_error(ctx, FL_ELIMIT, "%s:%d: more than %d %s", path, *line,
                            row->n >= CSV_MAX_FIELDS ? CSV_MAX_FIELDS : CSV_MAX_FIELD,
                            row->n >= CSV_MAX_FIELDS ? "columns" : "bytes in a field");
        }
        if (c == '\0') { /* quoted or not: a NUL would cut the field silently */
            free(buf);
            return fl_error(ctx, FL_EPARSE, "%s:%d: NUL byte", path, *line);
        }
        if (quoted) {
            if (c == '"') {
                int d = fgetc(f);
                if (d == '"')
                    ok = put(&buf, &len, &cap, '"');
                else {
                    quoted = false;
                    if (d != EOF)
                        ungetc(d, f);
                }
            } else {
                if (c == '\n')
                    (*line)++;
                ok = put(&buf, &len, &cap, (char)c);
            }
        } else if (c == '"' && len == 0) {
            quoted = true;
        } else if (c == ',') {
            ok = end_field(row, &buf, &len, &cap);
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            ok = put(&buf, &len, &cap, (char)c);
        } else if ((c = fgetc(f)) != '\n') { /* a lone CR would join two rows silently */
            free(buf);
            return fl_error(ctx, FL_EPARSE, "%s:%d: a carriage return without a line feed "
                            "(rows end in LF or CRLF)", path, *line);
        } else {
            break;
        }
    }
    if (ok && quoted) {
        free(buf);
        return fl_error(ctx, FL_EPARSE, "%s:%d: unterminated quoted field", path, *line);
    }
    if (ok && any)
        ok = end_field(row, &buf, &len, &cap);
    free(buf);
    if (!ok)
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    for (int i = 0; i < row->n; i++)
        if (!fl_utf8_valid(row->field[i]))
            return fl_error(ctx, FL_EPARSE, "%s:%d: field %d is not valid UTF-8", path, *line,
                            i + 1);
    return any ? FL_OK : -1; /* -1: end of file */
}

int fl_csv_column(const fl_csv_row *header, const char *const *names)
{
    for (const char *const *n = names; *n; n++)
        for (int i = 0; i < header->n; i++) {
            const char *h = header->field[i];
            if (!strncmp(h, "\xEF\xBB\xBF", 3)) /* BOM on the first field */
                h += 3;
            while (*h == ' ')
                h++;
            if (!strcasecmp(h, *n))
                return i;
        }
    return -1;
}
