/* common/models/tlv.h — variable-length records with a header of a
 * 16-bit type and a 16-bit length, little-endian (Excel's BIFF records,
 * and formats like it): follow the chain of headers found in the bytes
 * already coded, and give contexts from the record type, the offset in
 * the record, the byte at that offset in the last record of the type and
 * in the last one of the type in the same column, and what the next
 * cell is expected to be from the column after the last cell's.
 *
 * Sync: while lost, a header is guessed at each byte (a type 1..0x0fff
 * and a length up to 256), and up to TLV_CANDS guesses are followed to
 * where each says the next header is. A header found there (type
 * 1..0x0fff, length up to 8224) makes the guess the chain; while followed,
 * each header found where the last said extends it, anything else loses
 * it. The contexts are in use from the second header found in a row on.
 * Both ends see the same bytes, so they agree.
 *
 *   tlv_init(&t);
 *   per byte, after it is stored at buf[(pos - 1) & mask]:
 *     tlv_byte(&t, buf, mask, pos);
 *     tlv_contexts(&t, buf, mask, pos, v);   TLV_NCTX values, hashed by the
 *                                            caller */
#ifndef SL_TLV_H
#define SL_TLV_H

#include <stdint.h>

#define TLV_NCTX  5
#define TLV_CANDS 8
#define TLV_COL_BITS 12
#define TLV_COLS  (1u << TLV_COL_BITS)  /* places for the last record of each column */

typedef struct tlv_model {
    uint32_t end;         /* where the next header starts; 0: lost */
    uint32_t start;       /* where this record's body starts */
    uint32_t prev;        /* ... and the body of the last record of its type (0: none) */
    uint32_t type, len;
    uint32_t sync;        /* headers found in a row where the chain said */
    uint32_t last[256];   /* body of the last record of each type (by type % 256) */
    uint32_t col[TLV_COLS];  /* body of the last record of each type and column (by hash) */
    uint32_t cell[TLV_COLS]; /* body of the last cell of any type in each column (by column) */
    uint32_t colprev;     /* ... of this record's type and column (0: none yet) */
    uint32_t row, column; /* the last cell's row and column */
    uint32_t mincol, maxcol;  /* the leftmost and rightmost columns seen */
    uint32_t have_cell;   /* a cell has been seen since the chain was found */
    uint32_t cand[TLV_CANDS];  /* while lost: where guessed chains put the next header */
} tlv_model;

void tlv_init(tlv_model *t);
void tlv_byte(tlv_model *t, const uint8_t *buf, uint32_t mask, uint32_t pos);

static inline int tlv_active(const tlv_model *t)
{
    return t->sync >= 2;
}

/* The next byte's contexts: the record type and the offset in it (in a
 * header: the previous type and the place in the header); that with the
 * byte at the offset in the last record of the type; that with the same
 * byte and the last byte; that with the byte at the offset in the last
 * record of the type with the same column (body bytes 2-3, as in BIFF's
 * cells; from offset 4 on); that with what the next cell is expected to
 * be (a cell: a record whose body holds its row, then its column): in
 * its header, the header of the last cell in the column after the last
 * cell's (the cell above it, in a table filled row by row); its row, the
 * last cell's; its column, the one after (after the rightmost column
 * seen: the next row, the leftmost column); in its body, its own column.
 * Not in use: 0, the last byte, 0, the last byte. */
void tlv_contexts(const tlv_model *t, const uint8_t *buf, uint32_t mask, uint32_t pos,
                  uint64_t *v);   /* TLV_NCTX values */

#endif
