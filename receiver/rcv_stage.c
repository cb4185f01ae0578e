/* receiver/rcv_stage.c — see rcv_stage.h. */
#define _GNU_SOURCE   /* renameat2 */
#include "rcv_stage.h"
#include "rcv_meta.h"
#include "../common/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define DIR_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define JOURNAL   "journal"
#define LOCKFILE  "lock"

/* What a publish did, so that it can be undone. */
typedef struct undo {
    uint32_t  published;      /* files [0, published) are in place */
    uint8_t  *exchanged;      /* per file: it replaced an older one */
    struct { uint32_t file; uint16_t len; } *dirs;   /* directories made: name prefixes */
    size_t    ndirs, cap;
} undo;

int rcv_stage_open_out(const char *path, char *why, size_t cap)
{
    int fd = open(path, O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) snprintf(why, cap, "cannot open --out %s: %s", path, strerror(errno));
    return fd < 0 ? SL_EIO : fd;
}

/* Copies component [a, b) of a manifest name into a C string. */
static void comp_copy(char dst[MSG_MAX_NAME + 1], const char *name, size_t a, size_t b)
{
    memcpy(dst, name + a, b - a);
    dst[b - a] = 0;
}

/* Notes a directory the publish made (a prefix of file's name), for rollback. */
static int note_dir(undo *u, uint32_t file, size_t len)
{
    if (u->ndirs == u->cap) {
        size_t nc = u->cap ? u->cap * 2 : 16;
        void *t = realloc(u->dirs, nc * sizeof *u->dirs);
        if (!t) return SL_ENOMEM;
        u->dirs = t;
        u->cap = nc;
    }
    u->dirs[u->ndirs].file = file;
    u->dirs[u->ndirs++].len = (uint16_t)len;
    return 0;
}

/* Opens the directory holding `name`'s last component, walking from `out`
 * one component at a time with O_NOFOLLOW. create: makes missing ones
 * (recorded in u for rollback). Returns the fd, or a negative code with
 * why filled in; *leaf is where the last component starts. ENOENT when
 * not creating returns SL_EIO with errno == ENOENT. */
static int open_parent(int out, const char *name, size_t len, size_t *leaf, undo *u,
                       uint32_t file, char *why, size_t cap)
{
    char comp[MSG_MAX_NAME + 1];
    int fd = dup(out);
    size_t a = 0;
    if (fd < 0) goto sys;
    for (;;) {
        const char *slash = memchr(name + a, '/', len - a);
        if (!slash) break;
        size_t b = (size_t)(slash - name);
        comp_copy(comp, name, a, b);
        int next = openat(fd, comp, DIR_FLAGS);
        if (next < 0 && errno == ENOENT && u) {
            if (mkdirat(fd, comp, 0755) && errno != EEXIST) goto sys_close;
            if (errno != EEXIST && note_dir(u, file, b)) {
                close(fd);
                snprintf(why, cap, "out of memory");
                return SL_ENOMEM;
            }
            next = openat(fd, comp, DIR_FLAGS);
        }
        if (next < 0 && (errno == ENOTDIR || errno == ELOOP)) {
            close(fd);
            snprintf(why, cap, "%.*s exists and is not a directory", (int)b, name);
            return SL_EEXIST;
        }
        if (next < 0) goto sys_close;
        close(fd);
        fd = next;
        a = b + 1;
    }
    *leaf = a;
    return fd;
sys_close:
    { int e = errno; close(fd); errno = e; }
sys:
    snprintf(why, cap, "cannot open the directory of %.*s: %s", (int)len, name,
             strerror(errno));
    return SL_EIO;
}

static int reserved(const char *name, size_t len)
{
    size_t n = strlen(RCV_STAGE_DIR);
    return len >= n && !memcmp(name, RCV_STAGE_DIR, n) && (len == n || name[n] == '/');
}

