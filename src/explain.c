/* explain.c - two indexed articles compared passage by passage, with
 * offsets into the texts as given. */
#include "index_internal.h"

#include "align.h"
#include "error.h"
#include "snapshot.h"
#include "textmap.h"
#include "verify.h"

#include <stdlib.h>
#include <string.h>

/* One side of the comparison: the stored article and its words. */
typedef struct side {
	int64_t seq;
	stored_text text;
	text_words words;
	uint64_t *hashes;
} side;

static int load_side(side *s, wd_index *ix, const char *id)
{
	uint64_t content_hash;
	int err, found;
	memset(s, 0, sizeof *s);
	if ((found = store_find_id(&ix->store, id, &s->seq, &content_hash)) <= 0)
		return found < 0 ? found : wd_fail(WD_ENOTFOUND, "no article '%s' in the index", id);
	if ((err = store_load_text(&ix->store, s->seq, &s->text)) < 0 ||
	    (err = text_words_split(&s->words, s->text.text, s->text.len)) < 0)
		return wd_fail_prefix(err, "article '%s': ", id);
	if (!(s->hashes = malloc((s->words.n ? s->words.n : 1) * sizeof *s->hashes)))
		return wd_fail_oom();
	for (size_t i = 0; i < s->words.n; i++)
		s->hashes[i] = s->words.v[i].hash;
	return WD_OK;
}

static void free_side(side *s)
{
	stored_text_free(&s->text);
	text_words_free(&s->words);
	free(s->hashes);
}

/* The span of words [first, last] of a text. */
static wd_span words_span(const text_words *w, size_t first, size_t last)
{
	return (wd_span){w->v[first].start, w->v[last].end, w->v[first].byte_start,
	                 w->v[last].byte_end};
}

/*
 * The stretches of a text between the passages that hold words: for side
 * `which` (0: a, 1: b), from each passage's end to the next one's start.
 */
static int outside(wd_span **out, size_t *n_out, const text_words *w, const align_run *runs,
                   size_t n, int which)
{
	size_t next = 0, count = 0;
	wd_span *v = malloc((n + 1) * sizeof *v);
	if (!v)
		return wd_fail_oom();
	for (size_t r = 0; r <= n; r++) {
		size_t start = r < n ? (which ? runs[r].b : runs[r].a) : w->n;
		if (start > next)
			v[count++] = words_span(w, next, start - 1);
		if (r < n)
			next = start + runs[r].len;
	}
	*out = v;
	*n_out = count;
	return WD_OK;
}

/* The verification figures of the two story texts. */
static int verify_pair(wd_explanation *e, wd_index *ix, int64_t a, int64_t b)
{
	wd_doc da, db;
	verdict v;
	int err = index_analyze_stored(&da, ix, a);
	if (err == WD_OK && (err = index_analyze_stored(&db, ix, b)) == WD_OK) {
		verify_docs(&v, &da, &db, ix->params.threshold);
		e->jaccard = v.jaccard;
		e->containment = v.containment;
		e->shared_shingles = v.shared;
		e->match = v.match;
		doc_free(&db);
	}
	doc_free(&da);
	return err;
}

static int explain(wd_explanation *e, wd_index *ix, side *a, side *b, const char *id_a,
                   const char *id_b)
{
	align_run *runs = NULL;
	size_t n = 0;
	int err;
	if ((err = load_side(a, ix, id_a)) < 0 || (err = load_side(b, ix, id_b)) < 0 ||
	    (err = verify_pair(e, ix, a->seq, b->seq)) < 0 ||
	    (err = align_words(&runs, &n, a->hashes, a->words.n, b->hashes, b->words.n,
	                       ix->params.shingle_words)) < 0)
		return err;
	if (n && !(e->passages = calloc(n, sizeof *e->passages))) {
		free(runs);
		return wd_fail_oom();
	}
	e->n_passages = n;
	for (size_t i = 0; i < n; i++) {
		e->passages[i] = (wd_passage){
			.a = words_span(&a->words, runs[i].a, runs[i].a + runs[i].len - 1),
			.b = words_span(&b->words, runs[i].b, runs[i].b + runs[i].len - 1),
			.words = runs[i].len,
		};
		e->shared_words += runs[i].len;
	}
	if ((err = outside(&e->a_only, &e->n_a_only, &a->words, runs, n, 0)) == WD_OK)
		err = outside(&e->b_only, &e->n_b_only, &b->words, runs, n, 1);
	free(runs);
	if (err < 0)
		return err;
	e->id_a = strdup(id_a);
	e->id_b = strdup(id_b);
	if (!e->id_a || !e->id_b)
		return wd_fail_oom();
	/* the texts move into the result */
	e->text_a = a->text.text;
	e->bytes_a = a->text.len;
	a->text.text = NULL;
	e->text_b = b->text.text;
	e->bytes_b = b->text.len;
	b->text.text = NULL;
	e->chars_a = a->words.chars;
	e->chars_b = b->words.chars;
	e->words_a = a->words.n;
	e->words_b = b->words.n;
	return WD_OK;
}

int wd_index_explain(wd_explanation **out, wd_index *ix, const char *id_a, const char *id_b)
{
	wd_explanation *e = calloc(1, sizeof *e);
	side a, b;
	int err;
	*out = NULL;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (!e)
		return wd_fail_oom();
	int own;
	/* one snapshot: both articles as one commit left them */
	if ((err = snapshot_begin(ix, &own)) < 0) {
		free(e);
		return err;
	}
	err = explain(e, ix, &a, &b, id_a, id_b);
	snapshot_end(ix, own, err);
	free_side(&a);
	free_side(&b);
	if (err < 0) {
		wd_explanation_free(e);
		return err;
	}
	*out = e;
	return WD_OK;
}

void wd_explanation_free(wd_explanation *e)
{
	if (!e)
		return;
	free(e->id_a);
	free(e->id_b);
	free(e->text_a);
	free(e->text_b);
	free(e->passages);
	free(e->a_only);
	free(e->b_only);
	free(e);
}
