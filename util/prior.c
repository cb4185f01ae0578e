/* util/prior.c — see prior.h. */
#include "prior.h"
#include "fileio.h"
#include "sha256.h"
#include "units.h"
#include "../common/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int prior_load(sl_prior *pr, const char *path, char *why, size_t cap)
{
    memset(pr, 0, sizeof *pr);
    bytebuf b = {0};
    int rc = fileio_load(path, &b, why, cap);
    if (rc) { bytebuf_fini(&b); return rc; }
    if (b.len == 0) {
        snprintf(why, cap, "prior %s is empty", path);
        bytebuf_fini(&b);
        return SL_EINVAL;
    }
    pr->data = b.p;
    pr->size = b.len;
    pr->owned = 1;
    sha256_once(pr->data, b.len, pr->sha256);
    return 0;
}

void prior_from_memory(sl_prior *pr, const uint8_t *data, uint64_t size)
{
    memset(pr, 0, sizeof *pr);
    pr->data = (uint8_t *)data;
    pr->size = size;
    sha256_once(data, (size_t)size, pr->sha256);
}

void prior_to_recipe(const sl_prior *pr, recipe_params *rp)
{
    rp->prior_size = pr->size;
    memcpy(rp->prior_sha256, pr->sha256, 32);
}

void prior_describe(const recipe_params *rp, char *out, size_t cap)
{
    char hex[65], n[32];
    sha256_hex(rp->prior_sha256, hex);
    snprintf(out, cap, "SHA-256 %.12s…%.4s, %s bytes", hex, hex + 60,
             units_commas(rp->prior_size, n));
}

/* Reads the whole of an open regular file of the expected size. */
static int read_candidate(int fd, uint64_t size, uint8_t **out)
{
    uint8_t *p = malloc(size ? (size_t)size : 1);
    if (!p) return SL_ENOMEM;
    uint64_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, p + got, (size_t)(size - got) < (1u << 30)
                                          ? (size_t)(size - got) : (1u << 30));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { free(p); return SL_EIO; }
        got += (uint64_t)r;
    }
    *out = p;
    return 0;
}

int prior_find(sl_prior *pr, const char *dir, const recipe_params *rp, char *why,
               size_t cap)
{
    memset(pr, 0, sizeof *pr);
    char what[160];
    prior_describe(rp, what, sizeof what);
    if (!dir) {
        snprintf(why, cap, "the recipe names a prior (%s) and this receiver has none "
                           "(give it --priors DIR)", what);
        return SL_EPRIOR_MISSING;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
    if (!d) {
        snprintf(why, cap, "cannot read --priors %s: %s", dir, strerror(errno));
        if (dfd >= 0) close(dfd);
        return SL_EPRIOR_MISSING;
    }
    struct dirent *de;
    int rc = SL_EPRIOR_MISSING;
    while (rc == SL_EPRIOR_MISSING && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;   /* ., .., and hidden temporaries */
        int fd = openat(dfd, de->d_name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st;
        if (fd < 0) continue;
        uint8_t *p = NULL, h[32];
        if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size == rp->prior_size &&
            read_candidate(fd, rp->prior_size, &p) == 0) {
            sha256_once(p, (size_t)rp->prior_size, h);
            if (memcmp(h, rp->prior_sha256, 32) == 0) {
                pr->data = p;
                pr->owned = 1;
                pr->size = rp->prior_size;
                memcpy(pr->sha256, h, 32);
                rc = 0;
            } else {
                free(p);
            }
        }
        close(fd);
    }
    closedir(d);
    if (rc) snprintf(why, cap, "the recipe's prior (%s) is not in --priors %s", what, dir);
    return rc;
}

int prior_train(codec *c, const uint8_t *data, uint64_t size, uint64_t *prior_bytes)
{
    bytebuf out = {0};
    uint64_t total = 0;
    int rc = 0;
    for (uint64_t off = 0; off < size && !rc; off += PRIOR_PIECE) {
        size_t n = size - off < PRIOR_PIECE ? (size_t)(size - off) : PRIOR_PIECE;
        out.len = 0;
        rc = codec_encode(c, data + off, n, &out);
        total += out.len < n ? out.len : n;
    }
    bytebuf_fini(&out);
    if (prior_bytes) *prior_bytes = rc ? 0 : total;
    return rc;
}

void prior_free(sl_prior *pr)
{
    if (pr->owned) free(pr->data);
    memset(pr, 0, sizeof *pr);
}
