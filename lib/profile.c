/* profile.c — classification profiles: the statuses (in precedence order, with side and
 * colour) and the rules that map a feature's fill colour, name or any property to a status.
 * Format (see README, "Profiles"): one directive per line, '#' starts a comment.
 *
 *   status NAME side=SIDE colour=#RRGGBB     a status; earlier ones win where layers overlap
 *   default NAME side=SIDE colour=#RRGGBB    the territory covered by no polygon
 *   front NAME                               the status whose boundary is the frontline
 *   rule ACTION [FIELD=REGEX ...] [empty]    ACTION is a status or "ignore"; first match wins
 *   wrapped MEMBER[.MEMBER...]               the FeatureCollection inside a JSON document
 *   time property=NAME                       the map's time: a feature's (or the wrapping
 *                                            document's) property, not the file name
 *
 * Lines end with LF, CRLF or a lone CR; a UTF-8 BOM at the start of the file is skipped.
 * A REGEX is POSIX extended, case-insensitive, searched anywhere in the value; it is matched
 * against the whole value, even one holding a NUL ("x\u0000Transnistria" in JSON): the NUL is
 * an ordinary character, which '.' does not match (POSIX), and '^' and '$' are the ends of
 * the whole value. Back-references (\1 ... \9) are refused: they are not part of POSIX
 * extended expressions (glibc accepts them) and make matching take exponential time.
 */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CONDS 8
#define MAX_TOKENS 16

typedef struct cond {
    char *field;
    char *pattern;
    regex_t re;
} cond;

typedef struct rule {
    int action; /* status index, or FL_CLASS_IGNORED */
    bool empty; /* matches only features without properties */
    int ncond;
    cond conds[MAX_CONDS];
    int line;
} rule;

typedef struct status_def {
    char *name, *side, *colour;
} status_def;

struct fl_profile {
    char *path;
    int nstatus;      /* including the default status, which is kept last */
    status_def *status;
    bool has_default;
    char *front_name;
    int front;
    int nrule;
    size_t caprule; /* rules allocated */
    rule *rules;
    char *wrapped;       /* "wrapped" directive, or NULL */
    char *time_property; /* "time property=NAME", or NULL */
};

static void rule_free(rule *r)
{
    for (int i = 0; i < r->ncond; i++) {
        regfree(&r->conds[i].re);
        free(r->conds[i].field);
        free(r->conds[i].pattern);
    }
}

void fl_profile_close(fl_profile *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nstatus; i++) {
        free(p->status[i].name);
        free(p->status[i].side);
        free(p->status[i].colour);
    }
    for (int i = 0; i < p->nrule; i++)
        rule_free(&p->rules[i]);
    free(p->status);
    free(p->rules);
    free(p->front_name);
    free(p->wrapped);
    free(p->time_property);
    free(p->path);
    free(p);
}

/* Splits a line into tokens in place: whitespace separates, "..." quotes (after '=' too),
 * '#' outside quotes ends the line. Returns the count, or -1 on an unterminated quote. */
static int tokenize(char *s, char **tok, int max)
{
    int n = 0;
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            break;
        if (n == max)
            return -2;
        tok[n++] = s;
        char *w = s;
        while (*s && !isspace((unsigned char)*s)) {
            if (*s == '"') {
                s++;
                while (*s && *s != '"')
                    *w++ = *s++;
                if (*s != '"')
                    return -1;
                s++;
            } else {
                *w++ = *s++;
            }
        }
        if (*s)
            s++;
        *w = '\0';
    }
    return n;
}

static int find_status(const fl_profile *p, const char *name)
{
    for (int i = 0; i < p->nstatus; i++)
        if (strcmp(p->status[i].name, name) == 0)
            return i;
    return FL_STATUS_UNKNOWN;
}

static bool valid_colour(const char *c)
{
    if (c[0] != '#' || strlen(c) != 7)
        return false;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)c[i]))
            return false;
    return true;
}

