/* sender/snd_walk.c — see snd_walk.h. */
#include "snd_walk.h"
#include "../common/bytebuf.h"
#include "../common/err.h"
#include "../proto/msg.h"
#include "../util/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* st: where mode and time come from (NULL: stdin). */
static int add(snd_inputs *in, char *path, char *name, uint8_t *data, uint64_t size,
               const struct stat *st)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        snd_input *v = realloc(in->v, cap * sizeof *v);
        if (!v) return SL_ENOMEM;
        in->v = v;
        in->cap = cap;
    }
    snd_input *x = &in->v[in->n++];
    memset(x, 0, sizeof *x);
    x->path = path;
    x->name = name;
    x->data = data;
    x->size = size;
    if (st) {
        x->mode = (uint32_t)(st->st_mode & 0777);
        x->mtime = st->st_mtim.tv_sec > 0 ? (uint64_t)st->st_mtim.tv_sec : 0;
        x->dir = S_ISDIR(st->st_mode);
    } else {
        mode_t mask = umask(022);
        umask(mask);
        x->mode = 0644 & ~(uint32_t)mask;
        x->mtime = (uint64_t)time(NULL);
    }
    in->total += size;
    return 0;
}

static int note(snd_inputs *in, const char *fmt, const char *a, const char *b)
{
    char line[8400];
    snprintf(line, sizeof line, fmt, a, b);
    char **v = realloc(in->notes, (in->nnotes + 1) * sizeof *v);
    if (!v) return SL_ENOMEM;
    in->notes = v;
    if (!(v[in->nnotes] = strdup(line))) return SL_ENOMEM;
    in->nnotes++;
    return 0;
}

/* The directories being walked, outermost first: a symlink to one of them
 * would walk for ever. */
typedef struct walk_stack {
    const struct walk_stack *up;
    dev_t dev;
    ino_t ino;
} walk_stack;

static int on_stack(const walk_stack *w, const struct stat *st)
{
    for (; w; w = w->up)
        if (w->dev == st->st_dev && w->ino == st->st_ino) return 1;
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_case(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* A Windows device name, with or without an extension. */
static int is_device(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n);
    size_t base = dot ? (size_t)(dot - s) : n;
    static const char *const dev[] = {"CON", "PRN", "AUX", "NUL"};
    for (int i = 0; i < 4; i++)
        if (base == 3 && !strncasecmp(s, dev[i], 3)) return 1;
    return base == 4 && (!strncasecmp(s, "COM", 3) || !strncasecmp(s, "LPT", 3)) &&
           s[3] >= '1' && s[3] <= '9';
}

int snd_walk_portable(const char *name, char *why, size_t cap)
{
    for (const char *c = name; *c;) {
        size_t n = strcspn(c, "/");
        const char *bad = NULL;
        if (is_device(c, n)) bad = "a Windows device name";
        else if (n && (c[n - 1] == '.' || c[n - 1] == ' ')) bad = "ends in a dot or a space";
        for (size_t i = 0; i < n && !bad; i++)
            if (strchr("<>:\"|?*", c[i])) bad = "has a character Windows refuses (<>:\"|?*)";
        if (bad) {
            snprintf(why, cap, "'%.*s' in '%s' %s", (int)n, c, name, bad);
            return SL_EPROTO_NAME;
        }
        c += n + (c[n] == '/');
    }
    return 0;
}

static int walk_dir(snd_inputs *in, const char *dir, const char *prefix,
                    const walk_stack *up, char *err, size_t cap);

/* One entry of a directory: a file is added, a directory walked, a symlink
 * followed or noted, anything else noted. Takes path and name. */
static int walk_entry(snd_inputs *in, char *path, char *name, const walk_stack *up,
                      char *err, size_t cap)
{
    struct stat st;
    int rc = 0, skip = 0;
    if (lstat(path, &st)) {
        snprintf(err, cap, "cannot stat %s: %s", path, strerror(errno));
        rc = SL_EIO;
    } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        skip = 1;
        if (!in->follow_symlinks)
            rc = note(in, "skipped symlink %s -> %s (--follow-symlinks sends what it points to)",
                      path, target);
        else if (stat(path, &st))
            rc = note(in, "skipped symlink %s -> %s: it points nowhere", path, target);
        else if (S_ISDIR(st.st_mode) && on_stack(up, &st))
            rc = note(in, "skipped symlink %s -> %s: a loop back to a directory above", path,
                      target);
        else
            skip = 0;   /* followed: st is what it points to */
    }
    if (rc || skip) {
        /* noted, or failed */
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(in, path, name, up, err, cap);
    } else if (S_ISREG(st.st_mode)) {
        rc = add(in, path, name, NULL, (uint64_t)st.st_size, &st);
        if (!rc) path = name = NULL; /* owned by in now */
    } else {
        rc = note(in, "skipped %s: %s", path, "not a regular file, directory or symlink");
    }
    free(path);
    free(name);
    return rc;
}

