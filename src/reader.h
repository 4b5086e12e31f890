/* reader.h - a share of a JSON Lines file (wiredup-mpi: each process reads
 * the lines that start in its byte range). */
#ifndef WD_READER_H
#define WD_READER_H

#include "wiredup.h"

#include <stdint.h>

/*
 * Opens path to read the lines that start in [begin, end) (begin is the
 * start of a line: 0 or just after a newline), numbering the first one
 * first_line (the lines before begin, + 1) so that messages name the
 * line as a reader of the whole file would.
 */
int reader_open_jsonl_range(wd_reader **out, const char *path, uint64_t begin,
                            uint64_t end, size_t first_line);

#endif
