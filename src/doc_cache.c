/* doc_cache.c - a direct-mapped cache of analysed stored articles. */
#include "doc_cache.h"

#include <stdlib.h>
#include <string.h>

static doc_cache_entry *slot_of(const doc_cache *c, int64_t seq)
{
	return &c->slots[(uint64_t)seq & (DOC_CACHE_SLOTS - 1)];
}

static void clear(doc_cache_entry *e)
{
	doc_free(&e->doc);
	e->seq = 0;
	e->source_key = 0;
}

const wd_doc *doc_cache_get(const doc_cache *c, int64_t seq)
{
	if (!c->slots)
		return NULL;
	doc_cache_entry *e = slot_of(c, seq);
	return e->seq == seq ? &e->doc : NULL;
}

const wd_doc *doc_cache_put(doc_cache *c, int64_t seq, uint64_t source_key, wd_doc *doc)
{
	if (!c->slots && !(c->slots = calloc(DOC_CACHE_SLOTS, sizeof *c->slots)))
		return NULL;
	doc_cache_entry *e = slot_of(c, seq);
	clear(e);
	e->seq = seq;
	e->source_key = source_key;
	e->doc.set = doc->set;
	e->doc.n_set = doc->n_set;
	e->doc.order = doc->order;
	e->doc.n_order = doc->n_order;
	e->doc.figures = doc->figures;
	e->doc.masked = doc->masked;
	e->doc.templ = doc->templ;
	e->doc.n_figures = doc->n_figures;
	e->doc.n_templ = doc->n_templ;
	e->doc.title_key = doc->title_key;
	doc->set = doc->order = doc->figures = doc->masked = doc->templ = NULL;
	doc->n_set = doc->n_order = doc->n_figures = doc->n_templ = 0;
	return &e->doc;
}

void doc_cache_drop(doc_cache *c, int64_t seq)
{
	if (c->slots && slot_of(c, seq)->seq == seq)
		clear(slot_of(c, seq));
}

void doc_cache_drop_source(doc_cache *c, uint64_t source_key)
{
	for (size_t i = 0; c->slots && i < DOC_CACHE_SLOTS; i++)
		if (c->slots[i].seq && c->slots[i].source_key == source_key)
			clear(&c->slots[i]);
}

void doc_cache_free(doc_cache *c)
{
	for (size_t i = 0; c->slots && i < DOC_CACHE_SLOTS; i++)
		clear(&c->slots[i]);
	free(c->slots);
	c->slots = NULL;
}
