/* receiver/rcv_meta.h — what an entry carries besides its bytes: the
 * permission bits and modification time of a file, and the entries that
 * have no bytes at all, empty directories. For the staging and publishing
 * code, which holds directory descriptors and never walks paths by name.
 *
 *   mode_t mask = rcv_meta_umask();               // once, at start-up
 *   rcv_meta_apply(fd, mode, sec, nsec, mask, why, cap);  // an open file
 *   rcv_meta_mkdir(dirfd, "name", mode, sec, nsec, mask, &made, why, cap);
 *   rcv_meta_mkdir_path(outdir, "a/b/empty", len, mode, sec, mask, why, cap);
 *
 * Only the permission bits (0777) are applied, less the receiver's umask
 * (a service's UMask=0027 keeps its files private); set-id and sticky bits
 * never come from the wire. A name for rcv_meta_mkdir is one component (no
 * '/', not "." or ".."), created under dirfd; an existing directory there
 * is fine (*made = 0: not the caller's to remove on rollback), anything else
 * is SL_EPROTO_NAME, and a symlink in its place is never followed. A
 * directory's time is set after it is made, so a later file inside it
 * would change it again: the publisher makes empty directories last.
 * rcv_meta_mkdir_path walks a manifest name (already checked by
 * msg_name_check) from outdir one component at a time with O_NOFOLLOW,
 * making missing parents, then the last component with rcv_meta_mkdir. */
#ifndef SL_RCV_META_H
#define SL_RCV_META_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

mode_t rcv_meta_umask(void);
int rcv_meta_apply(int fd, uint32_t mode, int64_t mtime_s, uint32_t mtime_ns, mode_t mask,
                   char *why, size_t cap);
int rcv_meta_mkdir(int dirfd, const char *name, uint32_t mode, int64_t mtime_s,
                   uint32_t mtime_ns, mode_t mask, int *made, char *why, size_t cap);
int rcv_meta_mkdir_path(const char *outdir, const char *name, size_t len, uint32_t mode,
                        int64_t mtime_s, mode_t mask, char *why, size_t cap);

#endif
