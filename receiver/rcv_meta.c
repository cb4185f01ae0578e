/* receiver/rcv_meta.c — see rcv_meta.h. */
#include "rcv_meta.h"
#include "../common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mode_t rcv_meta_umask(void)
{
    mode_t m = umask(022);
    umask(m);
    return m;
}

static int set_mode_time(int fd, uint32_t mode, int64_t sec, uint32_t nsec, mode_t mask,
                         char *why, size_t cap)
{
    if (nsec > 999999999) {
        snprintf(why, cap, "modification time has %u nanoseconds", nsec);
        return SL_EINVAL;
    }
    if (fchmod(fd, (mode_t)(mode & 0777) & ~mask)) {
        snprintf(why, cap, "cannot set the mode: %s", strerror(errno));
        return SL_EIO;
    }
    struct timespec t[2] = {{0, UTIME_OMIT}, {(time_t)sec, (long)nsec}};
    if (futimens(fd, t)) {
        snprintf(why, cap, "cannot set the modification time: %s", strerror(errno));
        return SL_EIO;
    }
    return 0;
}

int rcv_meta_apply(int fd, uint32_t mode, int64_t mtime_s, uint32_t mtime_ns, mode_t mask,
                   char *why, size_t cap)
{
    return set_mode_time(fd, mode, mtime_s, mtime_ns, mask, why, cap);
}

int rcv_meta_mkdir(int dirfd, const char *name, uint32_t mode, int64_t mtime_s,
                   uint32_t mtime_ns, mode_t mask, int *made, char *why, size_t cap)
{
    *made = 0;
    if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
        snprintf(why, cap, "'%s' is not one path component", name);
        return SL_EPROTO_NAME;
    }
    /* Owner rwx while it is ours to fill; the carried mode comes last. */
    if (mkdirat(dirfd, name, 0700) == 0) *made = 1;
    else if (errno != EEXIST) {
        snprintf(why, cap, "cannot create directory %s: %s", name, strerror(errno));
        return SL_EIO;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, cap, "%s exists and is not a directory", name);
        return SL_EPROTO_NAME;
    }
    int rc = *made ? set_mode_time(fd, mode, mtime_s, mtime_ns, mask, why, cap) : 0;
    close(fd);
    if (rc && *made) {
        unlinkat(dirfd, name, AT_REMOVEDIR);
        *made = 0;
    }
    return rc;
}

int rcv_meta_mkdir_path(const char *outdir, const char *name, size_t len, uint32_t mode,
                        int64_t mtime_s, mode_t mask, char *why, size_t cap)
{
    char comp[4097];
    int fd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0, made;
    if (fd < 0) {
        snprintf(why, cap, "cannot open %s: %s", outdir, strerror(errno));
        return SL_EIO;
    }
    size_t a = 0;
    while (!rc) {
        const char *slash = memchr(name + a, '/', len - a);
        size_t b = slash ? (size_t)(slash - name) : len;
        if (b - a >= sizeof comp) {
            snprintf(why, cap, "a name component is too long");
            rc = SL_EPROTO_NAME;
            break;
        }
        memcpy(comp, name + a, b - a);
        comp[b - a] = 0;
        if (!slash) {
            rc = rcv_meta_mkdir(fd, comp, mode, mtime_s, 0, mask, &made, why, cap);
            break;
        }
        if (mkdirat(fd, comp, 0777) && errno != EEXIST) {
            snprintf(why, cap, "cannot create directory %.*s: %s", (int)b, name, strerror(errno));
            rc = SL_EIO;
            break;
        }
        int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            snprintf(why, cap, "%.*s exists and is not a directory", (int)b, name);
            rc = SL_EPROTO_NAME;
            break;
        }
        close(fd);
        fd = next;
        a = b + 1;
    }
    close(fd);
    return rc;
}
