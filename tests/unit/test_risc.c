/* tests/unit/test_risc.c — the fixed-width code model: the detector
 * switches on for 32-bit instruction words in either byte order and
 * finds the opcode's end of the word, and stays off on noise and
 * variable-length code; each context reads the place in the word, the
 * word's bytes so far and the words it names, and no later byte; the
 * call model finds SPARC-like calls and predicts their displacements
 * from earlier targets; the selectors read the opcode bytes they name;
 * and inside cm, cm.risc changes nothing on text and codes such code
 * smaller, and cm.risc_sel changes nothing on text. */
#include "../../common/codec.h"
#include "../../common/models/risc.h"
#include "../../common/models/rcall.h"
#include "../../common/recipe.h"
#include "testdata.h"
#include "coded.h"

#include <criterion/criterion.h>

#define BUF (1u << 16)

/* RISC-like code: 32-bit words whose top byte is one of a few opcodes
 * (skewed; mostly fixed by the opcode three words back, a pattern that
 * the order-n contexts, which see the registers and immediates between,
 * find hard to learn), with register fields from a few registers (the
 * last destination often a source) and small immediates; stored with
 * the top byte last (little-endian) or first (big). */
static void code(uint8_t *p, uint32_t n, uint64_t seed, int big)
{
    static const uint8_t ops[] = {0xf9, 0xf9, 0xf9, 0xaa, 0xaa, 0x91, 0x94, 0xb9, 0x2a, 0x52};
    uint32_t rd = 0, hist[3] = {0, 1, 2};
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint64_t r = td_next(&seed);
        uint32_t o = r >> 60 < 14 ? (hist[(i / 4) % 3] * 7 + 3) % 10 : (uint32_t)(r % 10);
        hist[(i / 4) % 3] = o;
        uint32_t op = ops[o];
        uint32_t rn = r >> 8 & 1 ? rd : (uint32_t)(r >> 9) % 4;
        rd = (uint32_t)(r >> 12) % 6;
        uint32_t imm = (uint32_t)(r >> 16) % 64, rm = (uint32_t)(r >> 24) % 16;
        uint32_t w = op << 24 | rm << 16 | imm << 10 | rn << 5 | rd;
        for (uint32_t k = 0; k < 4; k++)
            p[i + k] = (uint8_t)(w >> (8 * (big ? 3 - k : k)));
    }
}

/* Variable-length code: instructions of 1 to 7 bytes from a few forms. */
static void varcode(uint8_t *p, uint32_t n, uint64_t seed)
{
    static const uint8_t lead[] = {0x48, 0x89, 0x8b, 0xe8, 0x31, 0x83, 0xc3, 0x90, 0x55, 0x5d};
    uint32_t i = 0;
    while (i < n) {
        uint64_t r = td_next(&seed);
        uint32_t len = 1 + (uint32_t)(r % 7);
        for (uint32_t k = 0; k < len && i < n; k++, i++)
            p[i] = k == 0 ? lead[(r >> 8) % 10] : (uint8_t)(r >> (16 + 6 * k));
    }
}

/* Feeds buf[0..n); returns how many bytes the model was on for. */
static uint32_t feed(risc_model *r, const uint8_t *buf, uint32_t n)
{
    uint32_t on = 0;
    for (uint32_t pos = 1; pos <= n; pos++) {
        risc_byte(r, buf, BUF - 1, pos);
        on += (uint32_t)risc_active(r);
    }
    return on;
}

Test(risc, switches_on_for_code_in_either_byte_order)
{
    static uint8_t buf[BUF];
    for (int big = 0; big < 2; big++) {
        risc_model r;
        risc_init(&r, 0, NULL);
        code(buf, 60000, 1, big);
        uint32_t on = feed(&r, buf, 60000);
        cr_assert_gt(on, 55000, "byte order %d: on for %u of 60000 bytes", big, on);
        /* The opcode byte repeats most: the last of a little-endian
         * word, the first of a big-endian one. */
        cr_assert_eq(r.lane, big ? 0 : 3, "byte order %d: lane %d", big, r.lane);
    }
}

/* (Text is kept out by cm: the model runs only while the record model
 * finds the data binary.) */
Test(risc, stays_off_on_noise_and_variable_length_code)
{
    static uint8_t buf[BUF];
    for (int g = 0; g < 2; g++) {
        risc_model r;
        risc_init(&r, 0, NULL);
        if (g == 0) td_random(buf, 60000, 5);
        if (g == 1) varcode(buf, 60000, 5);
        uint32_t on = feed(&r, buf, 60000);
        cr_assert_lt(on, 600, "input %d: on for %u bytes", g, on);
    }
}

/* Each context, by the word it reads (bit j: the word j back, 1..3; bit
 * 0: the current word's bytes so far); the opcode-lane byte and the
 * byte beside it are what "opcode" reads. */
