/* sender/snd_fanout.h — the receivers of one session: where they are (--to,
 * repeated, and --to-file LIST), and what each of them said at the end.
 *
 *   snd_targets t = {0};
 *   snd_targets_add(&t, "host:port");                   // --to
 *   snd_targets_load(&t, "class.txt", err, cap);        // --to-file
 *   snd_targets_resolve(&t, 4647, err, cap);            // every address, or why not;
 *                                     // each spec then names its port ("lab1:4647")
 *   ... one snd_link per t.v[i] ...
 *   failed = snd_fanout_report(stderr, links, n, quiet);
 *   snd_targets_free(&t);
 * A LIST has one HOST[:PORT] a line; blank lines and text after '#' are
 * ignored. The same receiver named twice is refused: it would get the
 * session twice. At most SND_MAX_TARGETS receivers. */
#ifndef SL_SND_FANOUT_H
#define SL_SND_FANOUT_H

#include "snd_link.h"
#include <stdio.h>
#include <sys/socket.h>

#define SND_MAX_TARGETS 1000

typedef struct snd_target {
    char                   *spec;     /* as given: "host", "host:port", "[v6]:port" */
    struct sockaddr_storage addr;
} snd_target;

typedef struct snd_targets {
    snd_target *v;
    size_t      n, cap;
} snd_targets;

int  snd_targets_add(snd_targets *t, const char *spec, char *err, size_t cap);
int  snd_targets_load(snd_targets *t, const char *path, char *err, size_t cap);
int  snd_targets_resolve(snd_targets *t, uint16_t default_port, char *err, size_t cap);
void snd_targets_free(snd_targets *t);

/* One line per receiver (a failure always; a success unless quiet), then,
 * for more than one receiver, how many confirmed. Returns how many failed. */
size_t snd_fanout_report(FILE *f, snd_link *const *links, size_t n, int quiet);

#endif
