/*
 * fuzz_article.c - libFuzzer harness for the whole path: article ->
 * analysis -> signature -> in-memory index (add, chrome learning,
 * re-signing, clustering) -> query.
 *
 * Input: up to 3 articles separated by 0xFF bytes. Each starts with a
 * control byte c: the outlet is SOURCES[c % 6] (a few outlets, so that
 * chrome is learned across different stories), the date DATES[c / 6 % 5],
 * and the id is "p<c % 4>" when c >= 0x80 (a small pool: repeated ids,
 * same or other content) or a fresh "n<serial>". The rest is the title
 * (the first line, if there is a line break) and the text.
 *
 * The index is static, so stories meet earlier inputs' stories; it is
 * reopened every 1000 inputs to bound memory. libFuzzer's leak check after
 * each input cannot tell the index's growth from a leak (and makes the run
 * four times slower): fuzz_article.options turns it off, and LSan, when
 * linked in, looks for leaks each time the index is closed instead.
 * Invariants: an add succeeds (WD_ADD_NEW or WD_ADD_UNCHANGED) or fails with
 * WD_EINPUT / WD_EDUPLICATE and a message; an added article, queried right
 * after its add and again after the input's other adds, matches itself
 * with containment 1.0; matches are well-formed and best first.
 */
#include <wiredup.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WD_LSAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define WD_LSAN 1
#endif
#ifdef WD_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#include "fuzz_check.h"

enum { MAX_ARTICLES = 3, RESET_EVERY = 1000 };

static const char *const SOURCES[] = {NULL, "wire.example", "Daily Planet",
                                      "gazette.example.pk", "example.com", ""};
static const char *const DATES[] = {NULL, "2018-07-15T07:54:28-04:00",
                                    "2018-07-15", "2018-07-14T23:00:00Z",
                                    "yesterday"};

static wd_index *ix;
static unsigned long inputs, serial;

typedef struct item {
	wd_article a;
	char id[32];
	char *buf; /* title and text, NUL-separated */
	int added;
} item;

/* Parses one chunk (control byte, title line, text) into *it. */
static void parse_item(item *it, const uint8_t *p, size_t n)
{
	unsigned c = p[0];
	memset(it, 0, sizeof *it);
	if (c >= 0x80)
		snprintf(it->id, sizeof it->id, "p%u", c % 4);
	else
		snprintf(it->id, sizeof it->id, "n%lu", serial++);
	it->buf = malloc(n + 1);
	CHECK(it->buf);
	memcpy(it->buf, p + 1, n - 1);
	it->buf[n - 1] = '\0';
	it->a.id = it->id;
	it->a.source = SOURCES[c % 6];
	it->a.published = DATES[c / 6 % 5];
	char *nl = memchr(it->buf, '\n', n - 1);
	if (nl) {
		*nl = '\0';
		it->a.title = it->buf;
		it->a.text = nl + 1;
	} else {
		it->a.text = it->buf;
	}
	it->a.text_len = (size_t)(it->buf + n - 1 - it->a.text);
}

/* The article matches itself, fully; the answer is well-formed. */
static void query_self(const wd_article *a)
{
	wd_query_result *q = NULL;
	int rc = wd_index_query(&q, ix, a);
	CHECK(rc == WD_OK && q);
	CHECK(q->cluster && q->cluster[0]);
	CHECK(!q->new_story && q->n_matches >= 1);
	int self = 0;
	for (size_t i = 0; i < q->n_matches; i++) {
		const wd_match *m = &q->matches[i];
		CHECK(m->id && m->cluster);
		CHECK(m->jaccard >= 0 && m->jaccard <= m->containment + 1e-12);
		CHECK(m->containment <= 1.0 + 1e-12 && m->score == (m->jaccard > m->containment ? m->jaccard : m->containment));
		CHECK(i == 0 || q->matches[i - 1].score >= m->score);
		if (strcmp(m->id, a->id) == 0) {
			CHECK(m->containment >= 1.0 - 1e-12);
			self = 1;
		}
	}
	CHECK(self);
	wd_query_result_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ix || inputs % RESET_EVERY == 0) {
		CHECK(wd_index_close(ix) == WD_OK);
		ix = NULL;
#ifdef WD_LSAN
		CHECK(__lsan_do_recoverable_leak_check() == 0);
#endif
		CHECK(wd_index_open(&ix, NULL, NULL) == WD_OK);
	}
	inputs++;

	item items[MAX_ARTICLES];
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= size && n < MAX_ARTICLES; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		if (i > start)
			parse_item(&items[n++], data + start, i - start);
		start = i + 1;
	}

	for (size_t i = 0; i < n; i++) {
		wd_add_result res;
		int rc = wd_index_add(&res, ix, &items[i].a);
		if (rc == WD_OK) {
			CHECK(res.status == WD_ADD_NEW || res.status == WD_ADD_UNCHANGED);
			CHECK(res.seq > 0);
			items[i].added = 1;
			query_self(&items[i].a);
		} else {
			CHECK(rc == WD_EINPUT || rc == WD_EDUPLICATE);
			CHECK(wd_last_error()[0]);
		}
	}
	/* Later adds may have taught chrome and re-signed earlier articles. */
	for (size_t i = 0; i < n; i++)
		if (items[i].added)
			query_self(&items[i].a);
	for (size_t i = 0; i < n; i++)
		free(items[i].buf);
	return 0;
}