static int walk_dir(snd_inputs *in, const char *dir, const char *prefix,
                    const walk_stack *up, char *err, size_t cap)
{
    struct stat self;
    if (stat(dir, &self)) {
        snprintf(err, cap, "cannot stat %s: %s", dir, strerror(errno));
        return SL_EIO;
    }
    walk_stack here = {up, self.st_dev, self.st_ino};
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, cap, "cannot read directory %s: %s", dir, strerror(errno));
        return SL_EIO;
    }
    char **names = NULL;
    size_t n = 0, ncap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == ncap) {
            ncap = ncap ? ncap * 2 : 32;
            char **t = realloc(names, ncap * sizeof *t);
            if (!t) { rc = SL_ENOMEM; break; }
            names = t;
        }
        if (!(names[n] = strdup(e->d_name))) { rc = SL_ENOMEM; break; }
        n++;
    }
    closedir(d);
    if (!rc && n) qsort(names, n, sizeof *names, cmp_str);
    size_t before = in->n;
    for (size_t i = 0; i < n && !rc; i++) {
        char *path = join(dir, names[i]), *name = join(prefix, names[i]);
        if (!path || !name) {
            free(path);
            free(name);
            rc = SL_ENOMEM;
        } else {
            rc = walk_entry(in, path, name, &here, err, cap);
        }
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (!rc && in->n == before) { /* nothing below it is sent: it arrives as itself */
        char *p = strdup(dir), *nm = strdup(prefix);
        rc = p && nm ? add(in, p, nm, NULL, 0, &self) : SL_ENOMEM;
        if (rc) { free(p); free(nm); }
    }
    return rc;
}

static int read_stdin(bytebuf *b, char *err, size_t cap)
{
    for (;;) {
        int rc = bytebuf_reserve(b, 1 << 16);
        if (rc) return rc;
        ssize_t r = read(0, b->p + b->len, b->cap - b->len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, cap, "cannot read stdin: %s", strerror(errno));
            return SL_EIO;
        }
        if (r == 0) return 0;
        b->len += (size_t)r;
    }
}

static int hash_file(snd_input *x, char *err, size_t cap)
{
    if (x->dir) return 0;
    sha256_ctx *c = sha256_new();
    if (!c) return SL_ENOMEM;
    if (!x->path) {
        sha256_update(c, x->data, x->size);
        sha256_final(c, x->sha256);
        return 0;
    }
    FILE *f = fopen(x->path, "rb");
    if (!f) {
        sha256_free(c);
        snprintf(err, cap, "cannot open %s: %s", x->path, strerror(errno));
        return SL_EIO;
    }
    static const size_t bufsz = 1 << 16;
    uint8_t *buf = malloc(bufsz);
    uint64_t got = 0;
    size_t r;
    while (buf && (r = fread(buf, 1, bufsz, f)) > 0) {
        sha256_update(c, buf, r);
        got += r;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    free(buf);
    sha256_final(c, x->sha256);
    if (bad || got != x->size) {
        snprintf(err, cap, "%s: read error or the file changed while being read", x->path);
        return SL_EIO;
    }
    return 0;
}

/* One command-line path: "-" (stdin), a file, or a directory tree. */
static int add_path(snd_inputs *in, const char *p, char *err, size_t cap)
{
    int rc = 0;
    if (!strcmp(p, "-")) {
        bytebuf b = {0};
        rc = read_stdin(&b, err, cap);
        char *name = strdup(in->stdin_name ? in->stdin_name : "stdin");
        if (!rc && !name) rc = SL_ENOMEM;
        if (!rc) rc = add(in, NULL, name, b.p, b.len, NULL);
        if (rc) { free(name); bytebuf_fini(&b); }
        return rc;
    }
    struct stat st;
    if (stat(p, &st)) {
        snprintf(err, cap, "cannot read %s: %s", p, strerror(errno));
        return SL_EIO;
    }
    /* The wire name starts at the last component ("a/b/" -> "b"). */
    char *copy = strdup(p);
    if (!copy) return SL_ENOMEM;
    size_t l = strlen(copy);
    while (l > 1 && copy[l - 1] == '/') copy[--l] = 0;
    const char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !*base) base = "files";
    char *name = strdup(base);
    if (!name) rc = SL_ENOMEM;
    else if (S_ISDIR(st.st_mode)) rc = walk_dir(in, copy, name, NULL, err, cap);
    else if (S_ISREG(st.st_mode) && !(rc = add(in, copy, name, NULL, (uint64_t)st.st_size, &st)))
        return 0;   /* in owns copy and name now */
    else if (!rc) {
        snprintf(err, cap, "%s is neither a regular file nor a directory", p);
        rc = SL_EINVAL;
    }
    free(copy);
    free(name);
    return rc;
}