Test(risc, each_context_reads_what_it_names)
{
    static uint8_t buf[256];
    risc_model r;
    risc_init(&r, 0, NULL);
    r.lane = 3;
    /* Which words each context reads, bit j for j words back (0: this
     * one), when the byte changed is the opcode byte (op) or one no
     * opcode holds (lane 1, other). */
    static const uint32_t op[RISC_MAX_CTX] = {0x3, 0x6, 0x3, 0x5, 0xe, 0x2, 0x1, 0xe, 0x1};
    static const uint32_t other[RISC_MAX_CTX] = {0x1, 0x0, 0x3, 0x5, 0x0, 0x0, 0x1, 0x0, 0x1};
    /* Those that read of the current word only its opcode byte, once
     * coded (none of it here: the opcode byte is the last). */
    static const int only_op[RISC_MAX_CTX] = {0, 1, 0, 0, 1, 1, 0, 1, 0};
    uint64_t st = 9;
    for (int trial = 0; trial < 40; trial++) {
        for (int i = 0; i < 256; i++) buf[i] = (uint8_t)(td_next(&st) >> 56);
        uint32_t pos = 64 + (uint32_t)trial * 4 + 3;   /* three bytes of the word known */
        uint32_t s = pos - 3;
        uint64_t v[RISC_MAX_CTX], w[RISC_MAX_CTX];
        risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, v);
        for (uint32_t j = 0; j < 4; j++) {
            for (int which = 0; which < 2; which++) {
                /* In the current word, only its known bytes (0..2). */
                uint32_t lane = j == 0 ? (which ? 1 : 2) : which ? 1 : 3;
                uint32_t at = (s - 4 * j + lane) & 255;
                buf[at] ^= 0x90;
                risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, w);
                for (int k = 0; k < RISC_MAX_CTX; k++) {
                    uint32_t reads = which ? other[k] : op[k];
                    cr_assert_eq(v[k] != w[k], (reads >> j & 1) != 0,
                                 "context %d, word %u back, lane %u", k, j, lane);
                }
                buf[at] ^= 0x90;
            }
        }
        /* The byte about to be coded and later ones are not read. */
        buf[pos & 255] ^= 0xff;
        buf[(pos + 1) & 255] ^= 0xff;
        risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, w);
        for (int k = 0; k < RISC_MAX_CTX; k++) cr_assert_eq(v[k], w[k], "context %d", k);
        /* The place in the word is read: the same bytes one place on. */
        risc_contexts(&r, buf, 255, pos - 3, RISC_MAX_CTX, v);
        risc_contexts(&r, buf, 255, pos - 2, RISC_MAX_CTX, w);
        for (int k = 0; k < RISC_MAX_CTX; k++) cr_assert_neq(v[k], w[k], "context %d", k);
        /* With the opcode byte first (big-endian), once it is coded,
         * every context reads it; the other bytes only those that read
         * the bytes so far. */
        r.lane = 0;
        risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, v);
        for (uint32_t lane = 0; lane < 2; lane++) {
            buf[(s + lane) & 255] ^= 0x90;
            risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, w);
            for (int k = 0; k < RISC_MAX_CTX; k++)
                cr_assert_eq(v[k] != w[k], lane == 0 || !only_op[k], "context %d, lane %u", k, lane);
            buf[(s + lane) & 255] ^= 0x90;
        }
        r.lane = 3;
    }
}

/* The eighth context (7) reads, of the last four words, the operation as
 * SPARC encodes it (op, op3; op2 in format 2), not the registers: in
 * big-endian code, a word's rd (bits 29-25) and rs1 (18-14) change
 * nothing, its op3 (24-19) and op (31-30) change it, four words back
 * too and five back no more. */
Test(risc, op_classes_read_operations_not_registers)
{
    static uint8_t buf[256];
    risc_model r;
    risc_init(&r, 0, NULL);
    r.lane = 0;
    uint64_t st = 11;
    for (int trial = 0; trial < 40; trial++) {
        for (int i = 0; i < 256; i++) buf[i] = (uint8_t)(td_next(&st) >> 56);
        /* Format 3 words (op 2) everywhere, so op3 is read. */
        for (int i = 0; i < 256; i += 4) buf[i] = (uint8_t)((buf[i] & 0x3f) | 0x80);
        uint32_t pos = 64 + (uint32_t)trial * 4 + 1, s = pos - 1;
        uint64_t v[RISC_MAX_CTX], w[RISC_MAX_CTX];
        risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, v);
        for (uint32_t j = 1; j <= 5; j++) {
            /* rd: byte 0 bits 5-1; rs1: byte 1 bits 2-0, byte 2 bits 7-6. */
            static const struct { uint32_t at; uint8_t flip; int reads; } f[] = {
                {0, 0x3e, 0}, {1, 0x07, 0}, {2, 0xc0, 0}, {0, 0x01, 1}, {1, 0xf8, 1}, {0, 0x40, 1},
            };
            for (size_t q = 0; q < sizeof f / sizeof f[0]; q++) {
                uint32_t at = (s - 4 * j + f[q].at) & 255;
                buf[at] ^= f[q].flip;
                risc_contexts(&r, buf, 255, pos, RISC_MAX_CTX, w);
                cr_assert_eq(v[7] != w[7], f[q].reads && j <= 4,
                             "word %u back, byte %u, flip %02x", j, f[q].at, f[q].flip);
                buf[at] ^= f[q].flip;
            }
        }
    }
}

