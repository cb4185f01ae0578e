/* tests/unit/test_guard.c — sundard as a hostile world meets it, end to
 * end on loopback: TLS (trust by pin and by CA, a wrong CA, plaintext
 * against TLS both ways, what a capture shows, what openssl s_client
 * sees), the overwrite refusal, loopback-only without keys, stale
 * staging, and the attacks of issue 11 through tests/attack/slattack:
 * half frames on 150 connections, a trickle, a chunk that claims what it
 * does not hold, frames after DONE, too many sessions, too few file
 * descriptors, and a decoder busier than the idle timeout. */
#include "e2e.h"

/* satyad sending `file` to `to` with extra arguments; its exit status. */
static int send_to_within(const char *to, const char *file, const char *log,
                          const char *const *extra, double timeout)
{
    char *argv[40] = {(char *)bin("satyad"), "--to", (char *)to, "--rate", "0",
                      "--recipe", "tiny", "--quiet"};
    int k = 8;
    for (int i = 0; extra && extra[i] && k < 38; i++) argv[k++] = (char *)extra[i];
    argv[k++] = (char *)file;
    argv[k] = NULL;
    return run(argv, NULL, log, timeout);
}

static int send_to(const char *to, const char *file, const char *log, const char *const *extra)
{
    return send_to_within(to, file, log, extra, 60);
}

/* Runs argv (within `timeout` s, exit status 0) with its stdout in the
 * file `out`; copies the first line of that into line[cap] and returns
 * whether more follows it. */
static int stdout_line(char *const argv[], const char *out, double timeout, char *line, int cap)
{
    cr_assert_eq(wait_for(spawn(argv, NULL, out, NULL), timeout), 0, "%s failed", argv[0]);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, cap, f), "%s wrote nothing", argv[0]);
    char more[8];
    int rest = fgets(more, sizeof more, f) != NULL;
    fclose(f);
    return rest;
}

/* A receiver writing to out/ in `s`, its log in rx.log, with `args`. */
static void receiver_in(receiver *r, const scratch *s, const char *const *args)
{
    start_receiver(r, s, path_in(s, "out"), path_in(s, "rx.log"), args);
}

static void gen_cert(const scratch *s, const char *dir, char fp[128])
{
    char *argv[] = {(char *)bin("sundard"), "--gen-cert", path_in(s, dir), NULL};
    stdout_line(argv, path_in(s, "fp.txt"), 30, fp, 128);
    fp[strcspn(fp, "\n")] = 0;
    cr_assert_eq(strlen(fp), 95, "not a fingerprint: %s", fp);
}

/* Does `capture` hold 64 bytes of `file` (from its middle) verbatim? */
static int capture_has(const char *capture, const char *file)
{
    FILE *a = fopen(file, "rb"), *b = fopen(capture, "rb");
    cr_assert(a && b);
    uint8_t needle[64], buf[1 << 20];
    fseek(a, 20000, SEEK_SET);
    cr_assert_eq(fread(needle, 1, 64, a), 64);
    size_t n = fread(buf, 1, sizeof buf, b);
    fclose(a);
    fclose(b);
    for (size_t i = 0; i + 64 <= n; i++)
        if (!memcmp(buf + i, needle, 64)) return 1;
    return 0;
}

Test(guard, tls_pinned_session_and_what_a_capture_shows, .timeout = 90)
{
    scratch s;
    scratch_init(&s);
    char fp[128];
    gen_cert(&s, "cert", fp);
    char *file = random_file(&s, "noise.bin", 40000, 1);   /* stored: bytes cross as they are */
    for (int tls = 0; tls < 2; tls++) {
        const char *rx_tls[] = {"--once", "--tls-cert", path_in(&s, "cert/cert.pem"),
                                "--tls-key", path_in(&s, "cert/key.pem"), NULL};
        const char *rx_plain[] = {"--once", NULL};
        char out[32];
        snprintf(out, sizeof out, "out%d", tls);
        receiver r;
        start_receiver(&r, &s, path_in(&s, out), path_in(&s, "rx.log"), tls ? rx_tls : rx_plain);
        pid_t relay;
        char *cap = path_in(&s, tls ? "tls.cap" : "plain.cap"), to[32];
        snprintf(to, sizeof to, "127.0.0.1:%d", start_relay(r.port, cap, &relay));
        const char *pin[] = {"--tls-pin", fp, NULL};
        cr_assert_eq(send_to(to, file, path_in(&s, "tx.log"), tls ? pin : NULL), 0);
        cr_assert_eq(wait_for(r.pid, 30), 0);
        cr_assert_eq(wait_for(relay, 30), 0);
        snprintf(out, sizeof out, "out%d/noise.bin", tls);
        assert_same(file, path_in(&s, out));
        /* A capture of plaintext holds the file and decodes back to it;
         * one of TLS holds neither. */
        cr_assert_eq(capture_has(cap, file), !tls, "tls=%d", tls);
        char *argv[] = {(char *)bin("sundard"), "--from", cap, "--out",
                        path_in(&s, "replay"), "--overwrite", NULL};
        mkdir(path_in(&s, "replay"), 0755);
        cr_assert_eq(run(argv, NULL, path_in(&s, "replay.log"), 30), tls ? 1 : 0, "tls=%d", tls);
    }
    scratch_fini(&s);
}