/* Every name allowed on the wire (and by Windows, with portable_names),
 * and no two alike (nor, with portable_names, alike but for case). */
static int check_names(snd_inputs *in, char *err, size_t cap)
{
    int rc = 0;
    for (size_t i = 0; i < in->n && !rc; i++) {
        char why[200];
        const char *from = in->v[i].path ? in->v[i].path : "stdin";
        if (msg_name_check(in->v[i].name, strlen(in->v[i].name))) {
            snprintf(err, cap, "cannot send %s: its name '%s' is not allowed on the wire "
                     "(see PROTOCOL.md, Names)", from, in->v[i].name);
            rc = SL_EPROTO_NAME;
        } else if (in->portable_names && snd_walk_portable(in->v[i].name, why, sizeof why)) {
            snprintf(err, cap, "cannot send %s with --portable-names: %s", from, why);
            rc = SL_EPROTO_NAME;
        }
    }
    if (rc || in->n < 2) return rc;
    char **names = malloc(in->n * sizeof *names);
    if (!names) return SL_ENOMEM;
    for (size_t i = 0; i < in->n; i++) names[i] = in->v[i].name;
    qsort(names, in->n, sizeof *names, cmp_str);
    for (size_t i = 1; i < in->n && !rc; i++)
        if (!strcmp(names[i - 1], names[i])) {
            snprintf(err, cap, "two inputs would both be named '%s'", names[i]);
            rc = SL_EPROTO_NAME;
        }
    if (in->portable_names && !rc) { /* Windows folds case: sort that way too */
        qsort(names, in->n, sizeof *names, cmp_case);
        for (size_t i = 1; i < in->n && !rc; i++)
            if (!strcasecmp(names[i - 1], names[i])) {
                snprintf(err, cap, "cannot send with --portable-names: '%s' and '%s' "
                         "differ only in case", names[i - 1], names[i]);
                rc = SL_EPROTO_NAME;
            }
    }
    free(names);
    return rc;
}

int snd_walk(snd_inputs *in, char *const *paths, int npaths, char *err, size_t cap)
{
    int rc = 0;
    for (int i = 0; i < npaths && !rc; i++) rc = add_path(in, paths[i], err, cap);
    if (!rc) rc = check_names(in, err, cap);
    if (in->n > MSG_MAX_FILES && !rc) {
        snprintf(err, cap, "%zu files; one session carries at most %d", in->n, MSG_MAX_FILES);
        rc = SL_ETOOBIG;
    }
    for (size_t i = 0; i < in->n && !rc; i++) rc = hash_file(&in->v[i], err, cap);
    if (rc && !*err) snprintf(err, cap, "%s", sl_strerror(rc));
    return rc;
}

void snd_inputs_free(snd_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].name);
        free(in->v[i].data);
    }
    free(in->v);
    for (size_t i = 0; i < in->nnotes; i++) free(in->notes[i]);
    free(in->notes);
    memset(in, 0, sizeof *in);
}

void snd_reader_init(snd_reader *r, const snd_inputs *in)
{
    memset(r, 0, sizeof *r);
    r->in = in;
}

int snd_reader_read(snd_reader *r, uint8_t *buf, size_t n, size_t *got, char *err,
                    size_t cap)
{
    *got = 0;
    while (*got < n && r->idx < r->in->n) {
        const snd_input *x = &r->in->v[r->idx];
        uint64_t left = x->size - r->off;
        size_t want = n - *got < left ? n - *got : (size_t)left;
        if (want && !x->path) {
            memcpy(buf + *got, x->data + r->off, want);
        } else if (want) {
            if (!r->f && !(r->f = fopen(x->path, "rb"))) {
                snprintf(err, cap, "cannot open %s: %s", x->path, strerror(errno));
                return SL_EIO;
            }
            if (fread(buf + *got, 1, want, r->f) != want) {
                snprintf(err, cap, "%s is shorter than when it was hashed", x->path);
                return SL_EIO;
            }
        }
        *got += want;
        r->off += want;
        if (r->off == x->size) {
            if (r->f) {
                int extra = fgetc(r->f) != EOF;
                fclose(r->f);
                r->f = NULL;
                if (extra) {
                    snprintf(err, cap, "%s grew since it was hashed", x->path);
                    return SL_EIO;
                }
            }
            r->idx++;
            r->off = 0;
        }
    }
    return 0;
}

void snd_reader_fini(snd_reader *r)
{
    if (r->f) fclose(r->f);
    r->f = NULL;
}
