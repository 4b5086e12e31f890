/* bytes.h - fixed little-endian byte order, so hashes match on every machine. */
#ifndef WD_BYTES_H
#define WD_BYTES_H

#include <stdint.h>

static inline void wd_put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void wd_put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t wd_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t wd_get_le64(const unsigned char *p)
{
	return (uint64_t)wd_get_le32(p) | (uint64_t)wd_get_le32(p + 4) << 32;
}

#endif