static int add_status(fl_ctx *ctx, fl_profile *p, char **tok, int n, bool is_default, int line)
{
    const char *where = p->path;
    if (n < 2)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: '%s' needs a name", where, line, tok[0]);
    if (find_status(p, tok[1]) >= 0 || !strcmp(tok[1], "none") || !strcmp(tok[1], "invalid") ||
        !strcmp(tok[1], "ignore"))
        return fl_error(ctx, FL_EPROFILE, "%s:%d: status '%s' is declared twice or reserved",
                        where, line, tok[1]);
    if (is_default && p->has_default)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: a second 'default' status", where, line);
    if (!is_default && p->has_default)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: 'status' after 'default': the default status "
                        "comes last", where, line);
    const char *side = "", *colour = "#808080";
    for (int i = 2; i < n; i++) {
        if (!strncmp(tok[i], "side=", 5))
            side = tok[i] + 5;
        else if (!strncmp(tok[i], "colour=", 7) || !strncmp(tok[i], "color=", 6))
            colour = strchr(tok[i], '=') + 1;
        else
            return fl_error(ctx, FL_EPROFILE, "%s:%d: unknown status attribute '%s'", where,
                            line, tok[i]);
    }
    if (!valid_colour(colour))
        return fl_error(ctx, FL_EPROFILE, "%s:%d: colour '%s' is not #RRGGBB", where, line,
                        colour);
    status_def *s = fl_realloc(ctx, p->status, (size_t)p->nstatus + 1, sizeof *s);
    if (!s)
        return FL_ENOMEM;
    p->status = s;
    s = &p->status[p->nstatus];
    s->name = strdup(tok[1]);
    s->side = strdup(side);
    s->colour = strdup(colour);
    p->nstatus++;
    if (!s->name || !s->side || !s->colour)
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    p->has_default = is_default;
    return FL_OK;
}

/* Two rules are duplicates when they have the same action and the same conditions. */
static bool same_rule(const rule *a, const rule *b)
{
    if (a->action != b->action || a->empty != b->empty || a->ncond != b->ncond)
        return false;
    for (int i = 0; i < a->ncond; i++)
        if (strcmp(a->conds[i].field, b->conds[i].field) ||
            strcmp(a->conds[i].pattern, b->conds[i].pattern))
            return false;
    return true;
}

/* A back-reference \1 ... \9 outside a bracket expression. */
static const char *skip_bracket(const char *c);
static bool has_backreference(const char *re)
{
    for (const char *c = re; *c; c++) {
        if (*c == '[' && !*(c = skip_bracket(c)))
            return false;
        if (*c == '\\' && c[1]) {
            if (c[1] >= '1' && c[1] <= '9')
                return true;
            c++;
        }
    }
    return false;
}

/* glibc's regcomp takes exponential time and memory on stacked quantifiers ("a+++", "a*{2}"):
 * a quantifier directly after another is refused before it reaches regcomp. */
static bool stacked_quantifier(const char *re)
{
    bool after_quantifier = false;
    for (const char *c = re; *c; c++) {
        if (*c == '\\' && c[1]) {
            c++;
            after_quantifier = false;
            continue;
        }
        bool quantifier = *c == '*' || *c == '+' || *c == '?' || *c == '{';
        if (quantifier && after_quantifier)
            return true;
        if (*c == '{')
            while (c[1] && *c != '}')
                c++;
        after_quantifier = quantifier;
    }
    return false;
}

/* glibc's regcomp copies the operand of a bounded repetition once per count, taking time and
 * memory quadratic in the copies (a{1,32767}: 29 s and 8 GB; C{,11800}: 1.1 GB, found by
 * fuzz_profile): the pattern's size once its repetitions are expanded is capped. */
#define MAX_EXPANDED 2000

/* Skips a bracket expression starting at c ('['); returns its last character (']'), or the
 * end of the string when it is not closed. */
static const char *skip_bracket(const char *c)
{
    c++;
    if (*c == '^')
        c++;
    if (*c == ']')
        c++;
    for (; *c && *c != ']'; c++)
        if (*c == '[' && (c[1] == ':' || c[1] == '=' || c[1] == '.')) {
            const char *end = strchr(c + 2, c[1]); /* [:alpha:] [=e=] [.ch.] */
            while (end && end[1] != ']')
                end = strchr(end + 1, c[1]);
            if (!end)
                return c + strlen(c);
            c = end + 1;
        }
    return c;
}

