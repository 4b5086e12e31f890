/* verify.c - stage 6: exact verification of LSH candidates. */
#include "verify.h"

#include "error.h"
#include "lsh.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

static const double COMPARABLE_SIZE = 0.5; /* smaller / larger */
enum { MIN_SHARED = 8 }; /* shingles in common for a match of longer texts */
/* Figures must agree: a templated item (earnings, dividends, market
 * operations, results) repeats its wording with other numbers. Each
 * shingle of the smaller text with a figure in it either is in the other
 * text (the figure agrees), or its template (figures masked) is there with
 * another figure (it disagrees), or neither (no evidence). More
 * disagreements than agreements make the pair different stories. */
enum { MIN_DISAGREE = 2 };
/* A very short text (a brief, a notice) is a copy only when nearly all of
 * it is there: its template alone would otherwise pass. */
enum { SHORT_SET = 40 };
static const double SHORT_CONTAINMENT = 0.8;
/* A text more than five times longer than the one it contains is a
 * compilation ("The Latest") or a longer story quoting it, not a copy. */
static const double MIN_SIZE_RATIO = 0.2;
/* A copy contained in a much longer text must be found within this first
 * share of it (a trimmed copy keeps the beginning; an inset sits deeper). */
static const double LEDE_SHARE = 0.3;
/* ...and be one passage of it: most (ONE_PASSAGE) of what they share lies
 * in one stretch of it at most STRETCH times the copy's length (room for
 * local paragraphs). Two compilations (a "The Latest" file, a roundup)
 * share items spread all over the longer one. */
enum { STRETCH = 2 };
static const double ONE_PASSAGE = 0.75;

static uint64_t count_shared(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	uint64_t shared = 0;
	size_t i = 0, j = 0;
	/* without branches: which side moves is a coin toss on hashes */
	while (i < na && j < nb) {
		uint64_t x = a[i], y = b[j];
		shared += x == y;
		i += x <= y;
		j += y <= x;
	}
	return shared;
}

/* Binary search, inline: bsearch calls a comparison at every step. */
static int contains_u64(const uint64_t *set, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && set[lo] == x;
}

/* Do the figures of a (where b has the same wording) mostly differ? */
static int figures_disagree(const wd_doc *a, const wd_doc *b)
{
	size_t agree = 0, disagree = 0;
	for (size_t i = 0; i < a->n_figures; i++) {
		if (contains_u64(b->set, b->n_set, a->figures[i]))
			agree++;
		else if (contains_u64(b->templ, b->n_templ, a->masked[i]))
			disagree++;
	}
	return disagree >= MIN_DISAGREE && disagree > agree;
}

/*
 * Where in the longer text the shared part begins, as a share of its
 * length: the position of the first tenth of the shared shingles, so that
 * one common phrase early on does not count as the start.
 */
static double shared_start(const wd_doc *longer, const wd_doc *shorter, uint64_t shared)
{
	uint64_t want = shared / 10 ? shared / 10 : 1, seen = 0;
	for (size_t i = 0; i < longer->n_order; i++) {
		seen += contains_u64(shorter->set, shorter->n_set, longer->order[i]);
		if (seen >= want)
			return (double)i / (double)longer->n_order;
	}
	return 1.0;
}

/*
 * The share of the shared shingles' occurrences in the longer text that
 * the densest stretch of `width` of its shingles holds.
 */
static double shared_in_stretch(const wd_doc *longer, const wd_doc *shorter, size_t width)
{
	size_t in_window = 0, best = 0, total = 0;
	for (size_t i = 0; i < longer->n_order; i++) {
		int hit = contains_u64(shorter->set, shorter->n_set, longer->order[i]);
		total += hit;
		in_window += hit;
		if (i >= width)
			in_window -= contains_u64(shorter->set, shorter->n_set, longer->order[i - width]);
		if (in_window > best)
			best = in_window;
	}
	return total ? (double)best / (double)total : 0.0;
}