/* One file's preflight: 0, SL_EEXIST or SL_EIO. */
static int check_one(int out, const msg_file *f, int overwrite, char *why, size_t cap)
{
    size_t leaf;
    int fd = open_parent(out, f->name, f->name_len, &leaf, NULL, 0, why, cap);
    if (fd == SL_EIO && errno == ENOENT) return 0;     /* a directory to be made */
    if (fd < 0) return fd;
    char comp[MSG_MAX_NAME + 1];
    comp_copy(comp, f->name, leaf, f->name_len);
    struct stat st;
    int rc = 0, dir = (f->mode & MSG_MODE_DIR) != 0;
    if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW)) {
        if (errno != ENOENT) {
            snprintf(why, cap, "cannot look at %.*s: %s", (int)f->name_len, f->name,
                     strerror(errno));
            rc = SL_EIO;
        }
    } else if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        /* An existing directory is fine for an empty directory; a file
         * never replaces a directory, a symlink or a device. */
        snprintf(why, cap, "%.*s exists and is not a %s", (int)f->name_len, f->name,
                 dir ? "directory" : "regular file");
        rc = SL_EEXIST;
    } else if (!dir && !overwrite) {
        snprintf(why, cap, "%.*s exists (the receiver was not started with --overwrite)",
                 (int)f->name_len, f->name);
        rc = SL_EEXIST;
    }
    close(fd);
    return rc;
}

int rcv_stage_check(int out, const msg_manifest *m, int overwrite, char *why, size_t cap)
{
    for (uint32_t i = 0; i < m->nfiles; i++) {
        const msg_file *f = &m->files[i];
        if (reserved(f->name, f->name_len)) {
            snprintf(why, cap, "%.*s: names under %s are reserved by the receiver",
                     (int)f->name_len, f->name, RCV_STAGE_DIR);
            return SL_EPROTO_NAME;
        }
        int rc = check_one(out, f, overwrite, why, cap);
        if (rc) return rc;
    }
    return 0;
}

/* Removes every entry of a staging directory (they are plain files). */
static void clear_dir(int dir, int keep_lock)
{
    int d2 = dup(dir);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (!d) { if (d2 >= 0) close(d2); return; }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (keep_lock && !strcmp(e->d_name, LOCKFILE)) continue;
        unlinkat(dir, e->d_name, 0);
    }
    closedir(d);
}

static int open_root(int out)
{
    if (mkdirat(out, RCV_STAGE_DIR, 0700) && errno != EEXIST) return -1;
    return openat(out, RCV_STAGE_DIR, DIR_FLAGS);
}

int rcv_stage_open(rcv_stage *s, int out, const uint8_t id[16], char *why, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->out = out;
    s->dir = s->lock = -1;
    for (int i = 0; i < 16; i++) snprintf(s->name + 2 * i, 3, "%02x", id[i]);
    /* A session that ends removes .sl-staging when it is left empty
     * (rcv_stage_close): if that happens between our opening it and
     * making our directory in it, the directory is gone (ENOENT); then
     * start again. */
    for (int tries = 0; tries < 8; tries++) {
        int root = open_root(out);
        if (root < 0) {
            if (errno == ENOENT) continue;
            snprintf(why, cap, "cannot make the staging directory: %s", strerror(errno));
            return SL_EIO;
        }
        int made = mkdirat(root, s->name, 0700) == 0;
        s->existed = !made && errno == EEXIST;
        s->dir = made || s->existed ? openat(root, s->name, DIR_FLAGS) : -1;
        close(root);
        if (s->dir >= 0 || errno != ENOENT) break;
    }
    if (s->dir >= 0) s->lock = openat(s->dir, LOCKFILE, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC,
                                      0600);
    if (s->dir < 0 || s->lock < 0) {
        snprintf(why, cap, "cannot open the staging directory: %s", strerror(errno));
        rcv_stage_close(s, 1);
        return SL_EIO;
    }
    if (flock(s->lock, LOCK_EX | LOCK_NB)) {
        snprintf(why, cap, "the same session is already in progress");
        rcv_stage_close(s, 1);
        return SL_EBUSY;
    }
    return 0;
}

