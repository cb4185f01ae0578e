/* util/report.h — the figures both daemons print, and how they print
 * them: a progress line while working, a report at the end, and the same
 * figures as JSON.
 *
 *   sl_stats s = {...};  report_print(stderr, &s);  report_json(path, &s);
 *   report_progress(stderr, "satyad", done, total, bpc, wire_bps, eta);
 * The description length is recipe bytes + code bytes + prior bytes +
 * transcript bytes, where code bytes is the xz -9 size of the decoder's own
 * source (common/, proto/, receiver/), measured when the program was built,
 * and prior bytes is the prior's own transcript (util/prior.h; 0 without a
 * prior), which the wire bytes leave out. */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stdint.h>
#include <stdio.h>

typedef struct sl_stats {
    const char *who;            /* "satyad" or "sundard" */
    int         ok;             /* session succeeded */
    uint32_t    files, chunks;
    uint64_t    raw;            /* stream bytes */
    uint64_t    wire;           /* bytes on the wire, frames included */
    uint64_t    transcript;     /* coded bytes inside CHUNK frames */
    uint64_t    recipe;         /* recipe text bytes */
    uint64_t    prior;          /* the prior's transcript bytes (0: no prior) */
    uint64_t    zlib, xz, zstd; /* baselines for the same bytes */
    uint64_t    rate_bps;       /* link rate, 0 = unthrottled */
    double      elapsed_s;      /* measured session time */
    double      codec_s;        /* time spent encoding or decoding */
} sl_stats;

uint64_t report_code_bytes(void);
uint64_t report_description_length(const sl_stats *s);
void report_print(FILE *f, const sl_stats *s);
/* The figures as a new jansson object (the caller owns it), NULL without
 * memory; report_json writes it to path via a temporary file, 0 or SL_EIO. */
struct json_t;
struct json_t *report_to_json(const sl_stats *s);
int  report_json(const char *path, const sl_stats *s);
/* One line, rewritten in place: bytes done of total, bits per byte so
 * far, the wire rate, and the ETA (negative: unknown). For a terminal only:
 * it ends with the ANSI erase-to-end-of-line. */
void report_progress(FILE *f, const char *who, uint64_t done, uint64_t total,
                     double bpc, double wire_bps, double eta_s);

#endif
