/* tests/unit/e2e_util.h — running satyad, sundard and slattack from a
 * Criterion test: scratch directories, processes with logs and timeouts,
 * receivers on free ports, a recording TCP relay, and a receiver's peak
 * RSS. Header-only; the binaries come from $SL_BIN (default build/). */
#ifndef SL_E2E_UTIL_H
#define SL_E2E_UTIL_H

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
#include <unistd.h>

extern char **environ;

static const char *e2e_bin(const char *name)
{
    static char path[4][512];
    static int k;
    const char *dir = getenv("SL_BIN");
    k = (k + 1) & 3;
    snprintf(path[k], sizeof path[k], "%s/%s", dir && *dir ? dir : "build", name);
    return path[k];
}

typedef struct e2e_dir { char dir[64]; } e2e_dir;

static void e2e_dir_init(e2e_dir *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/sl-e2e-XXXXXX");
    cr_assert_not_null(mkdtemp(s->dir));
}

static void e2e_dir_fini(e2e_dir *s)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    cr_assert_eq(system(cmd), 0);
}

static char *e2e_path(const e2e_dir *s, const char *rel)
{
    static char buf[64][512];
    static int k;
    k = (k + 1) & 63;
    snprintf(buf[k], sizeof buf[k], "%s/%s", s->dir, rel);
    return buf[k];
}

static void e2e_write(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

/* argv with stdout to `out` and stderr to `err` (NULL: /dev/null). */
static pid_t e2e_spawn(char *const argv[], const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
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

/* The exit status, or -signal; kills the process after `timeout` s. */
static int e2e_wait(pid_t pid, double timeout)
{
    double end = now_s() + timeout;
    int st;
    for (;;) {
        if (waitpid(pid, &st, WNOHANG) == pid) break;
        if (now_s() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            cr_assert_fail("process %d did not finish in %.0f s", (int)pid, timeout);
        }
        usleep(20000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static int e2e_run(char *const argv[], const char *err, double timeout)
{
    return e2e_wait(e2e_spawn(argv, NULL, err), timeout);
}

typedef struct e2e_rx {
    pid_t pid;
    int   port;
    char  to[32];
} e2e_rx;

/* sundard on a free loopback port writing to `out` (made if missing), with
 * extra arguments (NULL-terminated). */
static void e2e_receiver(e2e_rx *r, const e2e_dir *s, const char *out, const char *log,
                         const char *const *extra)
{
    char pf[600];
    static int n;
    snprintf(pf, sizeof pf, "%s/port.%d", s->dir, n++);
    mkdir(out, 0755);
    char *argv[40] = {(char *)e2e_bin("sundard"), "--listen", "127.0.0.1:0", "--port-file", pf,
                      "--out", (char *)out};
    int k = 7;
    for (int i = 0; extra && extra[i] && k < 39; i++) argv[k++] = (char *)extra[i];
    argv[k] = NULL;
    r->pid = e2e_spawn(argv, NULL, log);
    double end = now_s() + 10;
    FILE *f = NULL;
    while (!(f = fopen(pf, "r")) && now_s() < end) usleep(10000);
    cr_assert_not_null(f, "sundard did not start (see %s)", log);
    cr_assert_eq(fscanf(f, "%d", &r->port), 1);
    fclose(f);
    snprintf(r->to, sizeof r->to, "127.0.0.1:%d", r->port);
}

static int e2e_file_has(const char *path, const char *needle)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "grep -q -- '%s' '%s'", needle, path);
    return system(cmd) == 0;
}

static void e2e_assert_log(const char *log, const char *needle)
{
    if (e2e_file_has(log, needle)) return;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cat '%s' >&2", log);
    (void)system(cmd);
    cr_assert_fail("'%s' not in %s", needle, log);
}

static void e2e_assert_same(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    cr_assert_eq(system(cmd), 0, "%s differs from %s", b, a);
}

/* Peak resident memory of a live process, in MB. */
static double e2e_peak_rss_mb(pid_t pid)
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
static double e2e_cpu_s(pid_t pid)
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
static int e2e_relay(int port, const char *capture, pid_t *child)
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
