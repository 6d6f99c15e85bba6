/* kml_read.c — KML (Google Earth, Google My Maps exports) to features, with libxml2.
 *
 * Every Placemark is one feature. Its classifiable fields are its "name", its "folder" (the
 * names of the Folders holding it, outermost first, joined by "/"), each ExtendedData field
 * (Data/value and SchemaData/SimpleData, by their name attribute), its "styleUrl" and the
 * fill colour that style gives, "fill" = "#RRGGBB": the colour in a Google My Maps style id
 * ("#poly-RRGGBB-..."), else the PolyStyle colour of the Style the styleUrl names, through a
 * StyleMap's "normal" pair (KML writes colours aabbggrr). Geometry: Polygon (outer and inner
 * boundaries), MultiGeometry (nested), Point, LineString and LinearRing (no polygon: counted as
 * such); altitudes are read past and dropped. A Placemark without geometry has none.
 *
 * The parse is safe on hostile input: no network (XML_PARSE_NONET), entities are never
 * substituted (no XML_PARSE_NOENT), libxml2's default size limits stay (no XML_PARSE_HUGE),
 * and a document with a DTD is refused outright (KML has none; a DTD is how entity bombs and
 * external entities come in). The root must be <kml> in a KML namespace (or none). */
#include "internal.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct kml {
    fl_ctx *ctx;
    const char *path;
    size_t placemark;  /* index of the Placemark being read */
    int64_t vertices;
    xmlNode **style;   /* every Style and StyleMap with an id */
    size_t nstyle;
    int max_depth;     /* Folders and MultiGeometries nested at most this deep */
} kml;

static int bad(kml *k, int code, const char *why)
{
    return fl_error(k->ctx, code, "%s: Placemark %zu: %s", k->path, k->placemark, why);
}

static bool named(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name))
            return c;
    return NULL;
}

/* The text of element n (its text and CDATA children; entities are never expanded), trimmed;
 * caller frees. NULL when out of memory. */
static char *text_of(const xmlNode *n)
{
    size_t len = 0;
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            len += strlen((const char *)c->content);
    char *s = malloc(len + 1), *w = s;
    for (const xmlNode *c = n ? n->children : NULL; s && c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            w = stpcpy(w, (const char *)c->content);
    if (!s)
        return NULL;
    *w = '\0';
    while (w > s && isspace((unsigned char)w[-1]))
        *--w = '\0';
    size_t lead = strspn(s, " \t\r\n");
    memmove(s, s + lead, strlen(s + lead) + 1);
    return s;
}

/* Collects every Style and StyleMap that has an id. */
static int collect_styles(kml *k, xmlNode *n, size_t *cap)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if ((named(c, "Style") || named(c, "StyleMap")) && xmlHasProp(c, BAD_CAST "id")) {
            if (k->nstyle == *cap) {
                *cap = *cap ? 2 * *cap : 64;
                xmlNode **v = fl_realloc(k->ctx, k->style, *cap, sizeof *v);
                if (!v)
                    return FL_ENOMEM;
                k->style = v;
            }
            k->style[k->nstyle++] = c;
        } else if (named(c, "Document") || named(c, "Folder")) {
            int rc = collect_styles(k, c, cap);
            if (rc)
                return rc;
        }
    }
    return FL_OK;
}

static xmlNode *find_style(const kml *k, const char *url)
{
    if (!url || url[0] != '#')
        return NULL;
    for (size_t i = 0; i < k->nstyle; i++) {
        xmlChar *id = xmlGetProp(k->style[i], BAD_CAST "id");
        bool same = id && !strcmp((const char *)id, url + 1);
        xmlFree(id);
        if (same)
            return k->style[i];
    }
    return NULL;
}

/* The fill "RRGGBB" of a style element (a Style's PolyStyle colour aabbggrr, or a StyleMap's
 * normal style), into fill; false when it gives none. depth bounds StyleMap chains. */
