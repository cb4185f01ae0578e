/* sender/snd_fanout.c — see snd_fanout.h. */
#include "snd_fanout.h"
#include "../common/err.h"
#include "../util/hostport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int snd_targets_add(snd_targets *t, const char *spec, char *err, size_t cap)
{
    if (t->n == SND_MAX_TARGETS) {
        snprintf(err, cap, "at most %d receivers", SND_MAX_TARGETS);
        return SL_ETOOBIG;
    }
    if (t->n == t->cap) {
        size_t c = t->cap ? t->cap * 2 : 8;
        snd_target *v = realloc(t->v, c * sizeof *v);
        if (!v) return SL_ENOMEM;
        t->v = v;
        t->cap = c;
    }
    snd_target *x = &t->v[t->n];
    memset(x, 0, sizeof *x);
    if (!(x->spec = strdup(spec))) return SL_ENOMEM;
    t->n++;
    return 0;
}

/* Trims blanks and a '#' comment; returns the entry, "" for none. */
static char *list_entry(char *line)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    while (*line == ' ' || *line == '\t') line++;
    size_t l = strlen(line);
    while (l && strchr(" \t\r\n", line[l - 1])) line[--l] = 0;
    return line;
}

int snd_targets_load(snd_targets *t, const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "--to-file %s: %s", path, strerror(errno));
        return SL_EIO;
    }
    char line[600];
    int rc = 0, lineno = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        char *e = list_entry(line);
        if (strchr(e, ' ') || strchr(e, '\t')) {
            snprintf(err, cap, "%s:%d: one receiver a line, as HOST[:PORT]", path, lineno);
            rc = SL_EINVAL;
        } else if (*e) {
            rc = snd_targets_add(t, e, err, cap);
        }
    }
    if (!rc && ferror(f)) {
        snprintf(err, cap, "--to-file %s: read error", path);
        rc = SL_EIO;
    }
    fclose(f);
    return rc;
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

int snd_targets_resolve(snd_targets *t, uint16_t default_port, char *err, size_t cap)
{
    for (size_t i = 0; i < t->n; i++) {
        hostport hp;
        char why[400];
        if (hostport_parse(t->v[i].spec, HOSTPORT_CONNECT, NULL, default_port, &hp, why,
                           sizeof why) ||
            hostport_resolve(&hp, &t->v[i].addr, why, sizeof why)) {
            snprintf(err, cap, "--to %s: %s", t->v[i].spec, why);
            return SL_EINVAL;
        }
        /* From here on, named with its port: "lab1" is "lab1:4647". */
        char full[300];
        snprintf(full, sizeof full, strchr(hp.host, ':') ? "[%s]:%u" : "%s:%u", hp.host,
                 (unsigned)hp.port);
        char *spec = strdup(full);
        if (!spec) return SL_ENOMEM;
        free(t->v[i].spec);
        t->v[i].spec = spec;
        for (size_t j = 0; j < i; j++)
            if (same_addr(&t->v[j].addr, &t->v[i].addr)) {
                snprintf(err, cap, "--to %s: the same receiver as %s; each receiver once",
                         t->v[i].spec, t->v[j].spec);
                return SL_EINVAL;
            }
    }
    return 0;
}

void snd_targets_free(snd_targets *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->v[i].spec);
    free(t->v);
    memset(t, 0, sizeof *t);
}

size_t snd_fanout_report(FILE *f, snd_link *const *links, size_t n, int quiet)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const snd_link *l = links[i];
        if (!l->ok) {
            failed++;
            fprintf(f, "satyad: %s (%llu bytes crossed%s)\n", l->err,
                    (unsigned long long)l->written, l->attempts > 1 ? " over every attempt" : "");
        } else if (!quiet) {
            fprintf(f, "satyad: %s confirmed %u file%s, every SHA-256 matched\n",
                    l->cfg.target, l->ack.files, l->ack.files == 1 ? "" : "s");
        }
    }
    if (n > 1 && (!quiet || failed))
        fprintf(f, "satyad: %zu of %zu receivers confirmed the session%s\n", n - failed, n,
                !failed ? "" : failed == n ? "; every one failed, as above"
                                           : "; the others failed, as above");
    return failed;
}
