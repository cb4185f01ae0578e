/* tests/unit/e2e.h — running satyad and sundard as users do, for the
 * end-to-end tests: scratch directories, processes with their output in
 * log files, receivers on free loopback ports, and assertions on files
 * and logs. Header-only (static functions): each test binary includes it
 * once. The binaries come from $SL_BIN (the Makefile sets it; default
 * build/). */
#ifndef SL_E2E_H
#define SL_E2E_H

#include "testdata.h"
#include "../../util/clock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static inline const char *bin(const char *name)
{
    static char path[2][512];
    static int k;
    const char *dir = getenv("SL_BIN");
    k ^= 1;
    snprintf(path[k], sizeof path[k], "%s/%s", dir && *dir ? dir : "build", name);
    return path[k];
}

typedef struct scratch { char dir[64]; } scratch;

static inline void scratch_init(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/sl-e2e-XXXXXX");
    cr_assert_not_null(mkdtemp(s->dir));
}

static inline void scratch_fini(scratch *s)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    cr_assert_eq(system(cmd), 0);
}

static inline char *path_in(const scratch *s, const char *rel)
{
    static char buf[64][512];   /* a ring: plenty for one test's live paths */
    static int k;
    k = (k + 1) & 63;
    snprintf(buf[k], sizeof buf[k], "%s/%s", s->dir, rel);
    return buf[k];
}

static inline void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

/* Starts a process with stdin/stdout/stderr redirected (NULL: inherit /dev/null). */
static inline pid_t spawn(char *const argv[], const char *in, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot start %s: %s", argv[0], strerror(rc));
    return pid;
}

/* Waits up to `timeout` seconds; returns the exit status, or -signal. */
static inline int wait_for(pid_t pid, double timeout)
{
    double end = now_s() + timeout;
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) break;
        if (now_s() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            cr_assert_fail("process %d did not finish in %.0f s", (int)pid, timeout);
        }
        usleep(20000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static inline int run(char *const argv[], const char *in, const char *err, double timeout)
{
    return wait_for(spawn(argv, in, err), timeout);
}

typedef struct receiver {
    pid_t pid;
    int   port;
    char  to[32];
} receiver;

static inline void start_receiver(receiver *r, const scratch *s, const char *out,
                                  const char *log, const char *extra1, const char *extra2)
{
    char *pf = strdup(path_in(s, "port.XXXXXX"));
    int fd = mkstemp(pf);
    close(fd);
    unlink(pf);
    mkdir(out, 0755);
    char *argv[] = {(char *)bin("sundard"), "--listen", "127.0.0.1:0", "--port-file", pf,
                    "--out", (char *)out, "--once", (char *)extra1, (char *)extra2, NULL};
    r->pid = spawn(argv, NULL, log);
    double end = now_s() + 10;
    FILE *f = NULL;
    while (!(f = fopen(pf, "r")) && now_s() < end) usleep(10000);
    cr_assert_not_null(f, "sundard did not start");
    cr_assert_eq(fscanf(f, "%d", &r->port), 1);
    fclose(f);
    free(pf);
    snprintf(r->to, sizeof r->to, "127.0.0.1:%d", r->port);
}

static inline void assert_same(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    cr_assert_eq(system(cmd), 0, "%s differs from %s", b, a);
}

static inline void assert_same_tree(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "diff -r '%s' '%s' >/dev/null", a, b);
    cr_assert_eq(system(cmd), 0, "%s differs from %s", b, a);
}

static inline void assert_no_files(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -type f ! -path '*/.sl-staging/*')\"", dir);
    cr_assert_eq(system(cmd), 0, "a file appeared under its final name in %s", dir);
}

static inline void assert_log_has(const char *log, const char *needle)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "grep -q -- '%s' '%s'", needle, log);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s' >&2", log);
        (void)system(cmd);
        cr_assert_fail("'%s' not in %s", needle, log);
    }
}

typedef struct outcome {
    int    tx, rx;        /* exit statuses of satyad and sundard */
    double seconds;       /* satyad's run time */
} outcome;

/* Starts a receiver (with up to two extra arguments) writing to out/, runs
 * satyad with `args` (NULL-terminated; the binary and --to are added) and
 * stdin from `in` (NULL: none), and waits for both. Logs: tx.log, rx.log. */
static inline outcome transfer(const scratch *s, const char *in, const char *rx1,
                               const char *rx2, char *const *args)
{
    receiver r;
    start_receiver(&r, s, path_in(s, "out"), path_in(s, "rx.log"), rx1, rx2);
    char *argv[32] = {(char *)bin("satyad"), "--to", r.to};
    int k = 3;
    for (int i = 0; args[i] && k < 31; i++) argv[k++] = args[i];
    argv[k] = NULL;
    outcome o;
    double t0 = now_s();
    o.tx = run(argv, in, path_in(s, "tx.log"), 120);
    o.seconds = now_s() - t0;
    o.rx = wait_for(r.pid, 60);
    return o;
}

/* Writes n bytes of generated text to the scratch file `name`. */
static inline char *text_file(const scratch *s, const char *name, size_t n, uint64_t seed)
{
    uint8_t *buf = malloc(n);
    td_text(buf, n, seed);
    char *path = path_in(s, name);
    write_file(path, buf, n);
    free(buf);
    return path;
}

#endif