static bool style_fill(const kml *k, const xmlNode *style, char fill[7], int depth)
{
    if (!style || depth > 4)
        return false;
    if (named(style, "StyleMap")) {
        for (xmlNode *p = style->children; p; p = p->next) {
            char *key = named(p, "Pair") ? text_of(child(p, "key")) : NULL;
            char *url = key && !strcmp(key, "normal") ? text_of(child(p, "styleUrl")) : NULL;
            xmlNode *inner = url ? find_style(k, url) : child(p, "Style");
            bool ok = key && !strcmp(key, "normal") && style_fill(k, inner, fill, depth + 1);
            free(key);
            free(url);
            if (ok)
                return true;
        }
        return false;
    }
    char *c = text_of(child(child(style, "PolyStyle"), "color"));
    bool ok = c && strlen(c) == 8 && strspn(c, "0123456789abcdefABCDEF") == 8;
    if (ok)
        snprintf(fill, 7, "%.2s%.2s%.2s", c + 6, c + 4, c + 2);
    free(c);
    return ok;
}

/* Sets "fill" from the styleUrl (a My Maps "#poly-RRGGBB-..." or a Style's colour) or an
 * inline Style. */
static int add_fill(kml *k, const xmlNode *pm, const char *url, json_object *props)
{
    char fill[7] = "";
    if (url && !strncmp(url, "#poly-", 6) && strspn(url + 6, "0123456789abcdefABCDEF") >= 6)
        snprintf(fill, sizeof fill, "%.6s", url + 6);
    else if (!style_fill(k, find_style(k, url), fill, 0))
        style_fill(k, child(pm, "Style"), fill, 0);
    if (!fill[0])
        return FL_OK;
    char hex[8] = "#";
    for (int i = 0; i < 6; i++)
        hex[i + 1] = (char)toupper((unsigned char)fill[i]);
    return fl_json_object_add(props, "fill", json_object_new_string(hex));
}

/* Adds the text of element n (may be NULL: nothing) as property key. */
static int add_text(json_object *props, const char *key, const xmlNode *n)
{
    if (!n)
        return FL_OK;
    char *t = text_of(n);
    if (!t)
        return FL_ENOMEM;
    int rc = fl_json_object_add(props, key, json_object_new_string(t));
    free(t);
    return rc;
}

/* ExtendedData: Data name="K"/value and SchemaData/SimpleData name="K". */
static int add_extended(json_object *props, const xmlNode *ext)
{
    int rc = FL_OK;
    for (xmlNode *c = ext ? ext->children : NULL; c && !rc; c = c->next) {
        const xmlNode *values = named(c, "SchemaData") ? c : NULL;
        for (xmlNode *d = values ? values->children : c; d && !rc; d = values ? d->next : NULL) {
            xmlChar *name = named(d, "Data") || named(d, "SimpleData")
                                ? xmlGetProp(d, BAD_CAST "name") : NULL;
            if (name)
                rc = add_text(props, (const char *)name, named(d, "Data") ? child(d, "value") : d);
            xmlFree(name);
        }
    }
    return rc;
}

/* The placemark's properties: name, folder, styleUrl, fill, ExtendedData. */
static json_object *placemark_props(kml *k, const xmlNode *pm, const char *folder)
{
    json_object *props = json_object_new_object();
    char *url = text_of(child(pm, "styleUrl"));
    int rc = props && url ? FL_OK : FL_ENOMEM;
    if (!rc)
        rc = add_text(props, "name", child(pm, "name"));
    if (!rc)
        rc = fl_json_object_add(props, "folder", json_object_new_string(folder));
    if (!rc && url[0])
        rc = fl_json_object_add(props, "styleUrl", json_object_new_string(url));
    if (!rc)
        rc = add_fill(k, pm, url[0] ? url : NULL, props);
    if (!rc)
        rc = add_extended(props, child(pm, "ExtendedData"));
    free(url);
    if (rc) {
        json_object_put(props);
        return NULL;
    }
    return props;
}

/* The lon,lat[,alt] tuples of a <coordinates> element as a sequence; ring: closed, at least 4
 * positions. NULL with the error recorded. */