/* How many times a quantifier at c copies its operand (x{m,n}: n, x{m,}: m + 1, x{m}: m,
 * x+: 2, x* and x?: 1); *end gets its last character. */
static double copies_of(const char *c, const char **end)
{
    *end = c;
    if (*c != '{')
        return *c == '+' ? 2 : 1;
    char *after;
    double m = strtol(c + 1, &after, 10), n = m;
    if (*after == ',') {
        after++;
        n = isdigit((unsigned char)*after) ? strtol(after, &after, 10) : m + 1;
    }
    *end = *after == '}' ? after : c;
    return n > 1 ? n : 1;
}

/* The number of positions of regular expression re once its repetitions are expanded as
 * glibc does (an atom is one; nested repetitions multiply); infinite for groups nested more
 * than 31 deep. A ')' that closes no group is an ordinary character to glibc's extended
 * syntax (RE_UNMATCHED_RIGHT_PAREN_ORD), so an atom here too. A group counts at least one,
 * even empty: regcomp copies its nodes once per repetition too ("(){,11800}"). */
static double expanded_size(const char *re)
{
    double sum[32] = {0}; /* per open group */
    double operand = 0;   /* what a quantifier here would copy */
    int depth = 0;
    for (const char *c = re; *c; c++) {
        if (*c == '(' || (*c == ')' && depth > 0) || *c == '|' || *c == '^' || *c == '$') {
            operand = 0;
            if (*c == '(' && depth == 31)
                return INFINITY;
            if (*c == '(')
                sum[++depth] = 0;
            else if (*c == ')') {
                operand = fmax(sum[depth--], 1);
                sum[depth] += operand;
            }
            continue;
        }
        if (*c == '*' || *c == '+' || *c == '?' || *c == '{') {
            double n = copies_of(c, &c);
            sum[depth] += operand * (n - 1);
            operand *= n;
            continue;
        }
        if (*c == '\\' && c[1])
            c++;
        else if (*c == '[' && !*(c = skip_bracket(c)))
            break; /* not closed: regcomp refuses it */
        sum[depth] += 1;
        operand = 1;
    }
    double total = 0;
    for (int d = 0; d <= depth; d++)
        total += sum[d];
    return total;
}

/* A quantifier on a group that holds an anchor ("(a|^){11,300}": 0.86 s and 350 MB in
 * regcomp, "($){11,800}" over 2 GB, found by fuzz_profile): glibc's memory grows with the cube
 * of the count there, while a repeated anchor matches nothing more than one. */
static bool repeated_anchor(const char *re)
{
    bool anchor[32] = {false}, operand = false; /* per open group; the operand before c */
    int depth = 0;
    for (const char *c = re; *c; c++) {
        if (*c == '(' && depth < 31) {
            anchor[++depth] = false;
            operand = false;
        } else if (*c == ')' && depth > 0) {
            operand = anchor[depth--];
            anchor[depth] |= operand;
        } else if (*c == '^' || *c == '$') {
            anchor[depth] = operand = true;
        } else if (*c == '*' || *c == '+' || *c == '?' || *c == '{') {
            if (operand)
                return true;
        } else {
            if (*c == '\\' && c[1])
                c++;
            else if (*c == '[' && !*(c = skip_bracket(c)))
                break;
            operand = false;
        }
    }
    return false;
}

