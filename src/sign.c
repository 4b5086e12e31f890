/* sign.c - chains normalize -> tokenize -> shingle -> minhash. */
#include "sign.h"

#include "error.h"

#include <stdlib.h>

int wd_sign_text(uint32_t *sig, uint64_t *n_shingles, const wd_params *params,
                 const char *text, size_t len)
{
	char *norm = NULL;
	size_t norm_len = 0, n_words = 0, n_sh = 0;
	uint64_t *words = NULL, *shingles = NULL;
	int err;

	if ((err = wd_normalize(&norm, &norm_len, text, len)) < 0)
		goto done;
	if ((err = wd_tokenize(&words, &n_words, norm, norm_len)) < 0)
		goto done;
	if (n_words == 0) {
		err = wd_fail(WD_EINPUT, "text has no words to match on");
		goto done;
	}
	if ((err = wd_shingle(&shingles, &n_sh, words, n_words,
	                      params->shingle_words, params->seed)) < 0)
		goto done;
	wd_minhash(sig, params->num_perm, shingles, n_sh, params->seed);
	*n_shingles = n_sh;
done:
	free(norm);
	free(words);
	free(shingles);
	return err;
}
