/*
 * exchange.h - what wiredup-mpi's ranks send each other: growable byte
 * buffers, one per destination rank, exchanged with MPI_Alltoallv in
 * rounds small enough for MPI's int counts and displacements, and a tally
 * of the bytes each rank sent.
 */
#ifndef WD_MPI_EXCHANGE_H
#define WD_MPI_EXCHANGE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bbuf {
	unsigned char *v;
	size_t n, cap;
} bbuf;

/* Appends len bytes (p NULL: room for them, to be written); 0 or
 * WD_ENOMEM. */
int bbuf_put(bbuf *b, const void *p, size_t len);
int bbuf_put_u32(bbuf *b, uint32_t x);
int bbuf_put_u64(bbuf *b, uint64_t x);
void bbuf_free(bbuf *b);

/* Reads from a buffer front to back. */
typedef struct bread {
	const unsigned char *p, *end;
} bread;

uint32_t bread_u32(bread *r);
uint64_t bread_u64(bread *r);

/*
 * Sends send[d] to rank d, for every d (send has `size` buffers; they are
 * emptied), and appends what rank s sent to recv[s]. Collective. Adds the
 * bytes this rank sent to other ranks to *sent. 0 or < 0 (WD_ENOMEM, or
 * WD_ERROR when MPI fails).
 */
int exchange(bbuf *send, bbuf *recv, int size, uint64_t *sent);

/* The smallest err over all ranks (so all stop when one failed). */
int all_ok(int err);

/* Sum and maximum of x over all ranks. */
uint64_t all_sum(uint64_t x);
uint64_t all_max(uint64_t x);

#endif
