/* tests/unit/test_cli.c — the three programs as a new user meets them: the
 * messages for mistyped ports, hosts and rates, sundard making its --out,
 * Ctrl-C, the report of a tiny input, --name for stdin, and slcodec's
 * gzip-like manners (exit codes, -v, --version, each error once). */
#include "e2e.h"

#include <stdarg.h>

/* Runs a program with the arguments up to a NULL; stderr to `log`; its
 * exit status. */
static int cli(const scratch *s, const char *log, const char *prog, ...)
{
    char *argv[16] = {(char *)bin(prog)};
    va_list ap;
    va_start(ap, prog);
    for (int i = 1; i < 15 && (argv[i] = va_arg(ap, char *)); i++) continue;
    va_end(ap);
    return run(argv, NULL, path_in(s, log), 30);
}

/* How many lines of `log` contain `needle`. */
static int lines_with(const char *log, const char *needle)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "grep -c -- '%s' '%s'", needle, log);
    FILE *p = popen(cmd, "r");
    int n = 0;
    cr_assert_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

Test(cli, to_missing_port_bad_port_unknown_host_are_three_messages, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *f = strdup(text_file(&s, "a.txt", 100, 1));
    cr_assert_eq(cli(&s, "m.log", "satyad", "--send", f, "--to", "localhost:", NULL), 2);
    assert_log_has(path_in(&s, "m.log"), "missing port after");
    cr_assert_eq(cli(&s, "b.log", "satyad", "--send", f, "--to", "localhost:99999", NULL), 2);
    assert_log_has(path_in(&s, "b.log"), "bad port");
    cr_assert_eq(cli(&s, "u.log", "satyad", "--send", f, "--to", "no-such-host.invalid", NULL),
                 2);
    assert_log_has(path_in(&s, "u.log"), "cannot resolve host");
    cr_assert_eq(cli(&s, "l.log", "sundard", "--listen", "99999", NULL), 2);
    assert_log_has(path_in(&s, "l.log"), "bad port");
    cr_assert_eq(cli(&s, "l2.log", "sundard", "--listen", "127.0.0.1:", NULL), 2);
    assert_log_has(path_in(&s, "l2.log"), "missing port");
    cr_assert_eq(cli(&s, "l3.log", "sundard", "--listen", "no-such-host.invalid:1", NULL),
                 2);
    assert_log_has(path_in(&s, "l3.log"), "cannot resolve host");
    free(f);
    scratch_fini(&s);
}

Test(cli, rates_as_people_type_them, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    /* --print-recipe stops after the options are read: no receiver needed. */
    cr_assert_eq(cli(&s, "a.log", "satyad", "--rate", "56kb", "--print-recipe", NULL), 2);
    assert_log_has(path_in(&s, "a.log"), "ambiguous: write 56kbit");
    cr_assert_eq(cli(&s, "h.log", "satyad", "--rate", "0.5", "--print-recipe", NULL), 2);
    assert_log_has(path_in(&s, "h.log"), "less than 1 bit/s");
    cr_assert_eq(cli(&s, "w.log", "satyad", "--rate", "10", "--print-recipe", NULL), 0);
    assert_log_has(path_in(&s, "w.log"), "warning: --rate 10 is 10 bit/s");
    static const char *ok[] = {"56k", "56kbit", "56kbps", "56kbit/s", "1M", "1Mbit", "7KB/s",
                               "unlimited", "0"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cr_assert_eq(cli(&s, "ok.log", "satyad", "--rate", ok[i], "--print-recipe", NULL), 0,
                     "--rate %s", ok[i]);
        cr_assert_eq(lines_with(path_in(&s, "ok.log"), "satyad"), 0, "--rate %s", ok[i]);
    }
    scratch_fini(&s);
}

