/* util/report.c — see report.h. */
#include "report.h"
#include "fileio.h"
#include "units.h"
#include "../common/err.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#ifndef SL_CODE_BYTES
#define SL_CODE_BYTES 0
#endif

uint64_t report_code_bytes(void)
{
    return SL_CODE_BYTES;
}

uint64_t report_description_length(const sl_stats *s)
{
    return s->recipe + report_code_bytes() + s->prior + s->transcript;
}

static double link_s(uint64_t bytes, uint64_t bps)
{
    return bps ? (double)bytes * 8.0 / (double)bps : 0.0;
}

static double pct_saved(uint64_t wire, uint64_t raw)
{
    return raw ? 100.0 * (1.0 - (double)wire / (double)raw) : 0.0;
}

void report_print(FILE *f, const sl_stats *s)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "%s: %s, %u file%s, %s bytes in %.1f s", s->who,
            s->ok ? "session complete" : "SESSION FAILED", s->files,
            s->files == 1 ? "" : "s", units_commas(s->raw, a), s->elapsed_s);
    if (s->rate_bps >= 1000000)
        fprintf(f, " over a %g Mbit/s link", (double)s->rate_bps / 1e6);
    else if (s->rate_bps)
        fprintf(f, " over a %g kbit/s link", (double)s->rate_bps / 1e3);
    fprintf(f, "\n");
    double bpc = s->raw ? (double)s->transcript * 8.0 / (double)s->raw : 0.0;
    if (s->wire >= s->raw) /* the frames and recipe cost more than coding saved */
        fprintf(f, "  wire       %s bytes (frames included): %s; stored\n",
                units_commas(s->wire, a), s->raw < 4096 ? "too small to gain" : "no gain");
    else
        fprintf(f, "  wire       %s bytes (frames included), %.1f%% saved vs raw, "
                   "%.3f bits/byte coded\n",
                units_commas(s->wire, a), pct_saved(s->wire, s->raw), bpc);
    if (s->xz || s->zstd || s->zlib)
    {
        double vs = s->xz ? 100.0 * (1.0 - (double)s->wire / (double)s->xz) : 0.0;
        fprintf(f, "  baselines  gzip -9 %s   xz -9 %s   zstd -19 %s bytes; "
                   "this link sent %.1f%% %s than xz\n",
                units_commas(s->zlib, a), units_commas(s->xz, b), units_commas(s->zstd, c),
                vs < 0 ? -vs : vs, vs < 0 ? "more" : "less");
    }
    if (s->rate_bps)
        fprintf(f, "  link time  raw %.1f s   gzip %.1f s   xz %.1f s   this %.1f s "
                   "(measured %.1f s)\n",
                link_s(s->raw, s->rate_bps), link_s(s->zlib, s->rate_bps),
                link_s(s->xz, s->rate_bps), link_s(s->wire, s->rate_bps), s->elapsed_s);
    uint64_t code = report_code_bytes();
    fprintf(f, "  description length = recipe %s + code %s", units_commas(s->recipe, a),
            units_commas(code, b));
    if (s->prior) fprintf(f, " + prior %s", units_commas(s->prior, a));
    fprintf(f, " + transcript %s = %s bytes\n", units_commas(s->transcript, c),
            units_commas(report_description_length(s), d));
    if (s->prior)
        fprintf(f, "  prior      counted at its own transcript size, not in the wire bytes "
                   "(the receiver holds it)\n");
    if (s->codec_s > 0 && s->raw >= 4096)
        fprintf(f, "  model      %.1f s of %s, %.0f KB/s\n", s->codec_s,
                strcmp(s->who, "satyad") ? "decoding" : "encoding",
                (double)s->raw / 1000.0 / s->codec_s);
}

json_t *report_to_json(const sl_stats *s)
{
    uint64_t code = report_code_bytes();
    return json_pack(
        "{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:I,"
        " s:I, s:f, s:f, s:I}",
        "who", s->who, "ok", s->ok, "files", (json_int_t)s->files,
        "chunks", (json_int_t)s->chunks, "raw_bytes", (json_int_t)s->raw,
        "wire_bytes", (json_int_t)s->wire, "transcript_bytes", (json_int_t)s->transcript,
        "recipe_bytes", (json_int_t)s->recipe, "code_bytes", (json_int_t)code,
        "description_length", (json_int_t)report_description_length(s),
        "bits_per_byte", s->raw ? (double)s->transcript * 8.0 / (double)s->raw : 0.0,
        "saved_percent", pct_saved(s->wire, s->raw), "gzip9_bytes", (json_int_t)s->zlib,
        "xz9_bytes", (json_int_t)s->xz, "zstd19_bytes", (json_int_t)s->zstd,
        "rate_bps", (json_int_t)s->rate_bps, "elapsed_s", s->elapsed_s,
        "codec_s", s->codec_s, "prior_bytes", (json_int_t)s->prior);
}

int report_json(const char *path, const sl_stats *s)
{
    json_t *o = report_to_json(s);
    if (!o) return SL_ENOMEM;
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!text) return SL_ENOMEM;
    char why[256];
    size_t n = strlen(text);
    text[n] = '\n'; /* json_dumps leaves room for the NUL; the file ends in a newline */
    int rc = fileio_save(path, text, n + 1, 0644, why, sizeof why);
    free(text);
    return rc;
}

void report_progress(FILE *f, const char *who, uint64_t done, uint64_t total,
                     double bpc, double wire_bps, double eta_s)
{
    char a[32], b[32];
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;
    fprintf(f, "\r%s: %s/%s bytes %5.1f%%  %.3f bits/byte  %.1f kbit/s", who,
            units_commas(done, a), units_commas(total, b), pct, bpc, wire_bps / 1000.0);
    if (eta_s >= 0) fprintf(f, "  ETA %.0f s", eta_s);
    fprintf(f, "\033[K");   /* erase what a longer line left (only ever on a terminal) */
    fflush(f);
}
