/* receiver/rcv_file.c — see rcv_file.h. */
#include "rcv_file.h"
#include "rcv_meta.h"
#include "../common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t cap, int code, const char *what, const char *path)
{
    snprintf(err, cap, "%s %s: %s", what, path, strerror(errno));
    return code;
}

/* mkdir -p for the parents of path (relative to outdir, already joined). */
static int make_parents(char *path, size_t base_len, char *err, size_t cap)
{
    for (char *p = path + base_len + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                snprintf(err, cap, "%s exists and is not a directory", path);
                *p = '/';
                return SL_EPROTO_NAME;
            }
        } else if (mkdir(path, 0755) && errno != EEXIST) {
            int rc = fail(err, cap, SL_EIO, "cannot create directory", path);
            *p = '/';
            return rc;
        }
        *p = '/';
    }
    return 0;
}

int rcv_file_open(rcv_file *f, const char *outdir, const char *name, size_t len,
                  uint64_t size, const uint8_t sha[32], char *err, size_t cap)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    size_t dl = strlen(outdir);
    f->final = malloc(dl + len + 2);
    f->tmp = malloc(dl + len + 16);
    f->sha = sha256_new();
    if (!f->final || !f->tmp || !f->sha) {
        rcv_file_abort(f);
        return SL_ENOMEM;
    }
    memcpy(f->final, outdir, dl);
    f->final[dl] = '/';
    memcpy(f->final + dl + 1, name, len);
    f->final[dl + 1 + len] = 0;
    int rc = make_parents(f->final, dl, err, cap);
    if (rc) { rcv_file_abort(f); return rc; }
    struct stat st;
    if (lstat(f->final, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, cap, "%s exists and is not a regular file", f->final);
        rcv_file_abort(f);
        return SL_EPROTO_NAME;
    }
    const char *slash = strrchr(f->final, '/');
    size_t dirlen = (size_t)(slash - f->final);
    snprintf(f->tmp, dl + len + 16, "%.*s/.%s.sl-XXXXXX", (int)dirlen, f->final, slash + 1);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        rc = fail(err, cap, SL_EIO, "cannot create", f->tmp);
        free(f->tmp);
        f->tmp = NULL;
        rcv_file_abort(f);
        return rc;
    }
    f->size = size;
    memcpy(f->want, sha, 32);
    return 0;
}

int rcv_file_write(rcv_file *f, const uint8_t *p, size_t n, char *err, size_t cap)
{
    sha256_update(f->sha, p, n);
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return fail(err, cap, SL_EIO, "cannot write", f->tmp);
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
        snprintf(err, cap, "%s: SHA-256 of the decoded bytes differs from the manifest",
                 f->final);
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
        rc = fail(err, cap, SL_EIO, "cannot write", f->tmp);
        rcv_file_abort(f);
        return rc;
    }
    f->fd = -1;
    return 0;
}

int rcv_file_commit(rcv_file *f, char *err, size_t cap)
{
    if (rename(f->tmp, f->final)) {
        int rc = fail(err, cap, SL_EIO, "cannot rename into place", f->final);
        rcv_file_abort(f);
        return rc;
    }
    free(f->tmp);
    free(f->final);
    f->tmp = f->final = NULL;
    return 0;
}

void rcv_file_abort(rcv_file *f)
{
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    free(f->final);
    f->tmp = f->final = NULL;
    if (f->sha) sha256_free(f->sha);
    f->sha = NULL;
}
