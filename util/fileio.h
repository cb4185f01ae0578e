/* util/fileio.h — whole files in, and files that appear whole or not at all.
 * C and libc only (slcodec, which cross-compiles, uses it too).
 *
 *   bytebuf b = {0}; char why[256];
 *   if (fileio_load(path, &b, why, sizeof why)) ...   // "-" reads stdin
 *
 * Write to a temporary, then rename: the final name appears only when the
 * whole file is written and flushed, so a failed or interrupted run never
 * leaves a partial file under it.
 *   fileio_tmp t;
 *   if (fileio_tmp_open(&t, path, 0644, why, sizeof why)) ...
 *   write(t.fd, ...) ...;                  // or fileio_write_all(t.fd, p, n)
 *   rc = fileio_tmp_commit(&t, why, sizeof why);   // fsync, close, rename
 *   or fileio_tmp_abort(&t);                        // close, unlink
 * The temporary is ".NAME.part-XXXXXX" beside the final name.
 *   fileio_save(path, p, n, 0644, why, sizeof why)   does all three at once.
 *   fileio_mkdirs(path, 0755, &created, why, sizeof why)   mkdir -p; *created
 *                                  says whether path itself was made just now
 * Every call returns 0 or a negative SL_E* code, with why[] filled in. */
#ifndef SL_FILEIO_H
#define SL_FILEIO_H

#include "../common/bytebuf.h"
#include <stddef.h>

typedef struct fileio_tmp {
    int   fd;
    char *path;     /* the final name */
    char *tmp;      /* the temporary's name, NULL once committed or aborted */
} fileio_tmp;

int  fileio_load(const char *path, bytebuf *b, char *why, size_t cap);
int  fileio_write_all(int fd, const void *p, size_t n);
int  fileio_tmp_open(fileio_tmp *t, const char *path, int mode, char *why, size_t cap);
int  fileio_tmp_commit(fileio_tmp *t, char *why, size_t cap);
void fileio_tmp_abort(fileio_tmp *t);
int  fileio_save(const char *path, const void *p, size_t n, int mode, char *why, size_t cap);
int  fileio_mkdirs(const char *path, int mode, int *created, char *why, size_t cap);

#endif