int rcv_stage_create(rcv_stage *s, uint32_t index)
{
    char f[16];
    snprintf(f, sizeof f, "f%u", index);
    int fd = openat(s->dir, f, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    return fd < 0 ? SL_EIO : fd;
}

/* renameat2 with a fallback where the file system lacks it: NOREPLACE
 * by link + unlink, EXCHANGE by two renames through the staging dir. */
static int move_noreplace(int from, const char *a, int to, const char *b)
{
    if (renameat2(from, a, to, b, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    if (linkat(from, a, to, b, 0)) return -1;
    unlinkat(from, a, 0);
    return 0;
}

static int move_exchange(int stage, const char *a, int dir, const char *b)
{
    if (renameat2(stage, a, dir, b, RENAME_EXCHANGE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    char old[24];
    snprintf(old, sizeof old, "o%s", a);
    if (renameat(dir, b, stage, old)) return -1;
    if (renameat(stage, a, dir, b)) { renameat(stage, old, dir, b); return -1; }
    return renameat(stage, old, stage, a);
}

/* Moves staged file i into place. (Issue 12: a symlink or an empty
 * directory staged as entry i by rcv_meta moves the same way, by renameat2
 * from the staging directory to its parent's descriptor.) */
static int publish_one(rcv_stage *s, const msg_file *f, uint32_t i, int overwrite, undo *u,
                       char *why, size_t cap)
{
    size_t leaf;
    int dir = open_parent(s->out, f->name, f->name_len, &leaf, u, i, why, cap);
    if (dir < 0) return dir;
    char comp[MSG_MAX_NAME + 1], staged[16];
    comp_copy(comp, f->name, leaf, f->name_len);
    snprintf(staged, sizeof staged, "f%u", i);
    int rc = 0;
    struct stat st;
    if (move_noreplace(s->dir, staged, dir, comp) == 0) {
        u->exchanged[i] = 0;
    } else if (errno != EEXIST) {
        rc = SL_EIO;
    } else if (!overwrite) {
        snprintf(why, cap, "%.*s appeared while the session ran (not overwritten)",
                 (int)f->name_len, f->name);
        rc = SL_EEXIST;
    } else if (fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode)) {
        snprintf(why, cap, "%.*s exists and is not a regular file", (int)f->name_len, f->name);
        rc = SL_EEXIST;
    } else if (move_exchange(s->dir, staged, dir, comp) == 0) {
        u->exchanged[i] = 1;
    } else {
        rc = SL_EIO;
    }
    if (rc == SL_EIO)
        snprintf(why, cap, "cannot move %.*s into place: %s", (int)f->name_len, f->name,
                 strerror(errno));
    if (!rc && fsync(dir)) {
        snprintf(why, cap, "cannot sync the directory of %.*s: %s", (int)f->name_len, f->name,
                 strerror(errno));
        rc = SL_EIO;
        u->published = i + 1;   /* it moved: the rollback takes it back */
    }
    close(dir);
    return rc;
}

/* Takes back files [0, u->published) and removes the directories made. */
static void rollback(rcv_stage *s, const msg_manifest *m, undo *u)
{
    char why[64], comp[MSG_MAX_NAME + 1], staged[16];
    while (u->published) {
        uint32_t i = --u->published;
        const msg_file *f = &m->files[i];
        if (f->mode & MSG_MODE_DIR) continue;   /* removed with the directories below */
        size_t leaf;
        int dir = open_parent(s->out, f->name, f->name_len, &leaf, NULL, 0, why, sizeof why);
        if (dir < 0) continue;
        comp_copy(comp, f->name, leaf, f->name_len);
        snprintf(staged, sizeof staged, "f%u", i);
        if (u->exchanged[i]) move_exchange(s->dir, staged, dir, comp);
        else renameat(dir, comp, s->dir, staged);
        close(dir);
    }
    while (u->ndirs) {
        u->ndirs--;
        const msg_file *f = &m->files[u->dirs[u->ndirs].file];
        size_t leaf, len = u->dirs[u->ndirs].len;
        int dir = open_parent(s->out, f->name, len, &leaf, NULL, 0, why, sizeof why);
        if (dir < 0) continue;
        comp_copy(comp, f->name, leaf, len);
        unlinkat(dir, comp, AT_REMOVEDIR);   /* fails, rightly, if another session used it */
        close(dir);
    }
}

/* An empty directory of the manifest, made after every file. */
static int publish_dir(rcv_stage *s, const msg_file *f, uint32_t i, mode_t mask, undo *u,
                       char *why, size_t cap)
{
    size_t leaf;
    int dir = open_parent(s->out, f->name, f->name_len, &leaf, u, i, why, cap);
    if (dir < 0) return dir;
    char comp[MSG_MAX_NAME + 1];
    comp_copy(comp, f->name, leaf, f->name_len);
    int made = 0;
    int rc = rcv_meta_mkdir(dir, comp, f->mode, (int64_t)f->mtime, 0, mask, &made, why, cap);
    if (!rc && made && note_dir(u, i, f->name_len)) rc = SL_ENOMEM;
    close(dir);
    return rc;
}

int rcv_stage_publish(rcv_stage *s, const msg_manifest *m, int overwrite, mode_t mask,
                      char *why, size_t cap)
{
    undo u;
    memset(&u, 0, sizeof u);
    u.exchanged = calloc(m->nfiles ? m->nfiles : 1, 1);
    if (!u.exchanged) {
        snprintf(why, cap, "out of memory");
        return SL_ENOMEM;
    }
    int rc = 0;
    for (uint32_t i = 0; i < m->nfiles && !rc; i++) {
        if (!(m->files[i].mode & MSG_MODE_DIR))
            rc = publish_one(s, &m->files[i], i, overwrite, &u, why, cap);
        if (!rc) u.published = i + 1;
    }
    /* Empty directories last: a file made inside one would change its time. */
    for (uint32_t i = 0; i < m->nfiles && !rc; i++)
        if (m->files[i].mode & MSG_MODE_DIR)
            rc = publish_dir(s, &m->files[i], i, mask, &u, why, cap);
    if (rc) rollback(s, m, &u);
    free(u.exchanged);
    free(u.dirs);
    return rc;
}

void rcv_stage_close(rcv_stage *s, int keep)
{
    if (s->dir >= 0 && !keep) {
        clear_dir(s->dir, 0);
        int root = openat(s->out, RCV_STAGE_DIR, DIR_FLAGS);
        if (root >= 0) {
            unlinkat(root, s->name, AT_REMOVEDIR);
            close(root);
        }
        /* .sl-staging itself, when no other session is staged there (the
         * kernel removes only an empty directory; rcv_stage_open copes
         * with losing the race to a session just starting). */
        unlinkat(s->out, RCV_STAGE_DIR, AT_REMOVEDIR);
    }
    if (s->dir >= 0) close(s->dir);
    if (s->lock >= 0) close(s->lock);   /* releases the flock */
    s->dir = s->lock = -1;
}

/* One entry of .sl-staging at start: 1 kept, 0 removed, -1 busy or odd. */
static int sweep_one(int root, const char *name, double max_age_s)
{
    int dir = openat(root, name, DIR_FLAGS);
    if (dir < 0) return unlinkat(root, name, 0) == 0 ? 0 : -1;   /* not a directory */
    int lock = openat(dir, LOCKFILE, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
        if (lock >= 0) close(lock);
        close(dir);
        return -1;
    }
    struct stat st;
    int keep = fstatat(dir, JOURNAL, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
               st.st_size > 0 && difftime(time(NULL), st.st_mtime) < max_age_s;
    if (!keep) {
        clear_dir(dir, 0);
        unlinkat(root, name, AT_REMOVEDIR);
    }
    close(lock);
    close(dir);
    return keep;
}

int rcv_stage_sweep(int out, double max_age_s, int *kept, int *removed)
{
    *kept = *removed = 0;
    int root = openat(out, RCV_STAGE_DIR, DIR_FLAGS);
    if (root < 0) return errno == ENOENT ? 0 : SL_EIO;
    int d2 = dup(root);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (!d) {
        if (d2 >= 0) close(d2);
        close(root);
        return SL_EIO;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        int r = sweep_one(root, e->d_name, max_age_s);
        if (r == 1) (*kept)++;
        else if (r == 0) (*removed)++;
    }
    closedir(d);
    close(root);
    unlinkat(out, RCV_STAGE_DIR, AT_REMOVEDIR);   /* only if now empty */
    return 0;
}