static int parse_cond(fl_ctx *ctx, fl_profile *p, rule *r, const char *tok, int line)
{
    const char *eq = strchr(tok, '=');
    if (!eq || eq == tok)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: condition '%s' is not FIELD=REGEX", p->path,
                        line, tok);
    if (r->ncond == MAX_CONDS)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: more than %d conditions", p->path, line,
                        MAX_CONDS);
    cond *c = &r->conds[r->ncond];
    c->field = strndup(tok, (size_t)(eq - tok));
    c->pattern = strdup(eq + 1);
    if (!c->field || !c->pattern) {
        free(c->field);
        free(c->pattern);
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    }
    double size = 0;
    if (has_backreference(c->pattern)) {
        fl_error(ctx, FL_EPROFILE, "%s:%d: regular expression '%s' has a back-reference "
                 "(\\1 ... \\9): not supported (matching could take exponential time)",
                 p->path, line, c->pattern);
        free(c->field);
        free(c->pattern);
        return FL_EPROFILE;
    }
    bool anchor = false;
    if (stacked_quantifier(c->pattern) || (anchor = repeated_anchor(c->pattern)) ||
        (size = expanded_size(c->pattern)) > MAX_EXPANDED) {
        if (anchor)
            fl_error(ctx, FL_EPROFILE, "%s:%d: regular expression '%s' repeats an anchor (^ or $ "
                     "in a group with a quantifier): not supported (compiling it could take "
                     "gigabytes)", p->path, line, c->pattern);
        else if (size > MAX_EXPANDED)
            fl_error(ctx, FL_EPROFILE, "%s:%d: regular expression '%s' is too complex: more "
                     "than %d positions once its repetitions are expanded", p->path, line,
                     c->pattern, MAX_EXPANDED);
        else
            fl_error(ctx, FL_EPROFILE, "%s:%d: invalid regular expression '%s': a quantifier "
                     "follows a quantifier", p->path, line, c->pattern);
        free(c->field);
        free(c->pattern);
        return FL_EPROFILE;
    }
    int rc = regcomp(&c->re, c->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc) {
        char why[256];
        regerror(rc, &c->re, why, sizeof why);
        fl_error(ctx, FL_EPROFILE, "%s:%d: invalid regular expression '%s': %s", p->path, line,
                 c->pattern, why);
        free(c->field);
        free(c->pattern);
        return FL_EPROFILE;
    }
    r->ncond++;
    return FL_OK;
}

static int add_rule(fl_ctx *ctx, fl_profile *p, char **tok, int n, int line)
{
    if (n < 2)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: 'rule' needs an action", p->path, line);
    rule r = {.line = line};
    if (strcmp(tok[1], "ignore") == 0)
        r.action = FL_CLASS_IGNORED;
    else if ((r.action = find_status(p, tok[1])) < 0)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: unknown status '%s' (declare it with "
                        "'status' first, or use 'ignore')", p->path, line, tok[1]);
    int rc = FL_OK;
    for (int i = 2; i < n && !rc; i++) {
        if (strcmp(tok[i], "empty") == 0)
            r.empty = true;
        else
            rc = parse_cond(ctx, p, &r, tok[i], line);
    }
    rule *rs = rc ? NULL
                  : fl_grow(ctx, p->rules, &p->caprule, (size_t)p->nrule + 1, sizeof *rs);
    if (!rs) {
        rule_free(&r);
        return rc ? rc : FL_ENOMEM;
    }
    p->rules = rs;
    p->rules[p->nrule++] = r;
    return FL_OK;
}

/* s with control characters and U+FEFF shown as escapes, for messages. */
static const char *shown(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 8 < size; s++) {
        if (!strncmp(s, "\xEF\xBB\xBF", 3)) {
            n += (size_t)snprintf(buf + n, size - n, "\\uFEFF");
            s += 2;
        } else if ((unsigned char)*s < 0x20 || *s == 0x7F)
            n += (size_t)snprintf(buf + n, size - n, "\\x%02X", (unsigned char)*s);
        else
            buf[n++] = *s;
    }
    buf[n] = '\0';
    return buf;
}

/* "wrapped MEMBER" and "time property=NAME": how the files of this source are read. */
static int read_directive(fl_ctx *ctx, fl_profile *p, char **tok, int n, int line)
{
    bool wrapped = tok[0][0] == 'w';
    char **slot = wrapped ? &p->wrapped : &p->time_property;
    const char *value = n == 2 && wrapped ? tok[1]
                        : n == 2 && !strncmp(tok[1], "property=", 9) && tok[1][9] ? tok[1] + 9
                                                                                   : NULL;
    if (!value)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: '%s' wants %s", p->path, line, tok[0],
                        wrapped ? "one MEMBER (e.g. 'wrapped value')"
                                : "property=NAME (e.g. 'time property=_dateto')");
    if (*slot)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: a second '%s' directive", p->path, line,
                        tok[0]);
    return (*slot = strdup(value)) ? FL_OK : fl_error(ctx, FL_ENOMEM, "out of memory");
}