Test(cli, sundard_makes_its_out_and_says_where_it_listens, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    receiver r;
    char *out = path_in(&s, "new/deeper/received/");
    /* start_receiver makes out itself: ask for a directory below it instead. */
    char *argv[] = {(char *)bin("sundard"), "--listen", "127.0.0.1:0", "--port-file",
                    path_in(&s, "port"), "--out", out, NULL};
    r.pid = spawn(argv, NULL, NULL, path_in(&s, "rx.log"));
    double end = now_s() + 10;
    while (access(path_in(&s, "port"), R_OK) && now_s() < end) usleep(10000);
    kill(r.pid, SIGTERM);
    cr_assert_eq(wait_for(r.pid, 10), 0);
    struct stat st;
    cr_assert_eq(stat(path_in(&s, "new/deeper/received"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    assert_log_has(path_in(&s, "rx.log"), "created ");
    assert_log_has(path_in(&s, "rx.log"), "listening on 127.0.0.1:");
    write_file(path_in(&s, "plain"), (const uint8_t *)"x", 1);
    cr_assert_eq(cli(&s, "f.log", "sundard", "--out", path_in(&s, "plain"), NULL), 2);
    assert_log_has(path_in(&s, "f.log"), "exists and is not a directory");
    scratch_fini(&s);
}

Test(cli, tiny_input_is_stored_and_stdin_takes_a_name, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *in = strdup(text_file(&s, "in.txt", 3, 2));
    char *args[] = {"--send", "-", "--name", "notes/today.txt", "--rate", "0", NULL};
    outcome o = transfer(&s, in, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    assert_same(in, path_in(&s, "out/notes/today.txt"));
    assert_log_has(path_in(&s, "tx.log"), "too small to gain; stored");
    assert_log_has(path_in(&s, "rx.log"), "too small to gain; stored");
    cr_assert_eq(lines_with(path_in(&s, "tx.log"), "saved"), 0, "negative savings reported");
    cr_assert_eq(lines_with(path_in(&s, "rx.log"), "kbit/s"), 0, "the receiver claims a link");
    char *f = path_in(&s, "in.txt");
    cr_assert_eq(cli(&s, "n.log", "satyad", "--send", f, "--name", "x", NULL), 2);
    assert_log_has(path_in(&s, "n.log"), "give --send - as well");
    free(in);
    scratch_fini(&s);
}

Test(cli, from_a_recording_reports_no_link, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *f = strdup(text_file(&s, "r.txt", 20000, 3));
    cr_assert_eq(cli(&s, "tx.log", "satyad", "--send", f, "--out", path_in(&s, "r.sls"), NULL),
                 0);
    mkdir(path_in(&s, "out"), 0755);
    cr_assert_eq(cli(&s, "rx.log", "sundard", "--from", path_in(&s, "r.sls"), "--out",
                     path_in(&s, "out"), NULL), 0);
    assert_same(f, path_in(&s, "out/r.txt"));
    cr_assert_eq(lines_with(path_in(&s, "rx.log"), "kbit/s"), 0, "--from claims a link rate");
    free(f);
    scratch_fini(&s);
}

/* Ctrl-C in the middle of a session at 20 kbit/s (a few seconds long). */
Test(cli, ctrl_c_stops_sundard_promptly_and_leaves_nothing, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *f = strdup(text_file(&s, "long.txt", 60000, 4));
    const char *once[] = {"--once", NULL};
    receiver r;
    start_receiver(&r, &s, path_in(&s, "out"), path_in(&s, "rx.log"), once);
    char *argv[] = {(char *)bin("satyad"), "--send", f, "--to", r.to, "--rate", "20kbit",
                    "--recipe", "tiny", "--chunk", "4K", NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    usleep(1500000);
    double t0 = now_s();
    kill(r.pid, SIGINT);
    wait_for(r.pid, 10);
    cr_assert_lt(now_s() - t0, 2.0, "sundard took %.1f s to stop", now_s() - t0);
    cr_assert_eq(wait_for(tx, 10), 1);
    assert_log_has(path_in(&s, "tx.log"), "the receiver is shutting down");
    assert_log_has(path_in(&s, "rx.log"), "abandoned");
    char cmd[300];
    /* Nothing under a final name; the session's staging may stay for a
     * resume when the receiver comes back (issue 11). */
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -type f ! -path '*/.sl-staging/*')\"",
             path_in(&s, "out"));
    cr_assert_eq(system(cmd), 0, "sundard left files behind");
    free(f);
    scratch_fini(&s);
}

Test(cli, ctrl_c_stops_satyad_at_once_without_a_part_file, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *f = strdup(text_file(&s, "big.txt", 400000, 5));
    char *argv[] = {(char *)bin("satyad"), "--send", f, "--out", path_in(&s, "rec.sls"),
                    "--recipe", "max", NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    usleep(800000);
    double t0 = now_s();
    kill(tx, SIGINT);
    cr_assert_eq(wait_for(tx, 10), 130);
    cr_assert_lt(now_s() - t0, 1.0, "satyad took %.1f s to stop", now_s() - t0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '*rec.sls*')\"", s.dir);
    cr_assert_eq(system(cmd), 0, "satyad left its --out (or a .part) behind");
    assert_log_has(path_in(&s, "tx.log"), "was not written");
    free(f);
    scratch_fini(&s);
}

Test(cli, slcodec_like_gzip, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *f = strdup(text_file(&s, "t.txt", 5000, 6));
    char *slc = strdup(path_in(&s, "t.slc"));
    cr_assert_eq(cli(&s, "c.log", "slcodec", "c", "-v", "-r", "tiny", f, slc, NULL), 0);
    assert_log_has(path_in(&s, "c.log"), "t.txt: 5000 -> ");
    assert_log_has(path_in(&s, "c.log"), "bits/byte");
    cr_assert_eq(lines_with(path_in(&s, "c.log"), ""), 1, "-v is one line");
    cr_assert_eq(cli(&s, "d.log", "slcodec", "d", slc, path_in(&s, "t.out"), NULL), 0);
    assert_same(f, path_in(&s, "t.out"));
    cr_assert_eq(lines_with(path_in(&s, "d.log"), ""), 0, "quiet without -v");
    cr_assert_eq(cli(&s, "e.log", "slcodec", "d", f, path_in(&s, "x.out"), NULL), 1);
    cr_assert_eq(lines_with(path_in(&s, "e.log"), "slcodec"), 1, "an error, printed once");
    cr_assert_eq(access(path_in(&s, "x.out"), F_OK), -1);
    cr_assert_eq(cli(&s, "u.log", "slcodec", "c", "-r", "nosuch", f, slc, NULL), 2);
    cr_assert_eq(lines_with(path_in(&s, "u.log"), "nosuch"), 1);
    cr_assert_eq(cli(&s, "o.log", "slcodec", "c", "--bogus", f, slc, NULL), 2);
    cr_assert_eq(cli(&s, "v.log", "slcodec", "--version", NULL), 0);
    free(f);
    free(slc);
    scratch_fini(&s);
}

/* A tree with a symlink to a file, one back to the tree itself, and one to
 * nowhere. */
static char *link_tree(const scratch *s)
{
    char *tree = strdup(path_in(s, "tree"));
    mkdir(tree, 0755);
    write_file(path_in(s, "tree/a.txt"), (const uint8_t *)"alpha\n", 6);
    cr_assert_eq(symlink("a.txt", path_in(s, "tree/link")), 0);
    cr_assert_eq(symlink(".", path_in(s, "tree/loop")), 0);
    cr_assert_eq(symlink("no-such-file", path_in(s, "tree/dangling")), 0);
    return tree;
}

Test(cli, symlinks_are_reported_and_followed_on_request, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *tree = link_tree(&s);
    char *args[] = {"--send", tree, "--rate", "0", "--recipe", "tiny", NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    assert_same(path_in(&s, "tree/a.txt"), path_in(&s, "out/tree/a.txt"));
    cr_assert_eq(access(path_in(&s, "out/tree/link"), F_OK), -1);
    cr_assert_eq(lines_with(path_in(&s, "tx.log"), "skipped symlink"), 3);
    assert_log_has(path_in(&s, "tx.log"), "tree/link -> a.txt (--follow-symlinks");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path_in(&s, "out"));
    cr_assert_eq(system(cmd), 0);
    char *args2[] = {"--send", tree, "--follow-symlinks", "--rate", "0", "--recipe", "tiny",
                     NULL};
    o = transfer(&s, NULL, NULL, NULL, args2);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    assert_same(path_in(&s, "tree/a.txt"), path_in(&s, "out/tree/link"));
    struct stat st;
    cr_assert_eq(lstat(path_in(&s, "out/tree/link"), &st), 0);
    cr_assert(S_ISREG(st.st_mode), "a followed link arrives as a file");
    assert_log_has(path_in(&s, "tx.log"), "a loop back to a directory above");
    assert_log_has(path_in(&s, "tx.log"), "it points nowhere");
    free(tree);
    scratch_fini(&s);
}

static void set_time(const char *path, time_t t)
{
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0, "%s", path);
}

Test(cli, modes_times_and_empty_directories_arrive, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    mkdir(path_in(&s, "t"), 0755);
    mkdir(path_in(&s, "t/empty"), 0700);
    mkdir(path_in(&s, "t/x"), 0755);
    mkdir(path_in(&s, "t/x/y"), 0755);
    write_file(path_in(&s, "t/run.sh"), (const uint8_t *)"#!/bin/sh\n", 10);
    write_file(path_in(&s, "t/secret"), (const uint8_t *)"s", 1);
    chmod(path_in(&s, "t/run.sh"), 0755);
    chmod(path_in(&s, "t/secret"), 0600);
    set_time(path_in(&s, "t/run.sh"), 1500000000);
    set_time(path_in(&s, "t/secret"), 1600000000);
    set_time(path_in(&s, "t/empty"), 1400000000);
    char *tree = strdup(path_in(&s, "t"));
    mode_t mask = umask(0);   /* sundard inherits ours, and applies it */
    umask(mask);
    char *args[] = {"--send", tree, "--rate", "0", "--recipe", "tiny", "--quiet", NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    static const struct { const char *path; int dir; mode_t mode; time_t mtime; } want[] = {
        {"out/t/run.sh", 0, 0755, 1500000000}, {"out/t/secret", 0, 0600, 1600000000},
        {"out/t/empty", 1, 0700, 1400000000}, {"out/t/x/y", 1, 0755, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct stat st;
        cr_assert_eq(stat(path_in(&s, want[i].path), &st), 0, "%s did not arrive",
                     want[i].path);
        cr_assert_eq(S_ISDIR(st.st_mode) != 0, want[i].dir, "%s", want[i].path);
        cr_assert_eq(st.st_mode & 07777, want[i].mode & ~mask, "%s: mode %o",
                     want[i].path, st.st_mode & 07777);
        if (want[i].mtime)
            cr_assert_eq(st.st_mtime, want[i].mtime, "%s: mtime", want[i].path);
    }
    free(tree);
    scratch_fini(&s);
}

Test(cli, windows_rules_only_with_portable_names, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    mkdir(path_in(&s, "src"), 0755);
    write_file(path_in(&s, "src/aux.c"), (const uint8_t *)"int x;\n", 7);
    char *tree = strdup(path_in(&s, "src"));
    char *args[] = {"--send", tree, "--rate", "0", "--recipe", "tiny", "--quiet", NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0, "aux.c is a fine name on Linux");
    cr_assert_eq(o.rx, 0);
    assert_same(path_in(&s, "src/aux.c"), path_in(&s, "out/src/aux.c"));
    cr_assert_neq(cli(&s, "p.log", "satyad", "--send", tree, "--portable-names", "--out",
                      path_in(&s, "p.sls"), NULL), 0);
    assert_log_has(path_in(&s, "p.log"), "a Windows device name");
    cr_assert_eq(access(path_in(&s, "p.sls"), F_OK), -1);
    write_file(path_in(&s, "src/README"), (const uint8_t *)"a", 1);
    write_file(path_in(&s, "src/readme"), (const uint8_t *)"b", 1);
    unlink(path_in(&s, "src/aux.c"));
    cr_assert_neq(cli(&s, "c.log", "satyad", "--send", tree, "--portable-names", "--out",
                      path_in(&s, "p.sls"), NULL), 0);
    assert_log_has(path_in(&s, "c.log"), "differ only in case");
    free(tree);
    scratch_fini(&s);
}
