/* common/byteorder.h — explicit little-endian loads and stores, for every
 * byte format in the tree (the .slc container, the wire's frames and
 * messages). They read and write bytes one at a time, so they work on any
 * alignment and any host byte order. */
#ifndef SL_BYTEORDER_H
#define SL_BYTEORDER_H

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

#endif
