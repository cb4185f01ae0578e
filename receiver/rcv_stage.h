/* receiver/rcv_stage.h — where a session's files wait, and how they appear.
 *
 * Every path operation starts from a directory descriptor and opens each
 * component with O_NOFOLLOW: nothing a local user swaps in (a symlink for
 * a directory, say) can send a write outside --out, at any moment.
 *
 * A session is staged in its own directory, --out/.sl-staging/<id> (id:
 * 32 hex digits naming the session's identity, so that a session that
 * comes back finds it), which holds f<i> for manifest entry i, written in
 * order, and the chunk journal. Nothing is created outside it until the
 * session has verified every file; then rcv_stage_publish moves the files
 * to their names, creating parent directories. If any step fails, every
 * file already published is taken back (a replaced file is restored) and
 * every directory it created is removed: a session delivers all or nothing.
 * Empty directories of the manifest (MSG_MODE_DIR) are made last, with
 * their mode and time (rcv_meta), and taken back the same way.
 *
 *   int out = rcv_stage_open_out(path, why, cap);      // once, at start
 *   rcv_stage_check(out, &manifest, overwrite, why, cap);  // before anything is staged
 *   rcv_stage s; rcv_stage_open(&s, out, id, why, cap);     // creates or reopens
 *   int fd = rcv_stage_create(&s, i);                       // entry i's staged file
 *   rcv_stage_publish(&s, &manifest, overwrite, umask, why, cap);
 *   rcv_stage_close(&s, keep);   // keep: leave the directory for a resume
 *   rcv_stage_sweep(out, max_age_s, &kept, &removed);      // at start: stale ones
 *
 * rcv_stage_check refuses (SL_EEXIST) a name that exists under --out unless
 * overwrite is set, a name whose parent exists as a non-directory, a name
 * that would replace a directory or a non-regular file even with
 * overwrite, and (SL_EPROTO_NAME) any name under .sl-staging. Messages
 * name files relative to the session, never a server path. A second
 * session with the same identity gets SL_EBUSY while the first holds the
 * directory (flock). All calls are safe from a worker thread. */
#ifndef SL_RCV_STAGE_H
#define SL_RCV_STAGE_H

#include "../proto/msg.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RCV_STAGE_DIR ".sl-staging"

typedef struct rcv_stage {
    int  out;             /* --out (not owned) */
    int  dir;             /* .sl-staging/<id>, -1 when closed */
    int  lock;            /* its lock file, flock'ed */
    int  existed;         /* it was there before: a session coming back */
    char name[33];        /* <id> in hex */
} rcv_stage;

int  rcv_stage_open_out(const char *path, char *why, size_t cap);
int  rcv_stage_check(int out, const msg_manifest *m, int overwrite, char *why, size_t cap);
int  rcv_stage_open(rcv_stage *s, int out, const uint8_t id[16], char *why, size_t cap);
int  rcv_stage_create(rcv_stage *s, uint32_t index);
int  rcv_stage_publish(rcv_stage *s, const msg_manifest *m, int overwrite, mode_t mask,
                       char *why, size_t cap);
void rcv_stage_close(rcv_stage *s, int keep);
/* Removes staging directories untouched for max_age_s and those with no
 * journal; counts the rest as kept for a resume. Skips any a running
 * session holds. */
int  rcv_stage_sweep(int out, double max_age_s, int *kept, int *removed);

#endif
