/* receiver/rcv_journal.h — a session's verified chunks, kept durably in
 * its staging directory, so that a session cut at 90% resumes at 90%.
 *
 *   rcv_journal j;
 *   rc = rcv_journal_open(&j, stage_dirfd, identity, why, cap);
 *       a new journal, or the one an earlier connection (or an earlier
 *       sundard, killed) left: j.count records are there. A record cut off
 *       by a crash, or damaged, ends the journal there (it is truncated).
 *       A journal of another identity is started afresh.
 *   replay: rcv_journal_rewind(&j); while ((rc = rcv_journal_next(&j, &buf)) == 1) use(buf);
 *   rcv_journal_append(&j, payload, len, why, cap);   after a chunk verified:
 *       written and fdatasync'ed before the chunk is acknowledged
 *   rcv_journal_close(&j);
 * The file is "journal" in the staging directory: "SLJ1", the 32-byte
 * identity, then records of u32 length (little-endian), the payload (a
 * CHUNK frame's payload, opaque here), and its CRC-32. */
#ifndef SL_RCV_JOURNAL_H
#define SL_RCV_JOURNAL_H

#include "../common/bytebuf.h"
#include <stddef.h>
#include <stdint.h>

#define RCV_JOURNAL_MAX_RECORD ((16u << 20) + 1024)

typedef struct rcv_journal {
    int      fd;
    uint32_t count;        /* whole records */
    uint64_t end;          /* file offset after the last whole record */
    uint64_t pos;          /* read position while replaying */
} rcv_journal;

int  rcv_journal_open(rcv_journal *j, int dirfd, const uint8_t id[32], char *why, size_t cap);
void rcv_journal_rewind(rcv_journal *j);
int  rcv_journal_next(rcv_journal *j, bytebuf *out);
int  rcv_journal_append(rcv_journal *j, const uint8_t *p, size_t n, char *why, size_t cap);
void rcv_journal_close(rcv_journal *j);

#endif
