/*
 * evaluate.c - score a predicted clustering against gold labels.
 *
 * Reads two JSON Lines files (one object per line, each with an "id" and a
 * cluster label) and prints pairwise precision / recall / F1 and the
 * Adjusted Rand Index (Hubert & Arabie) of PRED against GOLD.
 *
 * Build and run:
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 \
 *      bench/evaluate.c $(pkg-config --cflags --libs jansson) -lm -o evaluate
 *   ./evaluate [--gold-field NAME] [--pred-field NAME] [--json] \
 *              GOLD.jsonl PRED.jsonl
 *
 * Rules:
 *   - Ids and labels may be strings or integers; integers are compared by
 *     their decimal text, so 7 and "7" are the same id / label.
 *   - A null or missing label makes the article a singleton cluster.
 *   - Only GOLD ids are scored. A GOLD id absent from PRED is scored as a
 *     predicted singleton; PRED ids not in GOLD are ignored. For duplicate
 *     ids the first line wins. These counts are reported on stderr.
 *   - Blank lines are skipped. A malformed line is reported as FILE:LINE:
 *     reason, the rest is still scored, and the exit status becomes 1.
 *   - Exit status 2: usage error, unreadable file, or out of memory.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline(), strdup() */
#endif

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNSET SIZE_MAX /* "no predicted cluster yet" */

/* ------------------------------------------------------------------ */
/* Allocation: this is a batch tool, so running out of memory is fatal. */

