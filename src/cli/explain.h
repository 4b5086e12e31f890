/* explain.h - the CLI's views of a wd_explanation. */
#ifndef WD_CLI_EXPLAIN_H
#define WD_CLI_EXPLAIN_H

#include "output.h"
#include "wiredup.h"

#include <stdio.h>

/*
 * Writes e as FORMAT_TEXT (a summary, then each passage and each stretch
 * only one side has, with offsets and a one-line excerpt), FORMAT_JSONL
 * (one record with every span and its full text) or FORMAT_HTML (a
 * self-contained page, both texts side by side). 0, or -1 on a write
 * error.
 */
int explain_write(FILE *fp, const wd_explanation *e, out_format fmt);

#endif