static GEOSCoordSequence *coordinates(kml *k, const xmlNode *n, bool ring)
{
    char *t = text_of(child(n, "coordinates"));
    if (!t) {
        fl_error(k->ctx, FL_ENOMEM, "out of memory");
        return NULL;
    }
    size_t cap = 0, count = 0;
    double *xy = NULL;
    const char *why = NULL;
    for (char *s = t + strspn(t, " \t\r\n"); *s && !why; s += strspn(s, " \t\r\n")) {
        char *end;
        double v[3] = {0};
        int dims = 0; /* index of the last number read */
        for (; dims < 3; dims++) {
            v[dims] = strtod(s, &end);
            if (end == s)
                break;
            s = end;
            if (*s != ',')
                break;
            s++;
        }
        if (dims < 1 || (*s && !isspace((unsigned char)*s)))
            why = "a coordinate tuple is not lon,lat[,altitude]";
        else if (!(fabs(v[0]) <= 180 && fabs(v[1]) <= 90))
            why = "a position is outside longitude ±180, latitude ±90";
        else if (++k->vertices > k->ctx->limits[FL_LIMIT_VERTICES])
            why = "more vertices than the vertex limit";
        else if (count == cap) {
            cap = cap ? 2 * cap : 64;
            double *grown = fl_realloc(k->ctx, xy, cap, 2 * sizeof *xy);
            if (!grown)
                why = "out of memory";
            xy = grown ? grown : xy;
        }
        if (!why) {
            xy[2 * count] = v[0];
            xy[2 * count++ + 1] = v[1];
        }
    }
    free(t);
    if (!why && count < (ring ? 4u : 1u))
        why = ring ? "a ring has fewer than 4 positions" : "no coordinates";
    else if (!why && ring && (xy[0] != xy[2 * count - 2] || xy[1] != xy[2 * count - 1]))
        why = "a ring is not closed (its last position differs from its first)";
    GEOSCoordSequence *cs = why ? NULL : GEOSCoordSeq_copyFromBuffer_r(k->ctx->geos, xy,
                                                                        (unsigned)count, 0, 0);
    free(xy);
    if (why)
        bad(k, !strcmp(why, "out of memory") ? FL_ENOMEM
               : !strncmp(why, "more vertices", 13) ? FL_ELIMIT : FL_EGEOM, why);
    else if (!cs)
        fl_geos_error(k->ctx, "coordinate sequence");
    return cs;
}

static GEOSGeometry *linear_ring(kml *k, const xmlNode *lr)
{
    GEOSCoordSequence *cs = lr ? coordinates(k, lr, true) : NULL;
    GEOSGeometry *g = cs ? GEOSGeom_createLinearRing_r(k->ctx->geos, cs) : NULL;
    if (!lr)
        bad(k, FL_EFORMAT, "a boundary without a LinearRing");
    else if (cs && !g)
        fl_geos_error(k->ctx, "building a ring");
    return g;
}

/* Polygon: outerBoundaryIs/LinearRing, then each LinearRing of every innerBoundaryIs. */
static GEOSGeometry *polygon(kml *k, const xmlNode *p)
{
    fl_ctx *ctx = k->ctx;
    size_t nholes = 0, made = 0;
    for (xmlNode *c = p->children; c; c = c->next)
        for (xmlNode *r = named(c, "innerBoundaryIs") ? c->children : NULL; r; r = r->next)
            nholes += named(r, "LinearRing");
    GEOSGeometry *shell = linear_ring(k, child(child(p, "outerBoundaryIs"), "LinearRing"));
    GEOSGeometry **holes = shell ? fl_calloc(ctx, nholes + 1, sizeof *holes) : NULL;
    bool ok = holes != NULL;
    for (xmlNode *c = p->children; ok && c; c = c->next)
        for (xmlNode *r = named(c, "innerBoundaryIs") ? c->children : NULL; ok && r; r = r->next)
            if (named(r, "LinearRing"))
                ok = (holes[made++] = linear_ring(k, r)) != NULL;
    GEOSGeometry *g = NULL;
    if (ok && !(g = GEOSGeom_createPolygon_r(ctx->geos, shell, holes, (unsigned)nholes)))
        fl_geos_error(ctx, "building a polygon"); /* GEOS took the rings, even so */
    for (size_t i = 0; !ok && i < made; i++)
        if (holes[i])
            GEOSGeom_destroy_r(ctx->geos, holes[i]);
    if (!ok && shell)
        GEOSGeom_destroy_r(ctx->geos, shell);
    free(holes);
    return g;
}

