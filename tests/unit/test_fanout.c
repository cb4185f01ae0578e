/* tests/unit/test_fanout.c — one satyad, a whole class of receivers: the
 * stream is encoded once and every receiver gets identical files; a
 * receiver that stalls or is not there holds up nobody else, and the
 * final report names each receiver's result. */
#include "e2e.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define CLASS 100

/* A loopback port where nothing listens: bound, read, closed. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* Waits for every receiver but the first to exit; returns how many exited 0. */
static int wait_class(const receiver *r, double timeout)
{
    int ok = 0;
    for (int i = 1; i < CLASS; i++)
        if (wait_for(r[i].pid, timeout) == 0) ok++;
    return ok;
}

Test(fanout, a_class_of_100_receivers_one_stalled_one_missing, .timeout = 240)
{
    scratch s;
    scratch_init(&s);
    char *file = strdup(text_file(&s, "lesson.txt", 12000, 31));  /* path_in is a ring */
    static receiver r[CLASS];
    char name[64];
    const char *args[] = {"--once", "--quiet", NULL};
    for (int i = 0; i < CLASS; i++) {
        snprintf(name, sizeof name, "out%d", i);
        char *out = path_in(&s, name);
        start_receiver(&r[i], &s, out, NULL, args);
    }
    /* Receivers 1..99 come from a list file (with a comment and a blank
     * line); receiver 0, stopped like a frozen laptop, and one address
     * where nobody listens come from --to. */
    FILE *list = fopen(path_in(&s, "class.txt"), "w");
    cr_assert_not_null(list);
    fprintf(list, "# the class\n\n");
    for (int i = 1; i < CLASS; i++) fprintf(list, "%s   # desk %d\n", r[i].to, i);
    cr_assert_eq(fclose(list), 0);
    char dead[32];
    snprintf(dead, sizeof dead, "127.0.0.1:%d", dead_port());
    kill(r[0].pid, SIGSTOP);
    char *argv[] = {(char *)bin("satyad"), "--send", file, "--to-file",
                    path_in(&s, "class.txt"), "--to", r[0].to, "--to", dead, "--rate", "1mbit",
                    "--recipe", "tiny", "--chunk", "4K", NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    /* Everyone else finishes while receiver 0 is stopped. */
    cr_assert_eq(wait_class(r, 120), CLASS - 1, "a stalled receiver held up the others");
    kill(r[0].pid, SIGCONT);
    cr_assert_eq(wait_for(r[0].pid, 60), 0);
    cr_assert_eq(wait_for(tx, 60), 1, "one receiver was missing: satyad must say so");
    for (int i = 0; i < CLASS; i++) {
        snprintf(name, sizeof name, "out%d/lesson.txt", i);
        assert_same(file, path_in(&s, name));
    }
    assert_log_has(path_in(&s, "tx.log"), "100 of 101 receivers confirmed the session");
    char needle[80];
    snprintf(needle, sizeof needle, "cannot connect to %s", dead);
    assert_log_has(path_in(&s, "tx.log"), needle);
    snprintf(needle, sizeof needle, "%s confirmed 1 file, every SHA-256 matched", r[57].to);
    assert_log_has(path_in(&s, "tx.log"), needle);
    free(file);
    scratch_fini(&s);
}

Test(fanout, the_same_receiver_twice_is_refused, .timeout = 30)
{
    scratch s;
    scratch_init(&s);
    char *file = text_file(&s, "a.txt", 100, 32);
    char *argv[] = {(char *)bin("satyad"), "--send", file, "--to", "127.0.0.1:4647", "--to",
                    "127.0.0.1", NULL};
    cr_assert_eq(run(argv, NULL, path_in(&s, "tx.log"), 20), 2, "4647 is the default port");
    assert_log_has(path_in(&s, "tx.log"), "the same receiver as 127.0.0.1:4647");
    FILE *f = fopen(path_in(&s, "bad.txt"), "w");
    fprintf(f, "127.0.0.1:4998 127.0.0.1:4997\n");
    fclose(f);
    char *argv2[] = {(char *)bin("satyad"), "--send", file, "--to-file", path_in(&s, "bad.txt"),
                     NULL};
    cr_assert_eq(run(argv2, NULL, path_in(&s, "tx2.log"), 20), 2);
    assert_log_has(path_in(&s, "tx2.log"), "bad.txt:1: one receiver a line");
    scratch_fini(&s);
}