void verify_docs(verdict *v, const wd_doc *a, const wd_doc *b, double threshold)
{
	size_t na = a->n_set, nb = b->n_set;
	const wd_doc *longer = na >= nb ? a : b, *shorter = na >= nb ? b : a;

	memset(v, 0, sizeof *v);
	if (na == 0 || nb == 0)
		return;
	v->shared = count_shared(a->set, na, b->set, nb);
	v->jaccard = (double)v->shared / (double)(na + nb - v->shared);
	v->containment = (double)v->shared / (double)shorter->n_set;
	v->contained = na < nb ? 1 : nb < na ? -1 : 0;
	/* a handful of shingles in common is a phrase, not a copy: short
	 * texts must be shared whole */
	if (v->shared < MIN_SHARED && v->shared < shorter->n_set)
		return;
	if (figures_disagree(shorter, longer))
		return;
	if (shorter->n_set < SHORT_SET && threshold < SHORT_CONTAINMENT)
		threshold = SHORT_CONTAINMENT;
	if (v->jaccard >= threshold) {
		v->match = 1;
		return;
	}
	if (v->containment < threshold)
		return;
	/* under the same headline a contained text is a copy cut short or
	 * extended: a compilation or a story quoting it has its own */
	if (a->title_key && a->title_key == b->title_key) {
		v->match = 1;
		return;
	}
	double ratio = (double)shorter->n_set / (double)longer->n_set;
	if (ratio < MIN_SIZE_RATIO)
		return;
	v->lede_shared = shared_start(longer, shorter, v->shared) <= LEDE_SHARE;
	if (ratio >= COMPARABLE_SIZE) {
		v->match = 1;
		return;
	}
	v->match = v->lede_shared &&
	           shared_in_stretch(longer, shorter, STRETCH * shorter->n_set) >= ONE_PASSAGE;
}

/* Best first; ties by ingest order, so results are reproducible. */
static int cmp_match(const void *a, const void *b)
{
	const candidate_match *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

int verify_candidates(candidate_match **out, size_t *n_out, wd_index *ix, const wd_doc *doc,
                      int64_t self_seq)
{
	const wd_params *p = &ix->params;
	i64_vec cands = {0}, cluster = {0};
	candidate_match *ok = NULL;
	const band_key *keys = ix->keys;
	size_t n_ok = 0, n_keys = ix->n_keys;
	int err = WD_OK;

	*out = NULL;
	*n_out = 0;
	for (size_t i = 0; i < n_keys && err == WD_OK; i++)
		err = store_ints(&ix->store, ST_BAND_LOOKUP, "reading LSH bands", &cands, 2,
		                 (int64_t)keys[i].band, (int64_t)keys[i].key);
	if (err < 0)
		goto done;
	i64_sort_unique(&cands);
	if (cands.n && !(ok = malloc(cands.n * sizeof *ok))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < cands.n; i++) {
		const wd_doc *other;
		verdict v;
		if (cands.v[i] == self_seq)
			continue;
		if (ix->cutoff && (err = index_too_old(ix, cands.v[i])) != 0) {
			if (err < 0)
				goto done;
			err = WD_OK; /* outside the time window: not matched */
			continue;
		}
		if ((err = index_stored_doc(&other, ix, cands.v[i])) < 0)
			goto done;
		verify_docs(&v, doc, other, p->threshold);
		if (!v.match)
			continue;
		cluster.n = 0;
		if ((err = store_ints(&ix->store, ST_CLUSTER_OF, "reading a cluster", &cluster, 1,
		                      cands.v[i])) < 0)
			goto done;
		ok[n_ok++] = (candidate_match){
			.seq = cands.v[i],
			.cluster = cluster.n ? cluster.v[0] : cands.v[i],
			.jaccard = v.jaccard,
			.containment = v.containment,
			.score = v.jaccard > v.containment ? v.jaccard : v.containment,
			.shared = v.shared,
			.contained = v.contained,
		};
	}
	if (n_ok > 1)
		qsort(ok, n_ok, sizeof *ok, cmp_match);
done:
	i64_free(&cands);
	i64_free(&cluster);
	if (err < 0) {
		free(ok);
		return err;
	}
	*out = ok;
	*n_out = n_ok;
	return WD_OK;
}
