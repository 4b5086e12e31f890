/* bytes.h - fixed little-endian byte order, so hashes match on every machine. */
#ifndef WD_BYTES_H
#define WD_BYTES_H

#include <stdint.h>
#include <string.h>

/* On a little-endian machine the bytes are the value's own: one copy
 * (GCC does not merge the byte loop into one store). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WD_NATIVE_LE 1
#else
#define WD_NATIVE_LE 0
#endif

static inline void wd_put_le64(unsigned char *p, uint64_t v)
{
	if (WD_NATIVE_LE) {
		memcpy(p, &v, 8);
		return;
	}
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void wd_put_le32(unsigned char *p, uint32_t v)
{
	if (WD_NATIVE_LE) {
		memcpy(p, &v, 4);
		return;
	}
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t wd_get_le32(const unsigned char *p)
{
	if (WD_NATIVE_LE) {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t wd_get_le64(const unsigned char *p)
{
	if (WD_NATIVE_LE) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	return (uint64_t)wd_get_le32(p) | (uint64_t)wd_get_le32(p + 4) << 32;
}

/*
 * Eight bytes at once: a lane is one byte of the word. The "any lane"
 * tests below are exact although a borrow may cross lanes.
 */
#define WD_LANES 0x0101010101010101ULL
#define WD_HIGH 0x8080808080808080ULL

static inline uint64_t wd_load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* Are all eight bytes printable ASCII (0x20..0x7E)? */
static inline int wd_printable8(uint64_t w)
{
	uint64_t below = (w - WD_LANES * 0x20) & ~w & WD_HIGH;          /* a lane < 0x20 */
	uint64_t above = ((w + WD_LANES * (127 - 0x7E)) | w) & WD_HIGH; /* a lane > 0x7E */
	return !(below | above);
}

/* Is byte c in any lane of w? */
static inline int wd_has_byte8(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (WD_LANES * c); /* lanes equal to c are now 0 */
	return ((x - WD_LANES) & ~x & WD_HIGH) != 0;
}

#endif
