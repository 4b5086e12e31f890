/*
 * spill.h - temporary files for what the batch job holds between its
 * stages (parsed articles, signed articles, LSH keys), so that its memory
 * does not grow with the input: a million articles weigh ~10 GB between
 * parsing and grouping, far more than the job may keep in memory. The
 * kernel keeps in its page cache what fits and writes out the rest.
 *
 * A spill is an unnamed file (unlinked as soon as it is made, so nothing is
 * left behind by a crash) in $TMPDIR, or /tmp. Each thread appends through
 * its own spill_writer, which reserves room in the file a region at a time
 * (so appends need no lock and their offsets are known at once) and writes
 * a region when it is full. Records are read back with spill_read once
 * their writer is flushed.
 */
#ifndef WD_SPILL_H
#define WD_SPILL_H

#include <stddef.h>
#include <stdint.h>

typedef struct spill spill;

/* Opens a new, empty spill; WD_EIO (naming the directory) if it cannot. */
int spill_open(spill **out);

/* Closes it; its bytes are gone. NULL is a no-op. */
void spill_close(spill *s);

/* Bytes written to it so far. */
uint64_t spill_written(const spill *s);

/* Reads len bytes at offset at (of flushed records). */
int spill_read(const spill *s, uint64_t at, void *buf, size_t len);

/* A region written by a writer: [at, at + len), holding `records`. */
typedef struct spill_region {
	uint64_t at, len;
	uint64_t records;
} spill_region;

typedef struct spill_writer {
	spill *file;
	unsigned char *buf;       /* the region being filled */
	size_t used, cap;
	uint64_t base;            /* its offset in the file */
	uint64_t records;         /* appended to it */
	spill_region *regions;    /* every region written, in order */
	size_t n_regions, cap_regions;
} spill_writer;

/* A writer of regions of `region_bytes` (larger records get their own). */
void spill_writer_init(spill_writer *w, spill *file, size_t region_bytes);

/* Makes room for a record of len bytes, to be filled at *p before the
 * next call; *at is where it will be read. */
int spill_append(spill_writer *w, size_t len, uint64_t *at, unsigned char **p);

/* Writes what is buffered (a region, partly filled). */
int spill_flush(spill_writer *w);

/* Gives back the space of [at, at + len), read for the last time (its
 * pages leave the page cache at once, for the next writes to reuse while
 * they are warm). Best effort: a file system that cannot keeps them. */
void spill_discard(spill *s, uint64_t at, uint64_t len);

/* Frees the buffer and the list of regions (not what was written). */
void spill_writer_free(spill_writer *w);

#endif
