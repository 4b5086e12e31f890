/* article.h - checks and identity of an article handed in (index, batch). */
#ifndef WD_ARTICLE_H
#define WD_ARTICLE_H

#include "wiredup.h"

/* Checks id and text (WD_EINPUT with a message); sets text_len when 0. */
int article_check(wd_article *a);

/* Hash of everything stored about an article: text, title, source,
 * published, url. */
uint64_t article_content_hash(const wd_article *a);

/* Fails with WD_EDUPLICATE: id is taken by an article with other content. */
int article_fail_duplicate(const char *id);

#endif
