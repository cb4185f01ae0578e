/* receiver/rcv_file.h — one output file, written so that it arrives whole
 * and right or not at all.
 *
 *   rcv_file f; rcv_file_open(&f, outdir, name, len, size, sha, err, cap);
 *   rcv_file_write(&f, p, n) ...;  rcv_file_finish(&f, err, cap);   // verify, close
 *   rcv_file_commit(&f, err, cap);     // rename into place, when the session ends well
 *   on any failure: rcv_file_abort(&f);                             // unlink temp
 * The name must already have passed msg_name_check. Parent directories are
 * created inside outdir; an existing component that is not a directory
 * (a symlink, say) is refused, so nothing is written outside outdir. The
 * bytes go to a temporary ".NAME.sl-XXXXXX" beside the final name, which
 * appears only by rename after the SHA-256 matched and the whole session
 * ended well. Set mode, mtime and mask after opening: finish applies them
 * (rcv_meta_apply) before the file is closed. */
#ifndef SL_RCV_FILE_H
#define SL_RCV_FILE_H

#include "../util/sha256.h"
#include <stddef.h>
#include <stdint.h>

typedef struct rcv_file {
    int         fd;
    char       *tmp, *final;
    sha256_ctx *sha;
    uint64_t    size, written;
    uint8_t     want[32];
    uint32_t    mode, mask;      /* carried permission bits; the receiver's umask */
    uint64_t    mtime;
} rcv_file;

int  rcv_file_open(rcv_file *f, const char *outdir, const char *name, size_t len,
                   uint64_t size, const uint8_t sha[32], char *err, size_t cap);
int  rcv_file_write(rcv_file *f, const uint8_t *p, size_t n, char *err, size_t cap);
int  rcv_file_finish(rcv_file *f, char *err, size_t cap);
int  rcv_file_commit(rcv_file *f, char *err, size_t cap);
void rcv_file_abort(rcv_file *f);

#endif
