/* receiver/rcv_file.h — one staged output file: bytes in order, then its
 * SHA-256 checked against the manifest.
 *
 *   rcv_file f; rcv_file_open(&f, fd, name, name_len, size, sha);  // fd: rcv_stage_create
 *   rcv_file_write(&f, p, n, err, cap) ...;
 *   rcv_file_finish(&f, err, cap);      // verify, fsync, close
 *   on any failure: rcv_file_abort(&f); // close; the staging directory goes with the session
 * Messages name the file as the manifest does (relative to the session),
 * never by a server path. Publishing is rcv_stage's. Set mode, mtime and
 * mask after opening: finish applies them (rcv_meta_apply) before the file
 * is closed. */
#ifndef SL_RCV_FILE_H
#define SL_RCV_FILE_H

#include "../util/sha256.h"
#include <stddef.h>
#include <stdint.h>

typedef struct rcv_file {
    int         fd;
    const char *name;        /* the manifest's, not NUL-terminated */
    int         name_len;
    sha256_ctx *sha;
    uint64_t    size, written;
    uint8_t     want[32];
    uint32_t    mode, mask;      /* carried permission bits; the receiver's umask */
    uint64_t    mtime;
} rcv_file;

int  rcv_file_open(rcv_file *f, int fd, const char *name, size_t len, uint64_t size,
                   const uint8_t sha[32]);
int  rcv_file_write(rcv_file *f, const uint8_t *p, size_t n, char *err, size_t cap);
int  rcv_file_finish(rcv_file *f, char *err, size_t cap);
void rcv_file_abort(rcv_file *f);

#endif
