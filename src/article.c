/* article.c - what every way in takes from an article handed in: its
 * required fields, checked, and the hash that tells a resend from another
 * article under a reused id. */
#include "article.h"

#include "error.h"

#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/* Hash of everything stored about an article, to tell a resend from a
 * different article under a reused id. */
uint64_t article_content_hash(const wd_article *a)
{
	XXH3_state_t st;
	const char *fields[] = {a->title, a->source, a->published, a->url};
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, a->text, a->text_len);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		/* a length prefix keeps ("ab", "c") apart from ("a", "bc"); NULL
		 * hashes differently from "" */
		uint64_t len = fields[i] ? strlen(fields[i]) + 1 : 0;
		XXH3_64bits_update(&st, &len, sizeof len);
		if (fields[i])
			XXH3_64bits_update(&st, fields[i], len - 1);
	}
	return XXH3_64bits_digest(&st);
}

int article_fail_duplicate(const char *id)
{
	return wd_fail(WD_EDUPLICATE, "id '%s' is indexed already with different content; "
	               "ids must be unique", id);
}

/* Checks the required fields of an article handed in. */
int article_check(wd_article *a)
{
	if (!a->id || !a->id[0])
		return wd_fail(WD_EINPUT, "article has no id");
	if (strlen(a->id) > WD_MAX_ID_BYTES)
		return wd_fail(WD_EINPUT, "id of %zu bytes is longer than %d", strlen(a->id),
		               WD_MAX_ID_BYTES);
	if (!a->text)
		return wd_fail(WD_EINPUT, "article '%s' has no text", a->id);
	if (a->text_len == 0)
		a->text_len = strlen(a->text);
	return WD_OK;
}