Test(guard, tls_trust_and_plaintext_mismatches_while_the_daemon_serves_on, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char fp[128], other[128];
    gen_cert(&s, "cert", fp);
    gen_cert(&s, "other", other);
    char *file = text_file(&s, "t.txt", 20000, 2);
    const char *rx_tls[] = {"--tls-cert", path_in(&s, "cert/cert.pem"), "--tls-key",
                            path_in(&s, "cert/key.pem"), "--overwrite", NULL};
    receiver r;
    char *log = path_in(&s, "rx.log"), *tx = path_in(&s, "tx.log");
    receiver_in(&r, &s, rx_tls);
    const char *wrong_ca[] = {"--tls-ca", path_in(&s, "other/cert.pem"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, wrong_ca), 1);
    assert_log_has(tx, "not trusted");
    cr_assert_eq(send_to(r.to, file, tx, NULL), 1);
    assert_log_has(tx, "accepts TLS only");
    const char *system_cas[] = {"--tls", NULL};
    cr_assert_eq(send_to(r.to, file, tx, system_cas), 1);
    assert_log_has(tx, "not trusted");
    const char *right_ca[] = {"--tls-ca", path_in(&s, "cert/cert.pem"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, right_ca), 0, "the daemon stopped serving");
    assert_same(file, path_in(&s, "out/t.txt"));
    assert_log_has(log, "a plaintext sender was refused: this receiver requires TLS");
    /* openssl s_client sees TLS 1.3, and TLS 1.2 is refused. */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "openssl s_client -connect %s -CAfile '%s' -brief </dev/null "
             "2>&1 | grep -q 'Protocol version: TLSv1.3'", r.to, path_in(&s, "cert/cert.pem"));
    cr_assert_eq(system(cmd), 0, "s_client did not see TLSv1.3");
    snprintf(cmd, sizeof cmd, "openssl s_client -connect %s -tls1_2 </dev/null >/dev/null 2>&1",
             r.to);
    cr_assert_neq(system(cmd), 0, "TLS 1.2 was accepted");
    stop(r.pid);
    /* A TLS sender meeting a plaintext receiver. */
    const char *once[] = {"--once", NULL};
    start_receiver(&r, &s, path_in(&s, "out2"), log, once);
    const char *pin[] = {"--tls-pin", fp, NULL};
    cr_assert_eq(send_to(r.to, file, tx, pin), 1);
    assert_log_has(tx, "does not use TLS");
    cr_assert_eq(wait_for(r.pid, 20), 1);
    assert_log_has(log, "a TLS sender was refused");
    scratch_fini(&s);
}

Test(guard, an_existing_file_is_refused_unless_overwrite, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char *file = text_file(&s, "a.txt", 5000, 3);
    mkdir(path_in(&s, "out"), 0755);
    write_file(path_in(&s, "out/a.txt"), (const uint8_t *)"precious", 8);
    const char *once[] = {"--once", NULL}, *over[] = {"--once", "--overwrite", NULL};
    receiver r;
    receiver_in(&r, &s, once);
    cr_assert_eq(send_to(r.to, file, path_in(&s, "tx.log"), NULL), 1);
    cr_assert_eq(wait_for(r.pid, 20), 1);
    assert_log_has(path_in(&s, "tx.log"), "a.txt exists");
    assert_log_has(path_in(&s, "tx.log"), "SL_EEXIST");
    cr_assert(!file_has(path_in(&s, "tx.log"), s.dir), "a server path in the reply");
    cr_assert(file_has(path_in(&s, "out/a.txt"), "precious"));
    receiver_in(&r, &s, over);
    cr_assert_eq(send_to(r.to, file, path_in(&s, "tx.log"), NULL), 0);
    cr_assert_eq(wait_for(r.pid, 20), 0);
    assert_same(file, path_in(&s, "out/a.txt"));
    scratch_fini(&s);
}

