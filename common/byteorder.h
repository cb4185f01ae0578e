/* common/byteorder.h — explicit little-endian loads and stores, and
 * varints, for every byte format in the tree (the .slc container, the
 * wire's frames and messages). They read and write bytes one at a time, so
 * they work on any alignment and any host byte order.
 *
 * A varint is LEB128: seven bits a byte, least significant group first,
 * the high bit set on every byte but the last; at most 10 bytes for 64
 * bits. Only the shortest encoding of a value is valid:
 *   uint8_t b[VARINT_MAX]; size_t n = varint_put(b, v);
 *   int k = varint_get(p, avail, &v);   // bytes used; 0: more needed;
 *                                       // -1: longer than needed or > 64 bits */
#ifndef SL_BYTEORDER_H
#define SL_BYTEORDER_H

#include <stddef.h>
#include <stdint.h>

static inline void le16_store(uint8_t p[2], uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline uint16_t le16_load(const uint8_t p[2])
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline void le32_store(uint8_t p[4], uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t le32_load(const uint8_t p[4])
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void le64_store(uint8_t p[8], uint64_t v)
{
    le32_store(p, (uint32_t)v);
    le32_store(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t le64_load(const uint8_t p[8])
{
    return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

#define VARINT_MAX 10

static inline size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) { v >>= 7; n++; }
    return n;
}

static inline int varint_get(const uint8_t *p, size_t avail, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < VARINT_MAX; i++) {
        if (i == avail) return 0;
        uint64_t b = p[i] & 0x7f;
        if (i == 9 && b > 1) return -1;          /* past 64 bits */
        v |= b << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i > 0 && b == 0) return -1;      /* a longer form than needed */
            *out = v;
            return (int)i + 1;
        }
    }
    return -1;
}

#endif
