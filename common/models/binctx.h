/* common/models/binctx.h — contexts for binary data (cm.binary): sparse
 * contexts that skip bytes, and contexts aligned to 2- and 4-byte words.
 *
 * Structured binary data (object code, spreadsheets' records, tables of
 * integers, samples) depends on bytes a fixed distance back and on the
 * place in a 16- or 32-bit field more than on the bytes just before.
 * These contexts join cm's list (after the nctx others, before the record
 * contexts) while the record model's binary gate is on, so text never
 * pays for them but that gate.
 *
 *   per byte, while binary: binctx_values(buf, mask, pos, n, v);
 *   v[0..n-1] are the context values for the next byte (the caller
 *   hashes them), in this order: the last byte with the place in a
 *   4-byte word (pos % 4); bytes 5..8 back; the high nibbles of the last
 *   four bytes; the byte 4 back alone; the last byte and 5 back; the last
 *   two bytes with the place in a 4-byte word; 4 and 8 back (the same
 *   byte of the two 32-bit words before); 2, 4 and 6 back.
 * Chosen on the development set's binary files (ELF, records, zoneinfo):
 * each of the eight gains there; also tried and dropped: 3 back alone,
 * 2 and 4 back, the last two bytes with pos % 2, 1 and 6 back, 1, 3 and
 * 5 back, the top five bits of the last three bytes, bytes 2-3 with
 * pos % 4. cm.binary above 8 adds the record-header contexts of tlv.h. */
#ifndef SL_BINCTX_H
#define SL_BINCTX_H

#include <stdint.h>

#define BIN_MAX_CTX 8

/* pos: the number of bytes stored so far (the next byte's position);
 * buf[(pos - 1) & mask] is the last. n <= BIN_MAX_CTX. */
void binctx_values(const uint8_t *buf, uint32_t mask, uint32_t pos, int n, uint64_t *v);

#endif
