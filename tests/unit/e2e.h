/* tests/unit/e2e.h — running satyad, sundard and slattack as users do,
 * for the end-to-end tests: scratch directories, processes with their
 * output in log files, receivers on free loopback ports, a recording TCP
 * relay, a live process's peak memory and CPU time, and assertions on
 * files and logs. Header-only (static functions): each test binary
 * includes it once. The binaries come from $SL_BIN (the Makefile sets it;
 * default build/). */
#ifndef SL_E2E_H
#define SL_E2E_H

#include "testdata.h"
#include "../../util/clock.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static inline const char *bin(const char *name)
{
    static char path[4][512];   /* a ring: up to four live at once */
    static int k;
    const char *dir = getenv("SL_BIN");
    k = (k + 1) & 3;
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

/* Starts a process with stdin read from `in`, stdout and stderr written
 * to `out` and `err` (each NULL: /dev/null). */
static inline pid_t spawn(char *const argv[], const char *in, const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
    return wait_for(spawn(argv, in, NULL, err), timeout);
}

/* Sends SIGTERM to a process and waits (20 s at most) for it to go. */
static inline int stop(pid_t pid)
{
    kill(pid, SIGTERM);
    return wait_for(pid, 20);
}

/* The port a sundard writes to --port-file `pf`, waiting up to 10 s. */
static inline int read_port(const char *pf, const char *log)
{
    double end = now_s() + 10;
    FILE *f = NULL;
    while (!(f = fopen(pf, "r")) && now_s() < end) usleep(10000);
    cr_assert_not_null(f, "sundard did not start (see %s)", log ? log : "no log");
    int port;
    cr_assert_eq(fscanf(f, "%d", &port), 1);
    fclose(f);
    return port;
}

typedef struct receiver {
    pid_t pid;
    int   port;
    char  to[32];
} receiver;

/* sundard on a free loopback port writing to `out` (made if missing), its
 * stderr in `log` (NULL: none), with the arguments `extra` (NULL-terminated;
 * NULL: none; "--once" to stop after one session). */
static inline void start_receiver(receiver *r, const scratch *s, const char *out,
                                  const char *log, const char *const *extra)
{
    char *pf = strdup(path_in(s, "port.XXXXXX"));
    int fd = mkstemp(pf);
    close(fd);
    unlink(pf);
    mkdir(out, 0755);
    char *argv[40] = {(char *)bin("sundard"), "--listen", "127.0.0.1:0", "--port-file", pf,
                      "--out", (char *)out};
    int k = 7;
    for (int i = 0; extra && extra[i] && k < 39; i++) argv[k++] = (char *)extra[i];
    argv[k] = NULL;
    r->pid = spawn(argv, NULL, NULL, log);
    r->port = read_port(pf, log);
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

/* Does the file at `path` hold `needle` (a grep pattern)? */
static inline int file_has(const char *path, const char *needle)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "grep -q -- '%s' '%s'", needle, path);
    return system(cmd) == 0;
}

static inline void assert_log_has(const char *log, const char *needle)
{
    if (file_has(log, needle)) return;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cat '%s' >&2", log);
    (void)system(cmd);
    cr_assert_fail("'%s' not in %s", needle, log);
}

/* The last bytes of a log, for a failure message (a static buffer). */
static inline const char *log_tail(const char *log)
{
    static char buf[600];
    buf[0] = 0;
    FILE *f = fopen(log, "r");
    if (!f) return "(no log)";
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof buf - 1)
        fseek(f, -(long)(sizeof buf - 1), SEEK_END);
    else
        rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
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
    const char *rx[] = {"--once", rx1, rx2, NULL};
    start_receiver(&r, s, path_in(s, "out"), path_in(s, "rx.log"), rx);
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

/* Writes n bytes made by `gen` (td_text, td_random...) to the scratch
 * file `name`; returns its path (from path_in's ring). */
static inline char *gen_file(const scratch *s, const char *name, size_t n, uint64_t seed,
                             void (*gen)(uint8_t *, size_t, uint64_t))
{
    uint8_t *buf = malloc(n);
    gen(buf, n, seed);
    char *path = path_in(s, name);
    write_file(path, buf, n);
    free(buf);
    return path;
}

/* n bytes of generated text in the scratch file `name`. */
static inline char *text_file(const scratch *s, const char *name, size_t n, uint64_t seed)
{
    return gen_file(s, name, n, seed, td_text);
}

/* n random (incompressible) bytes in the scratch file `name`. */
static inline char *random_file(const scratch *s, const char *name, size_t n, uint64_t seed)
{
    return gen_file(s, name, n, seed, td_random);
}

/* Peak resident memory of a live process, in MB. */
static inline double peak_rss_mb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
    if (f) fclose(f);
    cr_assert_geq(kb, 0, "no VmHWM for %d", (int)pid);
    return kb / 1024;
}

/* CPU seconds a live process has used. */
static inline double cpu_s(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    /* after ") S": fields 3.. ; utime is field 14, stime 15 */
    cr_assert_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st),
                 2);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A TCP relay to `port` that records what the client sent into `capture`;
 * serves one connection in a child process. Returns its port. */
static inline int start_relay(int port, const char *capture, pid_t *child)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(ls, 1), 0);
    cr_assert_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
    int mine = ntohs(a.sin_port);
    *child = fork();
    cr_assert_geq(*child, 0);
    if (*child) { close(ls); return mine; }
    int c = accept(ls, NULL, NULL), u = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_port = htons((uint16_t)port);
    if (c < 0 || connect(u, (struct sockaddr *)&a, sizeof a)) _exit(1);
    FILE *cap = fopen(capture, "wb");
    struct pollfd pf[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
    char buf[65536];
    for (;;) {
        if (poll(pf, 2, 30000) <= 0) break;
        int done = 0;
        for (int i = 0; i < 2; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(pf[i].fd, buf, sizeof buf);
            if (n <= 0) { done = 1; break; }
            if (i == 0) fwrite(buf, 1, (size_t)n, cap);
            if (write(pf[1 - i].fd, buf, (size_t)n) != n) { done = 1; break; }
        }
        if (done) break;
    }
    fclose(cap);
    _exit(0);
}

#endif
