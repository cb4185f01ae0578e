/* util/fileio.c — see fileio.h. */
#include "fileio.h"
#include "../common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fileio_load(const char *path, bytebuf *b, char *why, size_t cap)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
    if (fd < 0) {
        snprintf(why, cap, "cannot open %s: %s", path, strerror(errno));
        return SL_EIO;
    }
    int rc = 0;
    for (;;) {
        if ((rc = bytebuf_reserve(b, 1 << 16))) {
            snprintf(why, cap, "%s: out of memory", path);
            break;
        }
        ssize_t n = read(fd, b->p + b->len, b->cap - b->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            snprintf(why, cap, "cannot read %s: %s", path, strerror(errno));
            rc = SL_EIO;
            break;
        }
        if (n == 0) break;
        b->len += (size_t)n;
    }
    if (fd != 0) close(fd);
    return rc;
}

int fileio_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return SL_EIO;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int fileio_tmp_open(fileio_tmp *t, const char *path, int mode, char *why, size_t cap)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0, n = strlen(path);
    t->path = strdup(path);
    t->tmp = malloc(n + 16);
    if (!t->path || !t->tmp) {
        free(t->tmp);
        t->tmp = NULL;
        fileio_tmp_abort(t);
        snprintf(why, cap, "out of memory");
        return SL_ENOMEM;
    }
    snprintf(t->tmp, n + 16, "%.*s.%s.part-XXXXXX", (int)dir, path, path + dir);
    t->fd = mkstemp(t->tmp);
    if (t->fd < 0) {
        snprintf(why, cap, "cannot create a file beside %s: %s", path, strerror(errno));
        free(t->tmp);
        t->tmp = NULL;
        fileio_tmp_abort(t);
        return SL_EIO;
    }
    if (fchmod(t->fd, (mode_t)mode)) { /* mkstemp made it 0600 */
        snprintf(why, cap, "cannot set the mode of %s: %s", t->tmp, strerror(errno));
        fileio_tmp_abort(t);
        return SL_EIO;
    }
    return 0;
}

int fileio_tmp_commit(fileio_tmp *t, char *why, size_t cap)
{
    int rc = 0;
    if (fsync(t->fd)) {
        snprintf(why, cap, "cannot write %s: %s", t->path, strerror(errno));
        rc = SL_EIO;
    }
    if (close(t->fd) && !rc) {
        snprintf(why, cap, "cannot write %s: %s", t->path, strerror(errno));
        rc = SL_EIO;
    }
    t->fd = -1;
    if (!rc && rename(t->tmp, t->path)) {
        snprintf(why, cap, "cannot rename into %s: %s", t->path, strerror(errno));
        rc = SL_EIO;
    }
    if (!rc) {
        free(t->tmp);
        t->tmp = NULL;
    }
    fileio_tmp_abort(t);
    return rc;
}

void fileio_tmp_abort(fileio_tmp *t)
{
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
    if (t->tmp) unlink(t->tmp);
    free(t->tmp);
    free(t->path);
    t->tmp = t->path = NULL;
}

int fileio_save(const char *path, const void *p, size_t n, int mode, char *why, size_t cap)
{
    fileio_tmp t;
    int rc = fileio_tmp_open(&t, path, mode, why, cap);
    if (rc) return rc;
    if (fileio_write_all(t.fd, p, n)) {
        snprintf(why, cap, "cannot write %s: %s", path, strerror(errno));
        fileio_tmp_abort(&t);
        return SL_EIO;
    }
    return fileio_tmp_commit(&t, why, cap);
}

/* Makes one directory; an existing directory is fine, anything else there is not. */
static int mkdir_one(const char *path, int mode, int *made, char *why, size_t cap)
{
    struct stat st;
    *made = 0;
    if (mkdir(path, (mode_t)mode) == 0) {
        *made = 1;
        return 0;
    }
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    if (errno == EEXIST)
        snprintf(why, cap, "%s exists and is not a directory", path);
    else
        snprintf(why, cap, "cannot create directory %s: %s", path, strerror(errno));
    return SL_EIO;
}

int fileio_mkdirs(const char *path, int mode, int *created, char *why, size_t cap)
{
    *created = 0;
    char *p = strdup(path);
    if (!p) {
        snprintf(why, cap, "out of memory");
        return SL_ENOMEM;
    }
    size_t l = strlen(p);
    while (l > 1 && p[l - 1] == '/') p[--l] = 0;   /* "received/" is "received" */
    int rc = 0, made = 0;
    for (char *s = p + 1; *s && !rc; s++) {
        if (*s != '/' || s[-1] == '/') continue;
        *s = 0;
        rc = mkdir_one(p, mode, &made, why, cap);
        *s = '/';
    }
    if (!rc) rc = mkdir_one(p, mode, created, why, cap);
    free(p);
    return rc;
}
