/* receiver/rcv_file.c — see rcv_file.h. */
#include "rcv_file.h"
#include "rcv_meta.h"
#include "../common/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int rcv_file_open(rcv_file *f, int fd, const char *name, size_t len, uint64_t size,
                  const uint8_t sha[32])
{
    memset(f, 0, sizeof *f);
    f->fd = fd;
    f->name = name;
    f->name_len = (int)len;
    f->size = size;
    memcpy(f->want, sha, 32);
    f->sha = sha256_new();
    if (!f->sha) {
        rcv_file_abort(f);
        return SL_ENOMEM;
    }
    return 0;
}

int rcv_file_write(rcv_file *f, const uint8_t *p, size_t n, char *err, size_t cap)
{
    sha256_update(f->sha, p, n);
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            snprintf(err, cap, "cannot write %.*s: %s", f->name_len, f->name, strerror(errno));
            return SL_EIO;
        }
        p += w;
        n -= (size_t)w;
        f->written += (uint64_t)w;
    }
    return 0;
}

int rcv_file_finish(rcv_file *f, char *err, size_t cap)
{
    uint8_t got[32];
    sha256_final(f->sha, got);
    f->sha = NULL;
    if (memcmp(got, f->want, 32)) {
        snprintf(err, cap, "%.*s: SHA-256 of the decoded bytes differs from the manifest",
                 f->name_len, f->name);
        rcv_file_abort(f);
        return SL_EPROTO_HASH;
    }
    int rc = rcv_meta_apply(f->fd, f->mode, (int64_t)f->mtime, 0, (mode_t)f->mask, err, cap);
    if (rc) {
        rcv_file_abort(f);
        return rc;
    }
    if (fsync(f->fd) || close(f->fd)) {
        f->fd = -1;
        snprintf(err, cap, "cannot write %.*s: %s", f->name_len, f->name, strerror(errno));
        return SL_EIO;
    }
    f->fd = -1;
    return 0;
}

void rcv_file_abort(rcv_file *f)
{
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    if (f->sha) sha256_free(f->sha);
    f->sha = NULL;
}