Test(risc, in_cm_text_is_untouched_and_code_shrinks)
{
    static uint8_t text[BUF], data[BUF];
    td_text(text, 40000, 7);
    recipe_params off, on;
    cr_assert_eq(recipe_preset("default", &off), 0);
    on = off;
    off.risc = 0;
    on.risc = RISC_MAX_CTX;
    for (int big = 0; big < 2; big++) {
        code(data, 40000, 3 + (uint64_t)big, big);
        assert_text_same_data_smaller(&off, &on, text, data, 40000, 990, "cm.risc");
    }
}

/* risc_sel and risc_sel2 read the place in the word and the opcode
 * bytes they name, and stay below their bounds. */
Test(risc, selectors_read_what_they_name)
{
    static uint8_t buf[256];
    risc_model r;
    risc_init(&r, 0, NULL);
    uint64_t st = 5;
    for (int trial = 0; trial < 64; trial++) {
        for (int i = 0; i < 256; i++) buf[i] = (uint8_t)(td_next(&st) >> 56);
        uint32_t pos = 64 + (uint32_t)trial * 4, s = pos;
        for (uint32_t k = 0; k < 4; k++) {
            for (int lane = 0; lane < 4; lane++) {
                r.lane = lane;
                uint32_t o1 = buf[(s - 4 + (uint32_t)lane) & 255], o2 = buf[(s - 8 + (uint32_t)lane) & 255];
                uint32_t a = risc_sel(&r, buf, 255, pos + k, 0, 0);
                uint32_t b = risc_sel(&r, buf, 255, pos + k, 1, 1);
                uint32_t w = risc_sel(&r, buf, 255, pos + k, 1, 0);
                cr_assert_eq(w, k * 16 + (o1 >> 6));
                uint32_t c = risc_sel2(&r, buf, 255, pos + k);
                cr_assert_eq(a, k * 4 + (o1 >> 6));
                cr_assert_lt(a, RISC_SEL);
                cr_assert_lt(b, RISC_SEL_OP);
                cr_assert_lt(c, RISC_SEL2);
                cr_assert_eq(c, k * 16 + (o2 >> 4));
                /* With op: the current word's opcode byte's top four
                 * bits once it is coded, else as without (same sets). */
                uint32_t cur = buf[(s + (uint32_t)lane) & 255];
                cr_assert_eq(b, k > (uint32_t)lane ? k * 16 + (cur >> 4) : k * 16 + (o1 >> 6),
                             "k %u lane %d", k, lane);
            }
        }
    }
}

/* cm.risc_sel (the selectors and the SSE stage keyed by code) leaves
 * text alone, and on code changes the coding (both round-trip). Its gain
 * shows on real machine code (the development set's SPARC and aarch64
 * loaders, 0.2-0.9%); on code() here, 40 KB of it, the extra weight sets
 * are about even with what they find. */
Test(risc, risc_sel_in_cm_text_is_untouched_and_code_changes)
{
    static uint8_t text[BUF], data[BUF];
    td_text(text, 16000, 11);
    recipe_params off, on;
    cr_assert_eq(recipe_preset("max", &off), 0);
    /* A light max: its selectors and SSE chain, no LSTM. */
    off.lstm_cells = 0;
    off.lstm_mix = 0;
    off.train_replay = 0;
    off.direct = 0;
    off.text_ctx = 0;
    off.hash_bits = 18;
    off.buf_bits = 20;
    off.match_hash_bits = 16;
    off.risc_sel = 0;
    on = off;
    on.risc_sel = 3;
    bytebuf a = {0}, b = {0};
    coded_roundtrip(&off, text, 16000, &a, "off");
    coded_roundtrip(&on, text, 16000, &b, "cm.risc_sel");
    cr_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0, "text changed");
    for (int sel = 1; sel <= 3; sel++) {
        a.len = b.len = 0;
        on.risc_sel = sel;
        code(data, 16000, 21, 1);
        size_t x = coded_roundtrip(&off, data, 16000, &a, "off");
        size_t y = coded_roundtrip(&on, data, 16000, &b, "cm.risc_sel");
        cr_assert(x != y || memcmp(a.p, b.p, a.len) != 0, "cm.risc_sel=%d changed nothing", sel);
    }
    bytebuf_fini(&a);
    bytebuf_fini(&b);
}