static void *xrealloc(void *p, size_t n)
{
    /* realloc(p, 0) may legally return NULL; never ask for 0 bytes. */
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("evaluate: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        fputs("evaluate: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* ------------------------------------------------------------------ */
/* Open-addressing (linear probing) map from owned strings to size_t.  */

typedef struct {
    char **keys;       /* NULL marks an empty slot */
    uint64_t *hashes;  /* cached so growing needs no rehash of the text */
    size_t *vals;
    size_t cap;        /* always a power of two */
    size_t len;
} StrMap;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void strmap_init(StrMap *m)
{
    m->cap = 64;
    m->len = 0;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->hashes = xcalloc(m->cap, sizeof *m->hashes);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
}

static void strmap_free(StrMap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->hashes);
    free(m->vals);
}

/* Slot holding key, or the empty slot where it would be inserted. */
static size_t strmap_slot(const StrMap *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)h & mask;
    while (m->keys[i] &&
           (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
        i = (i + 1) & mask;
    return i;
}

static void strmap_grow(StrMap *m)
{
    StrMap old = *m;
    m->cap *= 2;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->hashes = xcalloc(m->cap, sizeof *m->hashes);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = strmap_slot(m, old.keys[i], old.hashes[i]);
        m->keys[j] = old.keys[i]; /* ownership moves to the new table */
        m->hashes[j] = old.hashes[i];
        m->vals[j] = old.vals[i];
    }
    free(old.keys);
    free(old.hashes);
    free(old.vals);
}

static bool strmap_get(const StrMap *m, const char *key, size_t *val)
{
    size_t i = strmap_slot(m, key, fnv1a(key));
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

/* Value stored for key; if absent, stores new_val first and sets *added. */
static size_t strmap_get_or_add(StrMap *m, const char *key, size_t new_val,
                                bool *added)
{
    /* Keep the load factor <= 1/2 so probe chains stay short. */
    if (2 * (m->len + 1) > m->cap)
        strmap_grow(m);
    uint64_t h = fnv1a(key);
    size_t i = strmap_slot(m, key, h);
    *added = m->keys[i] == NULL;
    if (*added) {
        m->keys[i] = xstrdup(key);
        m->hashes[i] = h;
        m->vals[i] = new_val;
        m->len++;
    }
    return m->vals[i];
}

/* ------------------------------------------------------------------ */
/* Evaluation state.                                                   */

typedef struct {
    StrMap ids;          /* gold id -> article index */
    StrMap gold_labels;  /* gold label -> gold cluster index */
    StrMap pred_labels;  /* pred label -> pred cluster index */
    StrMap extra_ids;    /* pred ids not in gold, to count each once */
    size_t *gold_of;     /* article index -> gold cluster index */
    size_t *pred_of;     /* article index -> pred cluster index or UNSET */
    size_t n, cap;
    size_t gold_clusters, pred_clusters;
    size_t dup_gold, dup_pred, extra, missing;
    bool malformed;
} Eval;

static void eval_init(Eval *e)
{
    memset(e, 0, sizeof *e);
    strmap_init(&e->ids);
    strmap_init(&e->gold_labels);
    strmap_init(&e->pred_labels);
    strmap_init(&e->extra_ids);
}

static void eval_free(Eval *e)
{
    strmap_free(&e->ids);
    strmap_free(&e->gold_labels);
    strmap_free(&e->pred_labels);
    strmap_free(&e->extra_ids);
    free(e->gold_of);
    free(e->pred_of);
}

/* ------------------------------------------------------------------ */
/* Parsing one line.                                                   */

typedef struct {
    json_t *root;
    const char *id;     /* points into root or id_buf */
    const char *label;  /* NULL means singleton */
    char id_buf[32];    /* decimal text of an integer id */
    char label_buf[32]; /* decimal text of an integer label */
} Record;

/* Text of a string or integer value (integers written into buf), else NULL. */
static const char *key_text(const json_t *v, char buf[32])
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    return NULL;
}

/* reason is a printf format with at most one %s, filled by arg. */
static void line_error(Eval *e, const char *path, size_t lineno,
                       const char *reason, const char *arg)
{
    fprintf(stderr, "%s:%zu: ", path, lineno);
    fprintf(stderr, reason, arg);
    fputc('\n', stderr);
    e->malformed = true;
}

/* Fills rec from one line; on failure reports the line and returns false.
 * On success the caller must json_decref(rec->root). */
static bool parse_record(Eval *e, const char *path, size_t lineno,
                         const char *line, size_t len, const char *field,
                         Record *rec)
{
    json_error_t err;
    rec->root = json_loadb(line, len, 0, &err);
    if (!rec->root) {
        line_error(e, path, lineno, "invalid JSON: %s", err.text);
        return false;
    }
    const char *why = NULL;
    json_t *id = json_object_get(rec->root, "id");
    json_t *label = json_object_get(rec->root, field);
    if (!json_is_object(rec->root)) {
        why = "not a JSON object";
    } else if (!id) {
        why = "missing \"id\"";
    } else if (!(rec->id = key_text(id, rec->id_buf))) {
        why = "\"id\" must be a string or integer";
    } else if (!label || json_is_null(label)) {
        rec->label = NULL;
    } else if (!(rec->label = key_text(label, rec->label_buf))) {
        why = "\"%s\" must be a string, integer or null";
    }
    if (why) {
        line_error(e, path, lineno, why, field);
        json_decref(rec->root);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Feeding records into the state.                                     */

static void add_gold(Eval *e, const Record *rec)
{
    bool added;
    strmap_get_or_add(&e->ids, rec->id, e->n, &added);
    if (!added) {
        e->dup_gold++;
        return;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 1024;
        e->gold_of = xrealloc(e->gold_of, e->cap * sizeof *e->gold_of);
        e->pred_of = xrealloc(e->pred_of, e->cap * sizeof *e->pred_of);
    }
    size_t cluster = e->gold_clusters;
    if (rec->label)
        cluster = strmap_get_or_add(&e->gold_labels, rec->label, cluster,
                                    &added);
    if (!rec->label || added) /* a new cluster: singleton or first label */
        e->gold_clusters++;
    e->gold_of[e->n] = cluster;
    e->pred_of[e->n] = UNSET;
    e->n++;
}

static void add_pred(Eval *e, const Record *rec)
{
    bool added;
    size_t idx;
    if (!strmap_get(&e->ids, rec->id, &idx)) {
        /* Not scored, but remember it so repeats count as duplicates. */
        strmap_get_or_add(&e->extra_ids, rec->id, 0, &added);
        if (added)
            e->extra++;
        else
            e->dup_pred++;
        return;
    }
    if (e->pred_of[idx] != UNSET) {
        e->dup_pred++;
        return;
    }
    size_t cluster = e->pred_clusters;
    if (rec->label)
        cluster = strmap_get_or_add(&e->pred_labels, rec->label, cluster,
                                    &added);
    if (!rec->label || added)
        e->pred_clusters++;
    e->pred_of[idx] = cluster;
}

/* Gold ids never seen in PRED become predicted singletons. */
static void fill_missing(Eval *e)
{
    for (size_t i = 0; i < e->n; i++) {
        if (e->pred_of[i] == UNSET) {
            e->pred_of[i] = e->pred_clusters++;
            e->missing++;
        }
    }
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", s[i]) || s[i] == '\0')
            return false;
    return true;
}

/* Reads every line of f; returns false on an I/O error. */
static bool read_file(Eval *e, FILE *f, const char *path, const char *field,
                      void (*add)(Eval *, const Record *))
{
    char *line = NULL;
    size_t size = 0;
    size_t lineno = 0;
    ssize_t len;
    errno = 0;
    while ((len = getline(&line, &size, f)) != -1) {
        lineno++;
        if (is_blank(line, (size_t)len))
            continue;
        Record rec;
        if (parse_record(e, path, lineno, line, (size_t)len, field, &rec)) {
            add(e, &rec);
            json_decref(rec.root);
        }
    }
    bool ok = !ferror(f);
    if (!ok)
        fprintf(stderr, "evaluate: error reading %s: %s\n", path,
                strerror(errno));
    free(line);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Metrics.                                                            */

typedef struct {
    size_t articles, gold_clusters, pred_clusters;
    uint64_t gold_pairs, pred_pairs, tp;
    double precision, recall, f1, ari;
} Scores;

static uint64_t pairs(uint64_t k)
{
    return k < 2 ? 0 : k * (k - 1) / 2;
}

/* Sum over clusters of C(size, 2). */
static uint64_t cluster_pairs(const size_t *cluster_of, size_t n,
                              size_t nclusters)
{
    size_t *size = xcalloc(nclusters, sizeof *size);
    for (size_t i = 0; i < n; i++)
        size[cluster_of[i]]++;
    uint64_t sum = 0;
    for (size_t c = 0; c < nclusters; c++)
        sum += pairs(size[c]);
    free(size);
    return sum;
}

typedef struct {
    size_t gold, pred;
} Cell;

static int cell_cmp(const void *a, const void *b)
{
    const Cell *x = a, *y = b;
    if (x->gold != y->gold)
        return x->gold < y->gold ? -1 : 1;
    if (x->pred != y->pred)
        return x->pred < y->pred ? -1 : 1;
    return 0;
}

/* Sum over contingency cells of C(n_ij, 2): sorting the (gold, pred)
 * pairs puts each cell's articles next to each other, O(n log n). */
static uint64_t cell_pairs(const size_t *gold_of, const size_t *pred_of,
                           size_t n)
{
    Cell *cells = xcalloc(n, sizeof *cells);
    for (size_t i = 0; i < n; i++)
        cells[i] = (Cell){gold_of[i], pred_of[i]};
    qsort(cells, n, sizeof *cells, cell_cmp);
    uint64_t sum = 0;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        run++;
        if (i + 1 == n || cell_cmp(&cells[i], &cells[i + 1]) != 0) {
            sum += pairs(run);
            run = 0;
        }
    }
    free(cells);
    return sum;
}

static double adjusted_rand(uint64_t tp, uint64_t gold, uint64_t pred,
                            uint64_t all)
{
    /* The denominator 0.5(g+p) - g*p/N is zero exactly when g == p and
     * both are 0 or N; test that on integers, not on rounded doubles. */
    if (gold == pred && (gold == 0 || gold == all))
        return 1.0;
    double expected = (double)gold * (double)pred / (double)all;
    double maximum = 0.5 * ((double)gold + (double)pred);
    return ((double)tp - expected) / (maximum - expected);
}

static Scores score(const Eval *e)
{
    Scores s = {0};
    s.articles = e->n;
    s.gold_clusters = e->gold_clusters;
    s.pred_clusters = e->pred_clusters;
    s.gold_pairs = cluster_pairs(e->gold_of, e->n, e->gold_clusters);
    s.pred_pairs = cluster_pairs(e->pred_of, e->n, e->pred_clusters);
    s.tp = cell_pairs(e->gold_of, e->pred_of, e->n);
    s.precision = s.pred_pairs ? (double)s.tp / (double)s.pred_pairs : 1.0;
    s.recall = s.gold_pairs ? (double)s.tp / (double)s.gold_pairs : 1.0;
    double pr = s.precision + s.recall;
    s.f1 = pr > 0 ? 2 * s.precision * s.recall / pr : 0.0;
    s.ari = adjusted_rand(s.tp, s.gold_pairs, s.pred_pairs, pairs(e->n));
    return s;
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

static void print_text(const Scores *s)
{
    printf("articles %zu  gold_clusters %zu  pred_clusters %zu  "
           "gold_pairs %" PRIu64 "  pred_pairs %" PRIu64 "  tp %" PRIu64 "\n",
           s->articles, s->gold_clusters, s->pred_clusters, s->gold_pairs,
           s->pred_pairs, s->tp);
    printf("precision %.4f  recall %.4f  f1 %.4f  ari %.4f\n", s->precision,
           s->recall, s->f1, s->ari);
}

static bool print_json(const Scores *s)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f}",
        "articles", (json_int_t)s->articles,
        "gold_clusters", (json_int_t)s->gold_clusters,
        "pred_clusters", (json_int_t)s->pred_clusters,
        "gold_pairs", (json_int_t)s->gold_pairs,
        "pred_pairs", (json_int_t)s->pred_pairs,
        "tp", (json_int_t)s->tp,
        "precision", s->precision, "recall", s->recall,
        "f1", s->f1, "ari", s->ari);
    /* 10 significant digits: plenty for a score, and readable. */
    size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(10);
    char *text = o ? json_dumps(o, flags) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(o);
    return text != NULL;
}

static void print_notes(const Eval *e)
{
    if (e->missing)
        fprintf(stderr, "missing %zu  (gold ids absent from PRED, "
                        "scored as predicted singletons)\n", e->missing);
    if (e->extra)
        fprintf(stderr, "extra %zu  (PRED ids not in GOLD, ignored)\n",
                e->extra);
    if (e->dup_gold)
        fprintf(stderr, "duplicate_gold %zu  (repeated ids in GOLD, "
                        "first kept)\n", e->dup_gold);
    if (e->dup_pred)
        fprintf(stderr, "duplicate_pred %zu  (repeated ids in PRED, "
                        "first kept)\n", e->dup_pred);
}

/* ------------------------------------------------------------------ */
/* Command line.                                                       */

typedef struct {
    const char *gold_field, *pred_field;
    const char *gold_path, *pred_path;
    bool json;
} Options;

static void usage(FILE *out)
{
    fputs("usage: evaluate [--gold-field NAME] [--pred-field NAME] [--json]"
          " GOLD.jsonl PRED.jsonl\n"
          "  Scores PRED clusters against GOLD: pairwise precision, recall,"
          " F1 and ARI.\n"
          "  Both fields default to \"cluster\".\n", out);
}

/* Returns 0 to run, -1 after --help, or 2 on a usage error. */
static int parse_args(int argc, char **argv, Options *o)
{
    *o = (Options){"cluster", "cluster", NULL, NULL, false};
    const char *pos[2];
    int npos = 0;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            if (npos == 2)
                goto bad;
            pos[npos++] = a;
        } else if (!strcmp(a, "--")) {
            options_done = true;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--gold-field") && i + 1 < argc) {
            o->gold_field = argv[++i];
        } else if (!strcmp(a, "--pred-field") && i + 1 < argc) {
            o->pred_field = argv[++i];
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(a, "--gold-field") || !strcmp(a, "--pred-field")) {
            fprintf(stderr, "evaluate: %s needs a value\n", a);
            goto bad;
        } else {
            fprintf(stderr, "evaluate: bad option: %s\n", a);
            goto bad;
        }
    }
    if (npos != 2)
        goto bad;
    o->gold_path = pos[0];
    o->pred_path = pos[1];
    return 0;
