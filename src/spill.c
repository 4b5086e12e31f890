/* spill.c - temporary files for the batch job's stages (see spill.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fallocate */
#endif

#include "spill.h"

#include "error.h"
#include "vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct spill {
	int fd;
	char *dir;                 /* for messages */
	_Atomic uint64_t end;      /* bytes reserved so far */
	_Atomic uint64_t written;  /* bytes written */
};

int spill_open(spill **out)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	spill *s;
	*out = NULL;
	if (!dir || !dir[0])
		dir = "/tmp";
	if (!(s = calloc(1, sizeof *s)) || !(s->dir = strdup(dir))) {
		free(s);
		return wd_fail_oom();
	}
	snprintf(path, sizeof path, "%s/wiredup-spill.XXXXXX", dir);
	if ((s->fd = mkstemp(path)) < 0) {
		int e = errno;
		free(s->dir);
		free(s);
		return wd_fail(WD_EIO, "cannot make a temporary file in %s (set TMPDIR): %s", dir,
		               strerror(e));
	}
	unlink(path); /* gone with the last descriptor, even after a crash */
	atomic_init(&s->end, 0);
	atomic_init(&s->written, 0);
	*out = s;
	return WD_OK;
}

uint64_t spill_written(const spill *s)
{
	return s ? atomic_load(&s->written) : 0;
}

void spill_close(spill *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s->dir);
	free(s);
}

/* Writes (or reads) all of [at, at + len), through short transfers. */
static int transfer(const spill *s, unsigned char *p, size_t len, uint64_t at, int writing)
{
	while (len) {
		ssize_t n = writing ? pwrite(s->fd, p, len, (off_t)at)
		                    : pread(s->fd, p, len, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return wd_fail(WD_EIO, "cannot %s a temporary file in %s: %s",
			               writing ? "write" : "read", s->dir,
			               n < 0 ? strerror(errno)
			                     : writing ? "no space" : "it is shorter than written");
		p += n;
		len -= (size_t)n;
		at += (uint64_t)n;
	}
	return WD_OK;
}

int spill_read(const spill *s, uint64_t at, void *buf, size_t len)
{
	return transfer(s, buf, len, at, 0);
}

void spill_writer_init(spill_writer *w, spill *file, size_t region_bytes)
{
	memset(w, 0, sizeof *w);
	w->file = file;
	w->cap = region_bytes;
}

int spill_flush(spill_writer *w)
{
	int err;
	if (!w->used)
		return WD_OK;
	if ((err = transfer(w->file, w->buf, w->used, w->base, 1)) < 0)
		return err;
	atomic_fetch_add(&w->file->written, (uint64_t)w->used);
	if (wd_grow(&w->regions, &w->cap_regions, w->n_regions, sizeof *w->regions, 16) < 0)
		return wd_fail_oom();
	w->regions[w->n_regions++] = (spill_region){w->base, w->used, w->records};
	w->used = 0;
	w->records = 0;
	return WD_OK;
}

int spill_append(spill_writer *w, size_t len, uint64_t *at, unsigned char **p)
{
	int err;
	if (w->used && w->used + len > w->cap && (err = spill_flush(w)) < 0)
		return err;
	if (!w->used) {
		/* a new region: room for this record at least */
		size_t need = len > w->cap ? len : w->cap;
		if (!w->buf || need > w->cap) {
			unsigned char *buf = realloc(w->buf, need);
			if (!buf)
				return wd_fail_oom();
			w->buf = buf;
			w->cap = need;
		}
		w->base = atomic_fetch_add(&w->file->end, (uint64_t)w->cap);
	}
	*p = w->buf + w->used;
	*at = w->base + w->used;
	w->used += len;
	w->records++;
	return WD_OK;
}

void spill_discard(spill *s, uint64_t at, uint64_t len)
{
#ifdef FALLOC_FL_PUNCH_HOLE
	(void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)at,
	                (off_t)len);
#else
	(void)s;
	(void)at;
	(void)len;
#endif
}

void spill_writer_free(spill_writer *w)
{
	free(w->buf);
	free(w->regions);
	memset(w, 0, sizeof *w);
}
