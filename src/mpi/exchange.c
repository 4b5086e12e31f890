/* exchange.c - byte buffers between ranks (see exchange.h). */
#include "exchange.h"

#include "../error.h"

#include <stdlib.h>
#include <string.h>

int bbuf_put(bbuf *b, const void *p, size_t len)
{
	if (b->n + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + len)
			cap *= 2;
		unsigned char *v = realloc(b->v, cap);
		if (!v)
			return wd_fail_oom();
		b->v = v;
		b->cap = cap;
	}
	if (len && p)
		memcpy(b->v + b->n, p, len);
	b->n += len;
	return WD_OK;
}

int bbuf_put_u32(bbuf *b, uint32_t x)
{
	return bbuf_put(b, &x, sizeof x);
}

int bbuf_put_u64(bbuf *b, uint64_t x)
{
	return bbuf_put(b, &x, sizeof x);
}

void bbuf_free(bbuf *b)
{
	free(b->v);
	memset(b, 0, sizeof *b);
}

uint32_t bread_u32(bread *r)
{
	uint32_t x = 0;
	if (r->end - r->p >= (ptrdiff_t)sizeof x)
		memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

uint64_t bread_u64(bread *r)
{
	uint64_t x = 0;
	if (r->end - r->p >= (ptrdiff_t)sizeof x)
		memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

int all_ok(int err)
{
	int all = err;
	MPI_Allreduce(&err, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	return all;
}

uint64_t all_sum(uint64_t x)
{
	uint64_t s = 0;
	MPI_Allreduce(&x, &s, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	return s;
}

uint64_t all_max(uint64_t x)
{
	uint64_t s = 0;
	MPI_Allreduce(&x, &s, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
	return s;
}

int exchange(bbuf *send, bbuf *recv, int size, uint64_t *sent)
{
	int *scount = calloc((size_t)size * 4, sizeof *scount);
	size_t *done = calloc((size_t)size, sizeof *done);
	int err = WD_OK;
	if (!scount || !done) {
		free(scount);
		free(done);
		return all_ok(wd_fail_oom());
	}
	int *sdispl = scount + size, *rcount = sdispl + size, *rdispl = rcount + size;
	/* per pair of ranks and round: the whole round's buffer fits an int */
	size_t chunk = (size_t)INT32_MAX / (size_t)size;
	uint64_t most = 0;
	for (int d = 0; d < size; d++) {
		uint64_t rounds = (send[d].n + chunk - 1) / chunk;
		most = rounds > most ? rounds : most;
	}
	most = all_max(most);
	for (uint64_t round = 0; round < most && err == WD_OK; round++) {
		unsigned char *out = NULL, *in = NULL;
		size_t out_n = 0, in_n = 0;
		for (int d = 0; d < size; d++) {
			size_t left = send[d].n - done[d];
			scount[d] = (int)(left < chunk ? left : chunk);
			sdispl[d] = (int)out_n;
			out_n += (size_t)scount[d];
		}
		if (MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, MPI_COMM_WORLD) !=
		    MPI_SUCCESS)
			err = wd_fail(WD_ERROR, "MPI_Alltoall failed");
		for (int s = 0; s < size; s++) {
			rdispl[s] = (int)in_n;
			in_n += (size_t)rcount[s];
		}
		if (err == WD_OK && (!(out = malloc(out_n ? out_n : 1)) ||
		                     !(in = malloc(in_n ? in_n : 1))))
			err = wd_fail_oom();
		err = all_ok(err);
		if (err == WD_OK) {
			for (int d = 0; d < size; d++)
				if (scount[d])
					memcpy(out + sdispl[d], send[d].v + done[d], (size_t)scount[d]);
			if (MPI_Alltoallv(out, scount, sdispl, MPI_BYTE, in, rcount, rdispl, MPI_BYTE,
			                  MPI_COMM_WORLD) != MPI_SUCCESS)
				err = wd_fail(WD_ERROR, "MPI_Alltoallv failed");
		}
		for (int s = 0; s < size && err == WD_OK; s++)
			err = bbuf_put(&recv[s], in + rdispl[s], (size_t)rcount[s]);
		int me;
		MPI_Comm_rank(MPI_COMM_WORLD, &me);
		for (int d = 0; d < size; d++) {
			done[d] += (size_t)scount[d];
			if (d != me)
				*sent += (uint64_t)scount[d];
		}
		free(out);
		free(in);
		err = all_ok(err);
	}
	for (int d = 0; d < size; d++)
		bbuf_free(&send[d]);
	free(scount);
	free(done);
	return err;
}
