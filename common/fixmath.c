/* common/fixmath.c — see fixmath.h. */
#include "fixmath.h"

double fm_exp(double x)
{
    /* e^x = (e^(x/1024))^1024: a short Taylor series near zero, then ten
     * squarings. Relative error ~1e-13, far below what the tables keep. */
    double r = x / 1024.0, term = 1.0, sum = 1.0;
    for (int i = 1; i <= 12; i++) {
        term = term * r / (double)i;
        sum = sum + term;
    }
    for (int i = 0; i < 10; i++) sum = sum * sum;
    return sum;
}

double fm_log2(double x)
{
    /* Scale into [1, 2), then ln(m) = 2 atanh((m - 1) / (m + 1)). */
    double e = 0.0;
    while (x >= 2.0) { x = x / 2.0; e = e + 1.0; }
    while (x < 1.0)  { x = x * 2.0; e = e - 1.0; }
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, pw = z, sum = 0.0;
    for (int k = 1; k < 60; k += 2) {
        sum = sum + pw / (double)k;
        pw = pw * z2;
    }
    const double ln2 = 0.69314718055994530942;
    return e + 2.0 * sum / ln2;
}

void sq_table_init(sq_table *t)
{
    for (int st = -SQ_LIM; st <= SQ_LIM; st++) {
        double p = 65536.0 / (1.0 + fm_exp(-(double)st / 256.0));
        int v = (int)(p + 0.5);
        if (v < 1) v = 1;
        if (v > 65535) v = 65535;
        t->squash[st + SQ_LIM] = (uint16_t)v;
    }
    /* stretch is the inverse of squash on 12-bit buckets: the smallest
     * st whose squash reaches the bucket, so stretch(squash(x)) ~ x. */
    int pi = 0;
    for (int st = -SQ_LIM; st <= SQ_LIM; st++) {
        int v = t->squash[st + SQ_LIM] >> 4;
        for (int j = pi; j <= v; j++) t->stretch[j] = (int16_t)st;
        pi = v + 1;
    }
    for (int j = pi; j < 4096; j++) t->stretch[j] = SQ_LIM;
}