static bool is_geometry(const xmlNode *n)
{
    static const char *const names[] = {"Polygon", "MultiGeometry", "Point", "LineString",
                                        "LinearRing"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (named(n, names[i]))
            return true;
    return false;
}

static GEOSGeometry *geometry(kml *k, const xmlNode *g, int depth);

/* MultiGeometry: a collection of its geometries (nested ones too). */
static GEOSGeometry *multi(kml *k, const xmlNode *m, int depth)
{
    size_t n = 0, made = 0;
    for (xmlNode *c = m->children; c; c = c->next)
        n += is_geometry(c);
    GEOSGeometry **parts = fl_calloc(k->ctx, n + 1, sizeof *parts);
    for (xmlNode *c = m->children; parts && c; c = c->next)
        if (is_geometry(c) && !(parts[made++] = geometry(k, c, depth + 1)))
            break;
    GEOSGeometry *g = NULL;
    if (parts && made == n && (!n || parts[n - 1]))
        g = n ? fl_collect(k->ctx, parts, n) : fl_empty_polygon(k->ctx);
    else
        for (size_t i = 0; parts && i < made; i++)
            if (parts[i])
                GEOSGeom_destroy_r(k->ctx->geos, parts[i]);
    free(parts);
    return g;
}

static GEOSGeometry *geometry(kml *k, const xmlNode *g, int depth)
{
    if (depth > k->max_depth) {
        bad(k, FL_ELIMIT, "MultiGeometry nested deeper than the nesting limit");
        return NULL;
    }
    if (named(g, "Polygon"))
        return polygon(k, g);
    if (named(g, "MultiGeometry"))
        return multi(k, g, depth);
    GEOSCoordSequence *cs = coordinates(k, g, false);
    if (!cs)
        return NULL;
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(k->ctx->geos, cs, &n);
    bool point = named(g, "Point") || n < 2;
    char what[512];
    if (point && n != 1) { /* GEOS' own refusal would not name the file */
        GEOSCoordSeq_destroy_r(k->ctx->geos, cs);
        snprintf(what, sizeof what, "a Point has %u positions, not one", n);
        bad(k, FL_EGEOM, what);
        return NULL;
    }
    GEOSGeometry *out = point ? GEOSGeom_createPoint_r(k->ctx->geos, cs)
                              : GEOSGeom_createLineString_r(k->ctx->geos, cs);
    if (!out) {
        snprintf(what, sizeof what, "%s: Placemark %zu: building a point or line", k->path,
                 k->placemark);
        fl_geos_error(k->ctx, what);
    }
    return out;
}

static int placemark(kml *k, const xmlNode *pm, const char *folder, fl_features *fs)
{
    if ((int64_t)fs->n >= k->ctx->limits[FL_LIMIT_FEATURES])
        return fl_error(k->ctx, FL_ELIMIT, "%s: more Placemarks than the feature limit of %lld",
                        k->path, (long long)k->ctx->limits[FL_LIMIT_FEATURES]);
    k->placemark = fs->n;
    const xmlNode *g = NULL;
    for (xmlNode *c = pm->children; c && !g; c = c->next)
        g = is_geometry(c) ? c : NULL;
    GEOSGeometry *geom = g ? geometry(k, g, 0) : NULL;
    if (g && !geom)
        return k->ctx->err ? k->ctx->err : FL_ENOMEM;
    json_object *props = placemark_props(k, pm, folder);
    return fl_features_push(k->ctx, fs, props, geom);
}

/* The Placemarks of a Document or Folder; folder is the path of Folder names so far. */
static int container(kml *k, const xmlNode *n, const char *folder, int depth, fl_features *fs)
{
    if (depth > k->max_depth)
        return fl_error(k->ctx, FL_ELIMIT, "%s: Folders nested deeper than the nesting limit",
                        k->path);
    int rc = FL_OK;
    for (xmlNode *c = n->children; c && !rc; c = c->next) {
        if (named(c, "Placemark")) {
            rc = placemark(k, c, folder, fs);
        } else if (named(c, "Document")) {
            rc = container(k, c, folder, depth + 1, fs);
        } else if (named(c, "Folder")) {
            char *name = text_of(child(c, "name"));
            char *path = name ? malloc(strlen(folder) + strlen(name) + 2) : NULL;
            if (path)
                sprintf(path, "%s%s%s", folder, *folder ? "/" : "", name);
            rc = path ? container(k, c, path, depth + 1, fs) : fl_error(k->ctx, FL_ENOMEM,
                                                                        "out of memory");
            free(name);
            free(path);
        }
    }
    return rc;
}

/* The root: <kml> in a KML namespace (2.0, 2.1, 2.2) or in none, and no DTD. */
static int check_root(fl_ctx *ctx, const char *path, xmlDoc *doc, xmlNode *root)
{
    if (doc->intSubset || doc->extSubset)
        return fl_error(ctx, FL_EFORMAT, "%s: a DTD (<!DOCTYPE>) is not allowed in KML: it is "
                        "how entity expansion and external entities come in", path);
    if (!root || !named(root, "kml"))
        return fl_error(ctx, FL_EFORMAT, "%s: not KML (the root element is <%s>, not <kml>)",
                        path, root ? (const char *)root->name : "");
    const char *ns = root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
    if (ns && strcmp(ns, "http://www.opengis.net/kml/2.2") &&
        strncmp(ns, "http://earth.google.com/kml/", 28))
        return fl_error(ctx, FL_EFORMAT, "%s: <kml> is in the namespace '%.200s', not KML's "
                        "(http://www.opengis.net/kml/2.2)", path, ns);
    return FL_OK;
}

int fl_kml_parse(fl_ctx *ctx, const char *path, const char *text, size_t len,
                 fl_features *fs)
{
    fs->kind = "kml";
    if (len > (size_t)ctx->limits[FL_LIMIT_FILE_BYTES] || len > INT32_MAX)
        return fl_error(ctx, FL_ELIMIT, "%s: %zu bytes of KML exceed the file size limit of "
                        "%lld", path, len, (long long)ctx->limits[FL_LIMIT_FILE_BYTES]);
    xmlInitParser(); /* once per process; libxml2 guards it with its own lock */
    xmlParserCtxt *pc = xmlNewParserCtxt();
    if (!pc)
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    xmlDoc *doc = xmlCtxtReadMemory(pc, text, (int)len, path, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int rc = FL_OK;
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pc);
        const char *why = e && e->message ? e->message : "unreadable";
        rc = fl_error(ctx, e && e->code == XML_ERR_ENTITY_LOOP ? FL_ELIMIT : FL_EPARSE,
                      "%s:%d: invalid XML: %.*s", path, e ? e->line : 0,
                      (int)strcspn(why, "\n"), why);
    }
    xmlFreeParserCtxt(pc);
    if (rc)
        return rc;
    xmlNode *root = xmlDocGetRootElement(doc);
    kml k = {.ctx = ctx, .path = path, .max_depth = (int)ctx->limits[FL_LIMIT_NESTING]};
    size_t cap = 0;
    if (!(rc = check_root(ctx, path, doc, root)) && !(rc = collect_styles(&k, root, &cap)))
        rc = container(&k, root, "", 0, fs);
    free(k.style);
    xmlFreeDoc(doc);
    return rc;
}

int fl_kml_read(fl_ctx *ctx, const char *path, fl_features *fs)
{
    char *text = NULL;
    size_t len = 0;
    int rc = fl_file_read(ctx, path, &text, &len);
    if (!rc)
        rc = fl_kml_parse(ctx, path, text, len, fs);
    free(text);
    return rc;
}