static int parse_line(fl_ctx *ctx, fl_profile *p, char *text, int line)
{
    char *tok[MAX_TOKENS];
    int n = tokenize(text, tok, MAX_TOKENS);
    if (n == -1)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: unterminated quote", p->path, line);
    if (n == -2)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: more than %d words", p->path, line,
                        MAX_TOKENS);
    if (n == 0)
        return FL_OK;
    if (!strcmp(tok[0], "status") || !strcmp(tok[0], "default"))
        return add_status(ctx, p, tok, n, tok[0][0] == 'd', line);
    if (!strcmp(tok[0], "rule"))
        return add_rule(ctx, p, tok, n, line);
    if (!strcmp(tok[0], "front") && n == 2) {
        free(p->front_name);
        p->front_name = strdup(tok[1]);
        return p->front_name ? FL_OK : fl_error(ctx, FL_ENOMEM, "out of memory");
    }
    if (!strcmp(tok[0], "name"))
        return FL_OK; /* a label for humans */
    if (!strcmp(tok[0], "wrapped") || !strcmp(tok[0], "time"))
        return read_directive(ctx, p, tok, n, line);
    char buf[256];
    return fl_error(ctx, FL_EPROFILE, "%s:%d: unknown directive '%s'", p->path, line,
                    shown(tok[0], buf, sizeof buf));
}

static uint64_t rule_hash(const rule *r)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    const unsigned char head[2] = {(unsigned char)r->action, r->empty};
    for (int i = 0; i < 2; i++)
        h = (h ^ head[i]) * 1099511628211ULL;
    for (int i = 0; i < r->ncond; i++)
        for (int k = 0; k < 2; k++) {
            const char *s = k ? r->conds[i].pattern : r->conds[i].field;
            do
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
            while (*s++);
        }
    return h;
}

typedef struct rule_key {
    uint64_t hash;
    const rule *r;
} rule_key;

static int by_hash_line(const void *a, const void *b)
{
    const rule_key *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->r->line > y->r->line) - (x->r->line < y->r->line);
}

/* Two rules are duplicates when they have the same action and conditions: the rules sorted
 * by hash (then line) put them side by side, in O(n log n) (a profile of 60,000 rules took a
 * minute compared pair by pair). The error names the earliest line that repeats a rule. */
static int check_duplicates(fl_ctx *ctx, const fl_profile *p)
{
    rule_key *k = fl_calloc(ctx, (size_t)p->nrule, sizeof *k);
    if (!k)
        return FL_ENOMEM;
    for (int i = 0; i < p->nrule; i++)
        k[i] = (rule_key){rule_hash(&p->rules[i]), &p->rules[i]};
    qsort(k, (size_t)p->nrule, sizeof *k, by_hash_line);
    const rule *dup = NULL, *first = NULL;
    for (int i = 0; i < p->nrule; i++)
        for (int j = i - 1; j >= 0 && k[j].hash == k[i].hash; j--)
            if (same_rule(k[j].r, k[i].r)) {
                if (!dup || k[i].r->line < dup->line) {
                    dup = k[i].r;
                    first = k[j].r;
                }
                break;
            }
    free(k);
    if (dup)
        return fl_error(ctx, FL_EPROFILE, "%s:%d: duplicate of the rule on line %d", p->path,
                        dup->line, first->line);
    return FL_OK;
}

static int finish(fl_ctx *ctx, fl_profile *p)
{
    if (!p->has_default)
        return fl_error(ctx, FL_EPROFILE, "%s: no 'default' status (the territory covered by "
                        "no polygon, e.g. 'default free side=UA colour=#F4F1E8')", p->path);
    if (p->nstatus < 2)
        return fl_error(ctx, FL_EPROFILE, "%s: no 'status' besides the default", p->path);
    if (p->nrule == 0)
        return fl_error(ctx, FL_EPROFILE, "%s: no 'rule'", p->path);
    for (int i = 0; i < p->nrule; i++)
        if (p->rules[i].action == p->nstatus - 1)
            return fl_error(ctx, FL_EPROFILE, "%s:%d: a rule cannot map to the default status "
                            "'%s'", p->path, p->rules[i].line, p->status[p->nstatus - 1].name);
    int rc = check_duplicates(ctx, p);
    if (rc)
        return rc;
    p->front = p->front_name ? find_status(p, p->front_name) : 0;
    if (p->front < 0 || p->front == p->nstatus - 1)
        return fl_error(ctx, FL_EPROFILE, "%s: 'front %s' names no drawn status", p->path,
                        p->front_name);
    return FL_OK;
}

