/* util/units.c — see units.h. */
#include "units.h"
#include "../common/err.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Leading decimal digits (a fraction like 1.5 allowed) as value * 1000. */
static const char *number_milli(const char *s, uint64_t *milli)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9') return NULL;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX / 10 - 9) / 1000) return NULL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    v *= 1000;
    if (*p == '.') {
        uint64_t scale = 100;
        p++;
        if (*p < '0' || *p > '9') return NULL;
        for (; *p >= '0' && *p <= '9'; p++) {
            v += (uint64_t)(*p - '0') * scale;
            scale /= 10;
        }
    }
    *milli = v;
    return p;
}

static int scaled(uint64_t milli, uint64_t mult, uint64_t *out)
{
    if (milli > UINT64_MAX / mult) return SL_EINVAL;
    *out = milli * mult / 1000;
    return 0;
}

/* The unit after the number: a prefix (k, M, G in either case, powers of
 * 1000), then bits ("", bit, bits, bps, bit/s, any case) or bytes (a capital
 * B: B, B/s, Bps; or byte, bytes, bytes/s). A lone lower-case "b" ("56kb")
 * is refused: people mean either. Sets *mult to bits per second per unit;
 * returns 0 ok, 1 ambiguous, -1 unknown. */
static int rate_unit(const char *u, uint64_t *mult)
{
    uint64_t pre = 1;
    switch (*u) {
    case 'k': case 'K': pre = 1000; u++; break;
    case 'm': case 'M': pre = 1000000; u++; break;
    case 'g': case 'G': pre = 1000000000; u++; break;
    default: break;
    }
    static const char *const bits[] = {"", "bit", "bits", "bps", "bit/s", "bits/s"};
    static const char *const bytes[] = {"B", "B/s", "Bps", "byte", "bytes", "byte/s",
                                        "bytes/s"};
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++)
        if (!strcmp(u, bytes[i]) || (i >= 3 && !strcasecmp(u, bytes[i]))) {
            *mult = pre * 8;
            return 0;
        }
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (!strcasecmp(u, bits[i]) && *u != 'B') {
            *mult = pre;
            return 0;
        }
    if (!strcmp(u, "b") || !strcmp(u, "b/s")) return 1;
    return -1;
}

int units_rate_why(const char *s, uint64_t *bps, char *why, size_t cap)
{
    if (!strcmp(s, "0") || !strcasecmp(s, "unlimited")) {
        *bps = 0;
        return 0;
    }
    uint64_t m, mult;
    const char *u = number_milli(s, &m);
    int kind = u ? rate_unit(u, &mult) : -1;
    if (kind == 1) {
        int n = (int)(u - s) + (strchr("kKmMgG", *u) ? 1 : 0); /* number and prefix */
        snprintf(why, cap, "'%s' is ambiguous: write %.*sbit for bits per second or "
                 "%.*sB/s for bytes per second", s, n, s, n, s);
        return SL_EINVAL;
    }
    if (kind < 0 || scaled(m, mult, bps)) {
        snprintf(why, cap, "'%s' is not a rate: write 56k, 56kbit/s, 1M, 7KB/s, "
                 "or 0 (unlimited)", s);
        return SL_EINVAL;
    }
    if (*bps == 0) {
        snprintf(why, cap, "'%s' is less than 1 bit/s: write 0 or unlimited for no limit", s);
        return SL_EINVAL;
    }
    return 0;
}

int units_rate(const char *s, uint64_t *bps)
{
    char why[8];
    return units_rate_why(s, bps, why, sizeof why);
}

int units_size(const char *s, uint64_t *bytes)
{
    uint64_t m;
    const char *u = number_milli(s, &m);
    if (!u) return SL_EINVAL;
    uint64_t mult = 1;
    if (*u) {
        switch (*u) {
        case 'k': case 'K': mult = 1ull << 10; break;
        case 'm': case 'M': mult = 1ull << 20; break;
        case 'g': case 'G': mult = 1ull << 30; break;
        case 't': case 'T': mult = 1ull << 40; break;
        case 'b': case 'B': mult = 1; u--; break;
        default: return SL_EINVAL;
        }
        u++;
        if (strcmp(u, "") && strcmp(u, "B") && strcmp(u, "iB") && strcmp(u, "b"))
            return SL_EINVAL;
    }
    return scaled(m, mult, bytes);
}

int units_ms(const char *s, uint64_t *ms)
{
    uint64_t m;
    const char *u = number_milli(s, &m);
    if (!u) return SL_EINVAL;
    if (!*u || !strcmp(u, "ms")) return scaled(m, 1, ms);
    if (!strcmp(u, "s")) return scaled(m, 1000, ms);
    return SL_EINVAL;
}

const char *units_commas(uint64_t v, char buf[32])
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v), o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
    return buf;
}
