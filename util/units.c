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

int units_rate(const char *s, uint64_t *bps)
{
    uint64_t m;
    const char *u = number_milli(s, &m);
    if (!u) return SL_EINVAL;
    static const struct { const char *unit; uint64_t mult; } tab[] = {
        {"", 1}, {"bit", 1}, {"bps", 1},
        {"kbit", 1000}, {"kbps", 1000}, {"mbit", 1000000}, {"mbps", 1000000},
        {"gbit", 1000000000}, {"gbps", 1000000000},
        {"B", 8}, {"KB", 8000}, {"MB", 8000000}, {"GB", 8000000000ull},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        int bytes = strchr(tab[i].unit, 'B') != NULL;
        if (bytes ? strcmp(u, tab[i].unit) == 0 : strcasecmp(u, tab[i].unit) == 0)
            return scaled(m, tab[i].mult, bps);
    }
    return SL_EINVAL;
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