/* One line without its end (LF, CRLF or a lone CR) into *line; its length (a NUL counts, so
 * that strlen tells), -1 at the end of the file, -2 out of memory. */
static long next_line(FILE *f, char **line, size_t *cap)
{
    size_t len = 0;
    int c = fgetc(f);
    if (c == EOF)
        return -1;
    for (; c != EOF && c != '\n' && c != '\r'; c = fgetc(f)) {
        if (len + 2 > *cap) {
            size_t ncap = *cap ? 2 * *cap : 256;
            char *b = realloc(*line, ncap);
            if (!b)
                return -2;
            *line = b;
            *cap = ncap;
        }
        (*line)[len++] = (char)c;
    }
    if (c == '\r' && (c = fgetc(f)) != '\n' && c != EOF)
        ungetc(c, f);
    if (!*line && !(*line = malloc(*cap = 256)))
        return -2;
    (*line)[len] = '\0';
    return (long)len;
}

int fl_profile_open(fl_ctx *ctx, const char *path, fl_profile **out)
{
    if (!path || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : "out");
    *out = NULL;
    FILE *f;
    int orc = fl_input_open(ctx, path, "profile", &f);
    if (orc)
        return orc;
    fl_profile *p = fl_calloc(ctx, 1, sizeof *p);
    int rc = p ? FL_OK : FL_ENOMEM;
    if (p && !(p->path = strdup(path)))
        rc = fl_error(ctx, FL_ENOMEM, "out of memory");
    char *line = NULL;
    size_t cap = 0;
    long len;
    for (int lineno = 1; !rc && (len = next_line(f, &line, &cap)) >= 0; lineno++) {
        bool bom = lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3);
        if ((long)strlen(line) != len)
            rc = fl_error(ctx, FL_EPROFILE, "%s:%d: NUL byte in line", path, lineno);
        else
            rc = parse_line(ctx, p, line + (bom ? 3 : 0), lineno);
    }
    if (!rc && len == -2)
        rc = fl_error(ctx, FL_ENOMEM, "out of memory");
    free(line);
    if (!rc && ferror(f))
        rc = fl_error(ctx, FL_EIO, "%s: read error", path);
    fclose(f);
    if (!rc)
        rc = finish(ctx, p);
    if (rc) {
        fl_profile_close(p);
        return rc;
    }
    *out = p;
    return FL_OK;
}

int fl_profile_of_statuses(fl_ctx *ctx, const char *label, const char *const *lines, int n,
                           fl_profile **out)
{
    *out = NULL;
    fl_profile *p = fl_calloc(ctx, 1, sizeof *p);
    if (!p || !(p->path = fl_strdup(ctx, label))) {
        free(p);
        return FL_ENOMEM;
    }
    int rc = FL_OK;
    for (int i = 0; i < n && !rc; i++) {
        char *line = fl_strdup(ctx, lines[i]); /* parse_line cuts it into words in place */
        rc = line ? parse_line(ctx, p, line, i + 1) : FL_ENOMEM;
        free(line);
    }
    if (!rc && (!p->has_default || p->nstatus < 2))
        rc = fl_error(ctx, FL_EPROFILE, "%s: a status and a default are needed", label);
    if (rc) {
        fl_profile_close(p);
        return rc;
    }
    *out = p; /* front: the first status (p->front is 0) */
    return FL_OK;
}

int fl_profile_status_count(const fl_profile *p) { return p->nstatus; }

const char *fl_profile_status_name(const fl_profile *p, int i)
{
    if (i == FL_STATUS_NONE)
        return "none";
    if (i == FL_STATUS_WATER)
        return "water";
    if (i < 0 || i >= p->nstatus)
        return "invalid";
    return p->status[i].name;
}