/* Big-endian SPARC-like code: words that are no call (first byte 0x80
 * and up), and every fifth word or so a call (01 and a 30-bit word
 * displacement) to one of 30 functions spread over the buffer. */
static void calls(uint8_t *p, uint32_t n, uint64_t seed)
{
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint64_t r = td_next(&seed);
        uint32_t w = 0x80000000u | (uint32_t)(r >> 33);
        if (r % 5 == 0) {
            uint32_t target = (uint32_t)(r >> 8) % 30 * (n / 120) + 3;
            w = 0x40000000u | ((target - i / 4) & 0x3fffffff);
        }
        for (uint32_t k = 0; k < 4; k++) p[i + k] = (uint8_t)(w >> (24 - 8 * k));
    }
}

Test(risc, call_targets_predict_displacements)
{
    static uint8_t buf[BUF];
    static uint16_t rates[1024];
    sm_rates_init(rates);
    sq_table sq;
    sq_table_init(&sq);
    rcall_model c;
    cr_assert_eq(rcall_init(&c, rates, 0), 0);
    calls(buf, 60000, 4);
    uint32_t pred = 0, right = 0, spoke = 0, agreed = 0, in_calls = 0;
    for (uint32_t pos = 0; pos < 60000; pos++) {
        uint32_t b = buf[pos], c0 = 1;
        if (c.k >= 1) in_calls++;
        if (c.k == 3 && c.expect >= 0) {
            pred++;
            right += (uint32_t)c.expect == b;
        }
        for (int i = 0; i < 8; i++) {
            int bit = (int)(b >> (7 - i) & 1);
            int x = rcall_predict(&c, &sq, c0, i);
            if (x) {
                spoke++;
                agreed += (x > 0) == bit;
            }
            rcall_update(&c, bit);
            c0 = c0 << 1 | (uint32_t)bit;
        }
        rcall_byte(&c, b, pos + 1);
    }
    cr_assert_eq(c.form, 0, "form %d in use", c.form);
    /* About 3000 calls, three displacement bytes each. */
    cr_assert_gt(in_calls, 8000, "%u call bytes followed", in_calls);
    cr_assert_gt(pred, 2000, "only %u low bytes predicted", pred);
    cr_assert_gt(right, pred * 9 / 10, "%u of %u low bytes right", right, pred);
    cr_assert_gt(agreed, spoke * 9 / 10, "%u of %u signs right", agreed, spoke);
    rcall_fini(&c);
}

/* Big-endian SPARC-like code with branches (format 2: op 00, op2 010,
 * a 22-bit word displacement) every fourth word or so to one of eight
 * labels in each 2048-word stretch, 256 words apart, the other words
 * format 3 (first byte 0x80 and up). */
static void branches(uint8_t *p, uint32_t n, uint64_t seed)
{
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint64_t r = td_next(&seed);
        uint32_t w = 0x80000000u | (uint32_t)(r >> 33);
        if (r % 4 == 0) {
            uint32_t target = (i / 4) / 2048 * 2048 + (uint32_t)(r >> 8) % 8 * 256 + 5;
            w = 0x12800000u | ((target - i / 4) & 0x3fffff);
        }
        for (uint32_t k = 0; k < 4; k++) p[i + k] = (uint8_t)(w >> (24 - 8 * k));
    }
}

/* The branch model (rcall_init's branches) follows SPARC branches: it
 * expects their displacement's low byte from earlier targets and is
 * right most of the time; it expects nothing of the second byte, which
 * holds op2 and the condition's bits beside the displacement's top. */
Test(risc, branch_targets_predict_displacements)
{
    static uint8_t buf[BUF];
    static uint16_t rates[1024];
    sm_rates_init(rates);
    rcall_model c;
    cr_assert_eq(rcall_init(&c, rates, 1), 0);
    branches(buf, 60000, 8);
    uint32_t pred = 0, right = 0, second = 0;
    for (uint32_t pos = 0; pos < 60000; pos++) {
        uint32_t b = buf[pos];
        if (c.k == 1 && c.expect >= 0) second++;
        if (c.k == 3 && c.expect >= 0) {
            pred++;
            right += (uint32_t)c.expect == b;
        }
        rcall_byte(&c, b, pos + 1);
    }
    cr_assert_eq(c.form, 0, "form %d in use", c.form);
    cr_assert_eq(second, 0, "%u second bytes expected", second);
    cr_assert_gt(pred, 2000, "only %u low bytes predicted", pred);
    cr_assert_gt(right, pred * 8 / 10, "%u of %u low bytes right", right, pred);
    rcall_fini(&c);
}
