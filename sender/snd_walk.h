/* sender/snd_walk.h — what to send: files, directory trees and stdin,
 * each with the name it gets on the wire, its size and SHA-256.
 *
 *   snd_inputs in = {0};
 *   rc = snd_walk(&in, paths, n, err, sizeof err);   // reads and hashes everything
 *   ... in.v[i].name, .size, .sha256, .path (NULL: bytes in .data) ...
 *   snd_inputs_free(&in);
 * A file is named by its last path component; a directory by its own name
 * followed by the relative path of each regular file below it (sorted, so
 * the order is reproducible). A symbolic link below a directory is skipped
 * with a note in in.notes, or with in.follow_symlinks set, sent as what it
 * points to (a file, or a directory walked in turn; a link back to a
 * directory being walked is noted, not followed); special files are
 * skipped with a note. A directory under which nothing is sent (an empty
 * one) is an entry of its own, so that it arrives too. Each entry carries
 * its permission bits and modification time. Paths named on the command
 * line are followed. "-"
 * is stdin, read whole, named in.stdin_name (set it before the walk; NULL:
 * "stdin"; mode 0644 less the umask, the time it was read). Every name
 * must pass msg_name_check, and names must be unique; with
 * in.portable_names, also Windows' rules (snd_walk_portable). */
#ifndef SL_SND_WALK_H
#define SL_SND_WALK_H

#include <stddef.h>
#include <stdint.h>

typedef struct snd_input {
    char    *path;       /* file on disk, or NULL for stdin */
    char    *name;       /* wire name */
    uint8_t *data;       /* stdin's bytes */
    uint64_t size;
    uint8_t  sha256[32];
    uint32_t mode;       /* permission bits */
    uint64_t mtime;      /* seconds since 1970 */
    int      dir;        /* an empty directory: no bytes */
} snd_input;

typedef struct snd_inputs {
    snd_input *v;
    size_t     n, cap;
    uint64_t   total;
    const char *stdin_name;   /* the wire name of "-" (--name); NULL: "stdin" */
    int         follow_symlinks, portable_names;
    char      **notes;        /* what was skipped, and why: one line each */
    size_t      nnotes;
} snd_inputs;

int  snd_walk(snd_inputs *in, char *const *paths, int npaths, char *err, size_t cap);
void snd_inputs_free(snd_inputs *in);
/* Windows' rules for a name, as --portable-names applies them: no
 * component that is a device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, any
 * case, with or without an extension), contains < > : " | ? *, or ends in a
 * dot or a space. 0, or SL_EPROTO_NAME with why[] filled in. */
int snd_walk_portable(const char *name, char *why, size_t cap);

/* Reads the stream: every input's bytes in order, as one sequence.
 *   snd_reader r; snd_reader_init(&r, &in);
 *   rc = snd_reader_read(&r, buf, n, &got);  // fills buf fully unless the stream ends
 *   snd_reader_fini(&r);
 * A file whose size changed since snd_walk is an error (SL_EIO). */
typedef struct snd_reader {
    const snd_inputs *in;
    size_t   idx;
    uint64_t off;
    void    *f;              /* FILE * of the current input */
} snd_reader;

void snd_reader_init(snd_reader *r, const snd_inputs *in);
int  snd_reader_read(snd_reader *r, uint8_t *buf, size_t n, size_t *got, char *err,
                     size_t cap);
void snd_reader_fini(snd_reader *r);

#endif