const char *fl_profile_status_side(const fl_profile *p, int i)
{
    return i >= 0 && i < p->nstatus ? p->status[i].side : "";
}

const char *fl_profile_status_colour(const fl_profile *p, int i)
{
    return i >= 0 && i < p->nstatus ? p->status[i].colour : "#FFFFFF";
}

int fl_profile_status_index(const fl_profile *p, const char *name)
{
    if (!strcmp(name, "none"))
        return FL_STATUS_NONE;
    if (!strcmp(name, "invalid"))
        return FL_STATUS_INVALID;
    if (!strcmp(name, "water"))
        return FL_STATUS_WATER;
    return find_status(p, name);
}

int fl_profile_front_status(const fl_profile *p) { return p->front; }
const char *fl_profile_wrapped(const fl_profile *p) { return p->wrapped; }
const char *fl_profile_time_property(const fl_profile *p) { return p->time_property; }

/* The fill colour of a feature as "RRGGBB" (upper case): DeepState's styleUrl
 * "#poly-RRGGBB-..." first, then a "fill" property "#RRGGBB"; "" when neither. */
static void feature_fill(json_object *props, char fill[7])
{
    fill[0] = '\0';
    json_object *v;
    const char *s = NULL;
    if (json_object_object_get_ex(props, "styleUrl", &v) && json_object_is_type(v, json_type_string) &&
        !strncmp(json_object_get_string(v), "#poly-", 6))
        s = json_object_get_string(v) + 6;
    else if (json_object_object_get_ex(props, "fill", &v) && json_object_is_type(v, json_type_string))
        s = json_object_get_string(v) + (json_object_get_string(v)[0] == '#');
    for (int i = 0; s && i < 6; i++)
        if (!isxdigit((unsigned char)s[i]))
            return;
    if (!s)
        return;
    for (int i = 0; i < 6; i++)
        fill[i] = (char)toupper((unsigned char)s[i]);
    fill[6] = '\0';
}

/* The pseudo-field called field of a feature's origin, "" when there is none. */
static const char *pseudo_field(const fl_origin *o, const char *field)
{
    const char *v = !strcmp(field, "file")     ? o->file
                    : !strcmp(field, "folder") ? o->folder
                    : !strcmp(field, "layer")  ? o->layer
                                               : NULL;
    return v ? v : "";
}

/* 1 when rule r matches, 0 when not, -1 when out of memory (a value as text, regexec). */
static int rule_matches(const rule *r, json_object *props, const char *fill,
                        const fl_origin *origin)
{
    if (r->empty && json_object_object_length(props) > 0)
        return 0;
    for (int i = 0; i < r->ncond; i++) {
        const cond *c = &r->conds[i];
        const char *value = "";
        json_object *v = NULL;
        if (!strcmp(c->field, "fill"))
            value = fill;
        else if (json_object_object_get_ex(props, c->field, &v) && v)
            value = json_object_get_string(v);
        else if (origin)
            value = pseudo_field(origin, c->field);
        /* the whole value, NULs included: json-c knows a string's length */
        regmatch_t whole = {0, value ? (regoff_t)strlen(value) : 0};
        if (value && v && value != fill && json_object_is_type(v, json_type_string))
            whole.rm_eo = (regoff_t)json_object_get_string_len(v);
        int rc = value ? regexec(&c->re, value, 1, &whole, REG_STARTEND) : REG_ESPACE;
        if (rc != 0)
            return rc == REG_NOMATCH ? 0 : -1;
    }
    return 1;
}

int fl_profile_classify(const fl_profile *p, json_object *props, const fl_origin *origin,
                        int *cls)
{
    char fill[7];
    feature_fill(props, fill);
    *cls = FL_CLASS_UNCLASSIFIED;
    for (int i = 0; i < p->nrule; i++) {
        int m = rule_matches(&p->rules[i], props, fill, origin);
        if (m < 0)
            return FL_ENOMEM;
        if (m) {
            *cls = p->rules[i].action;
            break;
        }
    }
    return FL_OK;
}