bad:
    usage(stderr);
    return 2;
}

static FILE *open_input(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "evaluate: cannot open %s: %s\n", path,
                strerror(errno));
    return f;
}

int main(int argc, char **argv)
{
    Options opt;
    int rc = parse_args(argc, argv, &opt);
    if (rc)
        return rc < 0 ? 0 : rc;

    /* Open both before reading either, so a bad PRED path fails fast. */
    FILE *gold = open_input(opt.gold_path);
    FILE *pred = gold ? open_input(opt.pred_path) : NULL;
    if (!gold || !pred) {
        if (gold)
            fclose(gold);
        return 2;
    }

    Eval e;
    eval_init(&e);
    bool io_ok = read_file(&e, gold, opt.gold_path, opt.gold_field, add_gold)
              && read_file(&e, pred, opt.pred_path, opt.pred_field, add_pred);
    fclose(gold);
    fclose(pred);

    rc = 2;
    if (io_ok) {
        fill_missing(&e);
        Scores s = score(&e);
        bool out_ok = true;
        if (opt.json)
            out_ok = print_json(&s);
        else
            print_text(&s);
        print_notes(&e);
        out_ok = out_ok && fflush(stdout) == 0 && !ferror(stdout);
        if (!out_ok)
            fputs("evaluate: cannot write output\n", stderr);
        rc = !out_ok ? 2 : e.malformed ? 1 : 0;
    }
    eval_free(&e);
    return rc;
}