Test(guard, beyond_loopback_only_with_keys_or_allow_anyone, .timeout = 30)
{
    scratch s;
    scratch_init(&s);
    char *argv[] = {(char *)bin("sundard"), "--listen", "0.0.0.0:0", "--out",
                    path_in(&s, "new"), NULL};
    cr_assert_eq(run(argv, NULL, path_in(&s, "rx.log"), 10), 2);
    assert_log_has(path_in(&s, "rx.log"), "without --authorized-keys");
    assert_log_has(path_in(&s, "rx.log"), "--allow-anyone");
    struct stat st;   /* refused before --out is made */
    cr_assert_neq(stat(path_in(&s, "new"), &st), 0, "the refused start made --out");
    scratch_fini(&s);
}

Test(guard, stale_staging_is_removed_at_start, .timeout = 30)
{
    scratch s;
    scratch_init(&s);
    mkdir(path_in(&s, "out"), 0755);
    mkdir(path_in(&s, "out/.sl-staging"), 0700);
    mkdir(path_in(&s, "out/.sl-staging/00112233445566778899aabbccddeeff"), 0700);
    write_file(path_in(&s, "out/.sl-staging/00112233445566778899aabbccddeeff/f0"),
               (const uint8_t *)"half", 4);
    const char *once[] = {"--once", "--handshake-timeout", "1", NULL};
    receiver r;
    receiver_in(&r, &s, once);
    kill(r.pid, SIGTERM);
    wait_for(r.pid, 10);
    assert_log_has(path_in(&s, "rx.log"), "1 stale one removed");
    struct stat st;
    cr_assert_neq(stat(path_in(&s, "out/.sl-staging"), &st), 0, "stale staging left behind");
    scratch_fini(&s);
}

/* Runs slattack PORT MODE N HOLD; returns its summary line, which must
 * hold `expect` (NULL: anything). */
static void attack(const scratch *s, int port, const char *mode, const char *n, const char *hold,
                   const char *expect, char line[400])
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    char *argv[] = {(char *)bin("slattack"), p, (char *)mode, (char *)n, (char *)hold, NULL};
    stdout_line(argv, path_in(s, "attack.out"), 120, line, 400);
    if (expect) cr_assert_not_null(strstr(line, expect), "%s", line);
}

/* After an attack, a well-behaved send to `to`: it retries (--retry 3), as
 * a user's would, since what is tested is that the daemon serves again,
 * not that the attack's last connections are gone by the first try. A
 * failure prints the daemon's log (rx.log) and the sender's tail. */
static void send_after_attack(const scratch *s, const char *to, const char *file)
{
    const char *retry[] = {"--retry", "3", NULL};
    int rc = send_to(to, file, path_in(s, "tx.log"), retry);
    if (rc) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "cat '%s' >&2", path_in(s, "rx.log"));
        (void)system(cmd);
    }
    cr_assert_eq(rc, 0, "no recovery: %s", log_tail(path_in(s, "tx.log")));
}

Test(guard, half_frames_on_150_connections_keep_memory_small, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    receiver r;
    receiver_in(&r, &s, NULL);
    char line[400];
    attack(&s, r.port, "halfframe", "150", "2", "150 cut", line);
    attack(&s, r.port, "stall", "50", "2", NULL, line);
    char *file = text_file(&s, "ok.txt", 20000, 4);
    /* The stalled sessions end as the attack's sockets close; on a loaded
     * machine the sender can arrive before the last of them has, and is
     * told SL_EBUSY. (Seen once in CI without a retry.) */
    send_after_attack(&s, r.to, file);
    assert_same(file, path_in(&s, "out/ok.txt"));
    double mb = peak_rss_mb(r.pid);
    cr_assert_lt(mb, 256, "sundard peaked at %.0f MB", mb);
    stop(r.pid);
    scratch_fini(&s);
}

