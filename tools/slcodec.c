/* tools/slcodec.c — the codec alone as a file compressor: C and libc only,
 * so it builds for any target (the determinism check cross-compiles it).
 *
 *   slcodec c [-r NAME|FILE] [-k CHUNK] IN OUT   compress (IN may be -)
 *   slcodec d IN OUT                             decompress
 *   slcodec p NAME|FILE                          print the canonical recipe
 * OUT is written under a temporary name and renamed into place only when
 * complete, so a failed run never leaves a partial file under OUT. */
#include "../common/codec.h"
#include "../common/container.h"
#include "../common/err.h"
#include "../common/recipe.h"
#include "recipe_arg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int save_file(const char *path, const bytebuf *b)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) return SL_ENOMEM;
    snprintf(tmp, n + 16, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    int rc = 0;
    if (!f || fwrite(b->p, 1, b->len, f) != b->len) rc = SL_EIO;
    if (f && fclose(f)) rc = SL_EIO;
    if (!rc && rename(tmp, path)) rc = SL_EIO;
    if (rc) {
        fprintf(stderr, "slcodec: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return rc;
}

static int compress(const recipe_params *p, size_t chunk, const bytebuf *in,
                    bytebuf *out)
{
    char text[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(p, text, sizeof text);
    if (tl < 0) return tl;
    uint8_t hdr[8];
    memcpy(hdr, SLC_MAGIC, 4);
    le32_store(hdr + 4, (uint32_t)tl);
    int rc;
    if ((rc = bytebuf_append(out, hdr, 8)) ||
        (rc = bytebuf_append(out, text, (size_t)tl)))
        return rc;
    codec *c;
    if ((rc = codec_new(&c, p))) return rc;
    for (size_t off = 0; off < in->len && !rc; off += chunk) {
        size_t n = in->len - off < chunk ? in->len - off : chunk;
        size_t at = out->len;
        if ((rc = bytebuf_append(out, hdr, 8))) break;
        rc = codec_encode(c, in->p + off, n, out);
        le32_store(out->p + at, (uint32_t)n);
        le32_store(out->p + at + 4, (uint32_t)(out->len - at - 8));
    }
    uint8_t tail[20];
    le32_store(tail, 0);
    le64_store(tail + 4, in->len);
    le64_store(tail + 12, codec_digest(c));
    codec_free(c);
    return rc ? rc : bytebuf_append(out, tail, sizeof tail);
}

static int decompress(const bytebuf *in, bytebuf *out)
{
    const uint8_t *p = in->p, *end = in->p + in->len;
    if (in->len < 8 || memcmp(p, SLC_MAGIC, 4)) {
        fprintf(stderr, "slcodec: not an slcodec file (bad magic)\n");
        return SL_EFORMAT;
    }
    uint32_t tl = le32_load(p + 4);
    p += 8;
    if (tl > RECIPE_MAX_TEXT || (size_t)(end - p) < tl) {
        fprintf(stderr, "slcodec: recipe length %u is bad or truncated\n", tl);
        return SL_EFORMAT;
    }
    recipe_params rp;
    recipe_error e;
    int rc = recipe_parse((const char *)p, tl, &rp, &e);
    if (rc) {
        fprintf(stderr, "slcodec: recipe line %d: %s (%s)\n", e.line, e.msg,
                sl_errname(rc));
        return rc;
    }
    p += tl;
    codec *c;
    if ((rc = codec_new(&c, &rp))) return rc;
    for (;;) {
        if (end - p < 4) { rc = SL_ETRUNCATED; break; }
        uint32_t n = le32_load(p);
        p += 4;
        if (n == 0) break;
        if (end - p < 4) { rc = SL_ETRUNCATED; break; }
        uint32_t cl = le32_load(p);
        p += 4;
        if (n > SLC_MAX_CHUNK || cl > (size_t)(end - p)) {
            rc = n > SLC_MAX_CHUNK ? SL_ETOOBIG : SL_ETRUNCATED;
            break;
        }
        if ((rc = bytebuf_reserve(out, n))) break;
        if ((rc = codec_decode(c, p, cl, out->p + out->len, n))) break;
        out->len += n;
        p += cl;
    }
    if (!rc && end - p != 16) rc = SL_ETRUNCATED;
    if (!rc && le64_load(p) != out->len) rc = SL_ECORRUPT;
    if (!rc && le64_load(p + 8) != codec_digest(c)) rc = SL_ECORRUPT;
    codec_free(c);
    if (rc) fprintf(stderr, "slcodec: %s (%s)\n", sl_strerror(rc), sl_errname(rc));
    return rc;
}

static int usage(FILE *f)
{
    fprintf(f,
            "usage: slcodec c [-r NAME|FILE] [-k CHUNK] IN OUT   compress\n"
            "       slcodec d IN OUT                             decompress\n"
            "       slcodec p NAME|FILE                          print recipe\n"
            "presets:");
    for (int i = 0; recipe_preset_names[i]; i++) fprintf(f, " %s", recipe_preset_names[i]);
    fprintf(f, " (default: default); chunk default 1048576 bytes\n");
    return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) return usage(stdout);
    const char *recipe = "default";
    size_t chunk = 1 << 20;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc) recipe = argv[++i];
        else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
            char *endp;
            unsigned long v = strtoul(argv[++i], &endp, 10);
            if (*endp || v == 0 || v > SLC_MAX_CHUNK) {
                fprintf(stderr, "slcodec: chunk must be 1..%u bytes\n", SLC_MAX_CHUNK);
                return 2;
            }
            chunk = v;
        } else return usage(stderr);
    }
    recipe_params rp;
    if (!strcmp(argv[1], "p")) {
        if (argc != 3) return usage(stderr);
        if (recipe_from_arg("slcodec", argv[2], &rp)) return 1;
        char text[RECIPE_MAX_TEXT];
        if (recipe_canonical(&rp, text, sizeof text) < 0) return 1;
        fputs(text, stdout);
        return 0;
    }
    if (argc - i != 2 || (strcmp(argv[1], "c") && strcmp(argv[1], "d")))
        return usage(stderr);
    bytebuf in = {0}, out = {0};
    int rc = file_load("slcodec", argv[i], &in);
    if (!rc && argv[1][0] == 'c') {
        rc = recipe_from_arg("slcodec", recipe, &rp);
        if (!rc) rc = compress(&rp, chunk, &in, &out);
        if (rc) fprintf(stderr, "slcodec: compress failed: %s\n", sl_strerror(rc));
    } else if (!rc) {
        rc = decompress(&in, &out);
    }
    if (!rc) rc = save_file(argv[i + 1], &out);
    bytebuf_fini(&in);
    bytebuf_fini(&out);
    return rc ? 1 : 0;
}
