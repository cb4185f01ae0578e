/* receiver/rcv_journal.c — see rcv_journal.h. */
#include "rcv_journal.h"
#include "../common/byteorder.h"
#include "../common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC   "SLJ1"
#define HEADER  (4 + 32)

static int read_at(int fd, void *p, size_t n, uint64_t off)
{
    uint8_t *c = p;
    while (n) {
        ssize_t r = pread(fd, c, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        c += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static int write_at(int fd, const void *p, size_t n, uint64_t off)
{
    const uint8_t *c = p;
    while (n) {
        ssize_t w = pwrite(fd, c, n, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* Walks the records from the header on; stops at the first torn or
 * damaged one. Fills count and end. */
static void scan(rcv_journal *j)
{
    bytebuf b = {0};
    rcv_journal_rewind(j);
    j->count = 0;
    j->end = HEADER;
    j->pos = HEADER;
    while (rcv_journal_next(j, &b) == 1) {
        j->count++;
        j->end = j->pos;
    }
    bytebuf_fini(&b);
    j->pos = HEADER;
}

int rcv_journal_open(rcv_journal *j, int dirfd, const uint8_t id[32], char *why, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->fd = openat(dirfd, "journal", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        snprintf(why, cap, "cannot open the journal: %s", strerror(errno));
        return SL_EIO;
    }
    uint8_t h[HEADER];
    if (read_at(j->fd, h, HEADER, 0) == 0 && !memcmp(h, MAGIC, 4) && !memcmp(h + 4, id, 32)) {
        scan(j);
    } else {   /* new, or not ours: start afresh */
        memcpy(h, MAGIC, 4);
        memcpy(h + 4, id, 32);
        j->end = HEADER;
        if (write_at(j->fd, h, HEADER, 0) || fdatasync(j->fd)) {
            snprintf(why, cap, "cannot write the journal: %s", strerror(errno));
            rcv_journal_close(j);
            return SL_EIO;
        }
    }
    if (ftruncate(j->fd, (off_t)j->end)) {
        snprintf(why, cap, "cannot trim the journal: %s", strerror(errno));
        rcv_journal_close(j);
        return SL_EIO;
    }
    j->pos = HEADER;
    return 0;
}

void rcv_journal_rewind(rcv_journal *j)
{
    j->pos = HEADER;
}

int rcv_journal_next(rcv_journal *j, bytebuf *out)
{
    uint8_t t[4];
    if (read_at(j->fd, t, 4, j->pos)) return 0;
    uint32_t len = le32_load(t);
    if (len > RCV_JOURNAL_MAX_RECORD) return 0;
    out->len = 0;
    if (bytebuf_reserve(out, len ? len : 1)) return SL_ENOMEM;
    if (read_at(j->fd, out->p, len, j->pos + 4) || read_at(j->fd, t, 4, j->pos + 4 + len))
        return 0;
    if ((uint32_t)crc32(crc32(0L, Z_NULL, 0), out->p, len) != le32_load(t)) return 0;
    out->len = len;
    j->pos += 8 + (uint64_t)len;
    return 1;
}

int rcv_journal_append(rcv_journal *j, const uint8_t *p, size_t n, char *why, size_t cap)
{
    uint8_t t[4];
    le32_store(t, (uint32_t)n);
    uint8_t c[4];
    le32_store(c, (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n));
    if (write_at(j->fd, t, 4, j->end) || write_at(j->fd, p, n, j->end + 4) ||
        write_at(j->fd, c, 4, j->end + 4 + n) || fdatasync(j->fd)) {
        snprintf(why, cap, "cannot write the journal: %s", strerror(errno));
        return SL_EIO;
    }
    j->end += 8 + (uint64_t)n;
    j->count++;
    return 0;
}

void rcv_journal_close(rcv_journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
}