Test(guard, a_trickling_peer_is_cut_after_the_handshake_timeout, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    const char *args[] = {"--once", "--handshake-timeout", "2", NULL};
    receiver r;
    receiver_in(&r, &s, args);
    char line[400];
    attack(&s, r.port, "trickle", "1", "20", "1 cut", line);
    double took = atof(strstr(line, " in ") + 4);
    cr_assert(took > 1.5 && took < 6, "cut after %.1f s: %s", took, line);
    cr_assert_eq(wait_for(r.pid, 20), 1);
    assert_log_has(path_in(&s, "rx.log"), "SL_ETIMEOUT");
    scratch_fini(&s);
}

Test(guard, a_chunk_that_claims_what_it_does_not_hold_is_refused_at_once, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    const char *args[] = {"--max-chunk", "16M", NULL};
    receiver r;
    receiver_in(&r, &s, args);
    char line[400];
    attack(&s, r.port, "emptychunk", "1", "20", "SL_ECORRUPT", line);
    /* Before, the 16 MiB claimed were decoded in full: about 10 CPU s. */
    double cpu = cpu_s(r.pid);
    cr_assert_lt(cpu, 3, "the receiver spent %.1f CPU s on it", cpu);
    stop(r.pid);
    scratch_fini(&s);
}

Test(guard, frames_after_done_are_refused, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    const char *args[] = {"--once", NULL};
    receiver r;
    receiver_in(&r, &s, args);
    char line[400];
    attack(&s, r.port, "afterdone", "1", "1", "0 accepted", line);
    cr_assert_eq(wait_for(r.pid, 30), 1);
    assert_log_has(path_in(&s, "rx.log"), "a frame follows DONE");
    struct stat st;
    cr_assert_neq(stat(path_in(&s, "out/x0.txt"), &st), 0, "the session was published");
    scratch_fini(&s);
}

/* slattack stalls `n` sessions for `hold` s on a receiver with `args`: one
 * past its limit must be refused with SL_EBUSY, naming the option `flag`. */
static void assert_busy_refusal(const char *const *args, const char *n, const char *hold,
                                const char *flag)
{
    scratch s;
    scratch_init(&s);
    receiver r;
    receiver_in(&r, &s, args);
    char line[400];
    attack(&s, r.port, "stall", n, hold, "SL_EBUSY", line);
    cr_assert_not_null(strstr(line, flag), "%s", line);
    stop(r.pid);
    scratch_fini(&s);
}

Test(guard, sessions_past_the_limit_are_refused_busy, .timeout = 60)
{
    const char *args[] = {"--max-sessions", "2", NULL};
    assert_busy_refusal(args, "3", "1", "--max-sessions");
}

Test(guard, running_out_of_descriptors_is_logged_and_survived, .timeout = 90)
{
    scratch s;
    scratch_init(&s);
    char pf[600], cmd[1400];
    snprintf(pf, sizeof pf, "%s/port", s.dir);
    mkdir(path_in(&s, "out"), 0755);
    snprintf(cmd, sizeof cmd, "ulimit -n 40 && exec '%s' --listen 127.0.0.1:0 --port-file '%s' "
             "--out '%s' --handshake-timeout 2", bin("sundard"), pf, path_in(&s, "out"));
    char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    pid_t rx = spawn(argv, NULL, NULL, path_in(&s, "rx.log"));
    int port = read_port(pf, path_in(&s, "rx.log"));
    char line[400], to[32];
    attack(&s, port, "idle", "60", "1", NULL, line);
    assert_log_has(path_in(&s, "rx.log"), "cannot accept a connection");
    sleep(3);   /* the handshake timeout frees the descriptors */
    snprintf(to, sizeof to, "127.0.0.1:%d", port);
    char *file = text_file(&s, "after.txt", 10000, 5);
    /* On a loaded machine the sender can still meet the last of the
     * attack's connections. (Seen once in CI without a retry.) */
    send_after_attack(&s, to, file);
    assert_same(file, path_in(&s, "out/after.txt"));
    stop(rx);
    scratch_fini(&s);
}

Test(guard, a_busy_decoder_is_not_a_silent_sender, .timeout = 300)
{
    scratch s;
    scratch_init(&s);
    /* A recording of one 3 MiB chunk, replayed at once: the receiver then
     * decodes for about 2 s with nothing more to come, longer than its
     * idle timeout, and must not call that silence. */
    char *file = random_file(&s, "slow.bin", 3u << 20, 6), *rec = path_in(&s, "slow.sls");
    char *rargv[] = {(char *)bin("satyad"), "--out", rec, "--recipe", "tiny", "--chunk",
                     "3M", "--quiet", file, NULL};
    cr_assert_eq(run(rargv, NULL, path_in(&s, "tx.log"), 200), 0);
    const char *args[] = {"--once", "--idle-timeout", "1", NULL};
    receiver r;
    receiver_in(&r, &s, args);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d && cat '%s' >&3 && cat <&3 >/dev/null",
             r.port, rec);
    char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    run(argv, NULL, NULL, 200);
    cr_assert_eq(wait_for(r.pid, 60), 0, "the session failed (see %s)", path_in(&s, "rx.log"));
    assert_same(file, path_in(&s, "out/slow.bin"));
    scratch_fini(&s);
}

/* satyad --gen-key FILE: the public line on stdout, nothing else there. */
static void gen_key(const scratch *s, const char *name, char line[300])
{
    char *argv[] = {(char *)bin("satyad"), "--gen-key", path_in(s, name), NULL};
    char out[64];
    snprintf(out, sizeof out, "%s.pub", name);
    cr_assert(!stdout_line(argv, path_in(s, out), 30, line, 300), "more than the key on stdout");
    cr_assert_eq(strncmp(line, "sl-ed25519 ", 11), 0, "%s", line);
    struct stat st;
    cr_assert_eq(stat(path_in(s, name), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
}

Test(guard, only_authorized_keys_may_send, .timeout = 90)
{
    scratch s;
    scratch_init(&s);
    char mine[300], other[300];
    gen_key(&s, "mine", mine);
    gen_key(&s, "other", other);
    char keys[700];
    snprintf(keys, sizeof keys, "# who may send\n%s", mine);
    write_file(path_in(&s, "authorized"), (const uint8_t *)keys, strlen(keys));
    const char *args[] = {"--authorized-keys", path_in(&s, "authorized"), NULL};
    receiver r;
    char *log = path_in(&s, "rx.log"), *tx = path_in(&s, "tx.log");
    receiver_in(&r, &s, args);
    char *file = text_file(&s, "k.txt", 8000, 7);
    const char *other_key[] = {"--key", path_in(&s, "other"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, other_key), 1);
    assert_log_has(tx, "SL_EAUTH");
    cr_assert_eq(send_to(r.to, file, tx, NULL), 1);
    assert_log_has(tx, "accepts signed sessions only");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", path_in(&s, "out"));
    cr_assert_eq(system(cmd), 0, "a refused sender made something in --out");
    const char *my_key[] = {"--key", path_in(&s, "mine"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, my_key), 0);
    assert_same(file, path_in(&s, "out/k.txt"));
    stop(r.pid);
    /* Every session's log line names the key by fingerprint and comment. */
    assert_log_has(log, "key SHA256:");
    assert_log_has(log, "is not in this receiver");
    char *comment = strrchr(mine, ' ') + 1;
    comment[strcspn(comment, "\n")] = 0;
    assert_log_has(log, comment);
    scratch_fini(&s);
}

Test(guard, a_signed_recording_verifies_offline, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    char mine[300], other[300];
    gen_key(&s, "mine", mine);
    gen_key(&s, "other", other);
    char *file = text_file(&s, "r.txt", 6000, 8), *rec = path_in(&s, "r.sls");
    char *rargv[] = {(char *)bin("satyad"), "--out", rec, "--key", path_in(&s, "mine"),
                     "--recipe", "tiny", "--quiet", file, NULL};
    cr_assert_eq(run(rargv, NULL, path_in(&s, "tx.log"), 60), 0);
    const char *cases[][2] = {{"mine.pub", "0"}, {"other.pub", "1"}};
    for (int i = 0; i < 2; i++) {
        char out[16];
        snprintf(out, sizeof out, "out%d", i);
        mkdir(path_in(&s, out), 0755);
        char *argv[] = {(char *)bin("sundard"), "--from", rec, "--out", path_in(&s, out),
                        "--authorized-keys", path_in(&s, cases[i][0]), NULL};
        cr_assert_eq(run(argv, NULL, path_in(&s, "rx.log"), 30), atoi(cases[i][1]), "%s",
                     cases[i][0]);
    }
    assert_log_has(path_in(&s, "rx.log"), "SL_EAUTH");
    assert_same(file, path_in(&s, "out0/r.txt"));
    /* The golden signed stream, with the golden key. */
    mkdir(path_in(&s, "out2"), 0755);
    char *gargv[] = {(char *)bin("sundard"), "--from", "tests/golden/proto/valid-signed.sls",
                     "--out", path_in(&s, "out2"), "--authorized-keys",
                     "tests/golden/proto/input/golden.pub", NULL};
    cr_assert_eq(run(gargv, NULL, path_in(&s, "rx.log"), 30), 0);
    scratch_fini(&s);
}

static uint64_t wire_bytes(const char *json)
{
    FILE *f = fopen(json, "r");
    cr_assert_not_null(f, "%s", json);
    char buf[4096] = "";
    cr_assert_gt(fread(buf, 1, sizeof buf - 1, f), 0);
    fclose(f);
    const char *w = strstr(buf, "\"wire_bytes\":");
    cr_assert_not_null(w);
    return strtoull(w + 13, NULL, 10);
}

/* satyad at 100 kbit/s, killed after `secs`; then the same command again. */
Test(guard, a_session_resumes_after_the_sender_is_killed, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *file = random_file(&s, "big.bin", 60000, 9);
    receiver r;
    receiver_in(&r, &s, NULL);
    char *argv[] = {(char *)bin("satyad"), "--to", r.to, "--rate", "100kbit", "--recipe",
                    "tiny", "--chunk", "4K", "--quiet", "--json", path_in(&s, "tx.json"), file,
                    NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx1.log"));
    usleep(2500000);   /* about half of the ~5 s it takes */
    kill(tx, SIGKILL);
    waitpid(tx, NULL, 0);
    cr_assert_eq(run(argv, NULL, path_in(&s, "tx2.log"), 60), 0);
    uint64_t second = wire_bytes(path_in(&s, "tx.json"));
    cr_assert_lt(second, 45000, "the second run sent %llu of ~60,000 bytes",
                 (unsigned long long)second);
    assert_same(file, path_in(&s, "out/big.bin"));
    stop(r.pid);
    assert_log_has(path_in(&s, "rx.log"), "resumed");
    scratch_fini(&s);
}

Test(guard, a_session_resumes_after_the_receiver_is_killed, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *file = random_file(&s, "big.bin", 60000, 10);
    receiver r;
    start_receiver(&r, &s, path_in(&s, "out"), path_in(&s, "rx1.log"), NULL);
    char *argv[] = {(char *)bin("satyad"), "--to", r.to, "--rate", "100kbit", "--recipe",
                    "tiny", "--chunk", "4K", "--quiet", "--retry", "5", file, NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    usleep(2500000);
    kill(r.pid, SIGKILL);
    waitpid(r.pid, NULL, 0);
    /* A new sundard on the same port and --out finds the journal. */
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", r.port);
    char *rargv[] = {(char *)bin("sundard"), "--listen", listen, "--out",
                     path_in(&s, "out"), "--once", NULL};
    pid_t rx2 = spawn(rargv, NULL, NULL, path_in(&s, "rx2.log"));
    cr_assert_eq(wait_for(tx, 60), 0, "satyad did not finish after the receiver came back");
    cr_assert_eq(wait_for(rx2, 30), 0);
    assert_same(file, path_in(&s, "out/big.bin"));
    assert_log_has(path_in(&s, "tx.log"), "trying again");
    assert_log_has(path_in(&s, "rx2.log"), "kept for a resume");
    assert_log_has(path_in(&s, "rx2.log"), "resumed");
    scratch_fini(&s);
}

Test(guard, a_session_over_the_memory_budget_waits_then_is_refused, .timeout = 60)
{
    /* Each stalled session holds a tiny model and two 4 MiB chunk buffers
     * (about 19 MiB): one fits in 30 MiB, a second waits 1 s and goes. */
    const char *args[] = {"--max-memory", "30M", "--handshake-timeout", "1", NULL};
    assert_busy_refusal(args, "2", "4", "--max-memory");
}
