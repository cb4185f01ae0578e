/* tests/unit/test_guard.c — sundard as a hostile world meets it, end to
 * end on loopback: TLS (trust by pin and by CA, a wrong CA, plaintext
 * against TLS both ways, what a capture shows, what openssl s_client
 * sees), the overwrite refusal, loopback-only without keys, stale
 * staging, and the attacks of issue 11 through tests/attack/slattack:
 * half frames on 150 connections, a trickle, a chunk that claims what it
 * does not hold, frames after DONE, too many sessions, too few file
 * descriptors, and a decoder busier than the idle timeout. */
#include "e2e_util.h"

static char *random_file(const e2e_dir *s, const char *name, size_t n, uint64_t seed)
{
    uint8_t *buf = malloc(n);
    td_random(buf, n, seed);
    char *path = e2e_path(s, name);
    e2e_write(path, buf, n);
    free(buf);
    return path;
}

static char *text_file(const e2e_dir *s, const char *name, size_t n, uint64_t seed)
{
    uint8_t *buf = malloc(n);
    td_text(buf, n, seed);
    char *path = e2e_path(s, name);
    e2e_write(path, buf, n);
    free(buf);
    return path;
}

/* satyad sending `file` to `to` with extra arguments; its exit status. */
static int send_to_within(const char *to, const char *file, const char *log,
                          const char *const *extra, double timeout)
{
    char *argv[40] = {(char *)e2e_bin("satyad"), "--to", (char *)to, "--rate", "0",
                      "--recipe", "tiny", "--quiet"};
    int k = 8;
    for (int i = 0; extra && extra[i] && k < 38; i++) argv[k++] = (char *)extra[i];
    argv[k++] = (char *)file;
    argv[k] = NULL;
    return e2e_run(argv, log, timeout);
}

static int send_to(const char *to, const char *file, const char *log, const char *const *extra)
{
    return send_to_within(to, file, log, extra, 60);
}

static void gen_cert(const e2e_dir *s, const char *dir, char fp[128])
{
    char *argv[] = {(char *)e2e_bin("sundard"), "--gen-cert", e2e_path(s, dir), NULL};
    char *out = e2e_path(s, "fp.txt");
    cr_assert_eq(e2e_wait(e2e_spawn(argv, out, NULL), 30), 0);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(fp, 128, f));
    fclose(f);
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
    e2e_dir s;
    e2e_dir_init(&s);
    char fp[128];
    gen_cert(&s, "cert", fp);
    char *file = random_file(&s, "noise.bin", 40000, 1);   /* stored: bytes cross as they are */
    for (int tls = 0; tls < 2; tls++) {
        const char *rx_tls[] = {"--once", "--tls-cert", e2e_path(&s, "cert/cert.pem"),
                                "--tls-key", e2e_path(&s, "cert/key.pem"), NULL};
        const char *rx_plain[] = {"--once", NULL};
        char out[32];
        snprintf(out, sizeof out, "out%d", tls);
        e2e_rx r;
        e2e_receiver(&r, &s, e2e_path(&s, out), e2e_path(&s, "rx.log"), tls ? rx_tls : rx_plain);
        pid_t relay;
        char *cap = e2e_path(&s, tls ? "tls.cap" : "plain.cap"), to[32];
        snprintf(to, sizeof to, "127.0.0.1:%d", e2e_relay(r.port, cap, &relay));
        const char *pin[] = {"--tls-pin", fp, NULL};
        cr_assert_eq(send_to(to, file, e2e_path(&s, "tx.log"), tls ? pin : NULL), 0);
        cr_assert_eq(e2e_wait(r.pid, 30), 0);
        cr_assert_eq(e2e_wait(relay, 30), 0);
        snprintf(out, sizeof out, "out%d/noise.bin", tls);
        e2e_assert_same(file, e2e_path(&s, out));
        /* A capture of plaintext holds the file and decodes back to it;
         * one of TLS holds neither. */
        cr_assert_eq(capture_has(cap, file), !tls, "tls=%d", tls);
        char *argv[] = {(char *)e2e_bin("sundard"), "--from", cap, "--out",
                        e2e_path(&s, "replay"), "--overwrite", NULL};
        mkdir(e2e_path(&s, "replay"), 0755);
        cr_assert_eq(e2e_run(argv, e2e_path(&s, "replay.log"), 30), tls ? 1 : 0, "tls=%d", tls);
    }
    e2e_dir_fini(&s);
}

Test(guard, tls_trust_and_plaintext_mismatches_while_the_daemon_serves_on, .timeout = 120)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char fp[128], other[128];
    gen_cert(&s, "cert", fp);
    gen_cert(&s, "other", other);
    char *file = text_file(&s, "t.txt", 20000, 2);
    const char *rx_tls[] = {"--tls-cert", e2e_path(&s, "cert/cert.pem"), "--tls-key",
                            e2e_path(&s, "cert/key.pem"), "--overwrite", NULL};
    e2e_rx r;
    char *log = e2e_path(&s, "rx.log"), *tx = e2e_path(&s, "tx.log");
    e2e_receiver(&r, &s, e2e_path(&s, "out"), log, rx_tls);
    const char *wrong_ca[] = {"--tls-ca", e2e_path(&s, "other/cert.pem"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, wrong_ca), 1);
    e2e_assert_log(tx, "not trusted");
    cr_assert_eq(send_to(r.to, file, tx, NULL), 1);
    e2e_assert_log(tx, "accepts TLS only");
    const char *system_cas[] = {"--tls", NULL};
    cr_assert_eq(send_to(r.to, file, tx, system_cas), 1);
    e2e_assert_log(tx, "not trusted");
    const char *right_ca[] = {"--tls-ca", e2e_path(&s, "cert/cert.pem"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, right_ca), 0, "the daemon stopped serving");
    e2e_assert_same(file, e2e_path(&s, "out/t.txt"));
    e2e_assert_log(log, "a plaintext sender was refused: this receiver requires TLS");
    /* openssl s_client sees TLS 1.3, and TLS 1.2 is refused. */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "openssl s_client -connect %s -CAfile '%s' -brief </dev/null "
             "2>&1 | grep -q 'Protocol version: TLSv1.3'", r.to, e2e_path(&s, "cert/cert.pem"));
    cr_assert_eq(system(cmd), 0, "s_client did not see TLSv1.3");
    snprintf(cmd, sizeof cmd, "openssl s_client -connect %s -tls1_2 </dev/null >/dev/null 2>&1",
             r.to);
    cr_assert_neq(system(cmd), 0, "TLS 1.2 was accepted");
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    /* A TLS sender meeting a plaintext receiver. */
    const char *once[] = {"--once", NULL};
    e2e_receiver(&r, &s, e2e_path(&s, "out2"), log, once);
    const char *pin[] = {"--tls-pin", fp, NULL};
    cr_assert_eq(send_to(r.to, file, tx, pin), 1);
    e2e_assert_log(tx, "does not use TLS");
    cr_assert_eq(e2e_wait(r.pid, 20), 1);
    e2e_assert_log(log, "a TLS sender was refused");
    e2e_dir_fini(&s);
}

Test(guard, an_existing_file_is_refused_unless_overwrite, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char *file = text_file(&s, "a.txt", 5000, 3);
    mkdir(e2e_path(&s, "out"), 0755);
    e2e_write(e2e_path(&s, "out/a.txt"), (const uint8_t *)"precious", 8);
    const char *once[] = {"--once", NULL}, *over[] = {"--once", "--overwrite", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), once);
    cr_assert_eq(send_to(r.to, file, e2e_path(&s, "tx.log"), NULL), 1);
    cr_assert_eq(e2e_wait(r.pid, 20), 1);
    e2e_assert_log(e2e_path(&s, "tx.log"), "a.txt exists");
    e2e_assert_log(e2e_path(&s, "tx.log"), "SL_EEXIST");
    cr_assert(!e2e_file_has(e2e_path(&s, "tx.log"), s.dir), "a server path in the reply");
    cr_assert(e2e_file_has(e2e_path(&s, "out/a.txt"), "precious"));
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), over);
    cr_assert_eq(send_to(r.to, file, e2e_path(&s, "tx.log"), NULL), 0);
    cr_assert_eq(e2e_wait(r.pid, 20), 0);
    e2e_assert_same(file, e2e_path(&s, "out/a.txt"));
    e2e_dir_fini(&s);
}

Test(guard, beyond_loopback_only_with_keys_or_allow_anyone, .timeout = 30)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char *argv[] = {(char *)e2e_bin("sundard"), "--listen", "0.0.0.0:0", "--out", s.dir, NULL};
    cr_assert_eq(e2e_run(argv, e2e_path(&s, "rx.log"), 10), 2);
    e2e_assert_log(e2e_path(&s, "rx.log"), "without --authorized-keys");
    e2e_assert_log(e2e_path(&s, "rx.log"), "--allow-anyone");
    e2e_dir_fini(&s);
}

Test(guard, stale_staging_is_removed_at_start, .timeout = 30)
{
    e2e_dir s;
    e2e_dir_init(&s);
    mkdir(e2e_path(&s, "out"), 0755);
    mkdir(e2e_path(&s, "out/.sl-staging"), 0700);
    mkdir(e2e_path(&s, "out/.sl-staging/00112233445566778899aabbccddeeff"), 0700);
    e2e_write(e2e_path(&s, "out/.sl-staging/00112233445566778899aabbccddeeff/f0"),
              (const uint8_t *)"half", 4);
    const char *once[] = {"--once", "--handshake-timeout", "1", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), once);
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 10);
    e2e_assert_log(e2e_path(&s, "rx.log"), "1 stale one removed");
    struct stat st;
    cr_assert_neq(stat(e2e_path(&s, "out/.sl-staging"), &st), 0, "stale staging left behind");
    e2e_dir_fini(&s);
}

/* Runs slattack PORT MODE N HOLD; returns its summary line. */
static void attack(const e2e_dir *s, int port, const char *mode, const char *n, const char *hold,
                   char line[400])
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    char *argv[] = {(char *)e2e_bin("slattack"), p, (char *)mode, (char *)n, (char *)hold, NULL};
    char *out = e2e_path(s, "attack.out");
    cr_assert_eq(e2e_wait(e2e_spawn(argv, out, NULL), 120), 0);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, 400, f));
    fclose(f);
}

Test(guard, half_frames_on_150_connections_keep_memory_small, .timeout = 120)
{
    e2e_dir s;
    e2e_dir_init(&s);
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), NULL);
    char line[400];
    attack(&s, r.port, "halfframe", "150", "2", line);
    cr_assert_not_null(strstr(line, "150 cut"), "%s", line);
    attack(&s, r.port, "stall", "50", "2", line);
    char *file = text_file(&s, "ok.txt", 20000, 4);
    cr_assert_eq(send_to(r.to, file, e2e_path(&s, "tx.log"), NULL), 0);
    e2e_assert_same(file, e2e_path(&s, "out/ok.txt"));
    double mb = e2e_peak_rss_mb(r.pid);
    cr_assert_lt(mb, 256, "sundard peaked at %.0f MB", mb);
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    e2e_dir_fini(&s);
}

Test(guard, a_trickling_peer_is_cut_after_the_handshake_timeout, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    const char *args[] = {"--once", "--handshake-timeout", "2", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char line[400];
    attack(&s, r.port, "trickle", "1", "20", line);
    cr_assert_not_null(strstr(line, "1 cut"), "%s", line);
    double took = atof(strstr(line, " in ") + 4);
    cr_assert(took > 1.5 && took < 6, "cut after %.1f s: %s", took, line);
    cr_assert_eq(e2e_wait(r.pid, 20), 1);
    e2e_assert_log(e2e_path(&s, "rx.log"), "SL_ETIMEOUT");
    e2e_dir_fini(&s);
}

Test(guard, a_chunk_that_claims_what_it_does_not_hold_is_refused_at_once, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    const char *args[] = {"--max-chunk", "16M", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char line[400];
    attack(&s, r.port, "emptychunk", "1", "20", line);
    cr_assert_not_null(strstr(line, "SL_ECORRUPT"), "%s", line);
    /* Before, the 16 MiB claimed were decoded in full: about 10 CPU s. */
    double cpu = e2e_cpu_s(r.pid);
    cr_assert_lt(cpu, 3, "the receiver spent %.1f CPU s on it", cpu);
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    e2e_dir_fini(&s);
}

Test(guard, frames_after_done_are_refused, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    const char *args[] = {"--once", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char line[400];
    attack(&s, r.port, "afterdone", "1", "1", line);
    cr_assert_not_null(strstr(line, "0 accepted"), "%s", line);
    cr_assert_eq(e2e_wait(r.pid, 30), 1);
    e2e_assert_log(e2e_path(&s, "rx.log"), "a frame follows DONE");
    struct stat st;
    cr_assert_neq(stat(e2e_path(&s, "out/x0.txt"), &st), 0, "the session was published");
    e2e_dir_fini(&s);
}

Test(guard, sessions_past_the_limit_are_refused_busy, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    const char *args[] = {"--max-sessions", "2", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char line[400];
    attack(&s, r.port, "stall", "3", "1", line);
    cr_assert_not_null(strstr(line, "SL_EBUSY"), "%s", line);
    cr_assert_not_null(strstr(line, "--max-sessions"), "%s", line);
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    e2e_dir_fini(&s);
}

Test(guard, running_out_of_descriptors_is_logged_and_survived, .timeout = 90)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char pf[600], cmd[1400];
    snprintf(pf, sizeof pf, "%s/port", s.dir);
    mkdir(e2e_path(&s, "out"), 0755);
    snprintf(cmd, sizeof cmd, "ulimit -n 40 && exec '%s' --listen 127.0.0.1:0 --port-file '%s' "
             "--out '%s' --handshake-timeout 2", e2e_bin("sundard"), pf, e2e_path(&s, "out"));
    char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    pid_t rx = e2e_spawn(argv, NULL, e2e_path(&s, "rx.log"));
    FILE *f = NULL;
    double end = now_s() + 10;
    while (!(f = fopen(pf, "r")) && now_s() < end) usleep(10000);
    cr_assert_not_null(f);
    int port;
    cr_assert_eq(fscanf(f, "%d", &port), 1);
    fclose(f);
    char line[400], to[32];
    attack(&s, port, "idle", "60", "1", line);
    e2e_assert_log(e2e_path(&s, "rx.log"), "cannot accept a connection");
    sleep(3);   /* the handshake timeout frees the descriptors */
    snprintf(to, sizeof to, "127.0.0.1:%d", port);
    char *file = text_file(&s, "after.txt", 10000, 5);
    cr_assert_eq(send_to(to, file, e2e_path(&s, "tx.log"), NULL), 0, "no recovery");
    e2e_assert_same(file, e2e_path(&s, "out/after.txt"));
    kill(rx, SIGTERM);
    e2e_wait(rx, 20);
    e2e_dir_fini(&s);
}

Test(guard, a_busy_decoder_is_not_a_silent_sender, .timeout = 300)
{
    e2e_dir s;
    e2e_dir_init(&s);
    /* A recording of one 3 MiB chunk, replayed at once: the receiver then
     * decodes for about 2 s with nothing more to come, longer than its
     * idle timeout, and must not call that silence. */
    char *file = random_file(&s, "slow.bin", 3u << 20, 6), *rec = e2e_path(&s, "slow.sls");
    char *rargv[] = {(char *)e2e_bin("satyad"), "--out", rec, "--recipe", "tiny", "--chunk",
                     "3M", "--quiet", file, NULL};
    cr_assert_eq(e2e_run(rargv, e2e_path(&s, "tx.log"), 200), 0);
    const char *args[] = {"--once", "--idle-timeout", "1", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d && cat '%s' >&3 && cat <&3 >/dev/null",
             r.port, rec);
    char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    e2e_run(argv, NULL, 200);
    cr_assert_eq(e2e_wait(r.pid, 60), 0, "the session failed (see %s)", e2e_path(&s, "rx.log"));
    e2e_assert_same(file, e2e_path(&s, "out/slow.bin"));
    e2e_dir_fini(&s);
}

/* satyad --gen-key FILE: the public line on stdout, nothing else there. */
static void gen_key(const e2e_dir *s, const char *name, char line[300])
{
    char *argv[] = {(char *)e2e_bin("satyad"), "--gen-key", e2e_path(s, name), NULL};
    char out[64];
    snprintf(out, sizeof out, "%s.pub", name);
    cr_assert_eq(e2e_wait(e2e_spawn(argv, e2e_path(s, out), NULL), 30), 0);
    FILE *f = fopen(e2e_path(s, out), "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, 300, f));
    char more[8];
    cr_assert_null(fgets(more, sizeof more, f), "more than the key on stdout");
    fclose(f);
    cr_assert_eq(strncmp(line, "sl-ed25519 ", 11), 0, "%s", line);
    struct stat st;
    cr_assert_eq(stat(e2e_path(s, name), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
}

Test(guard, only_authorized_keys_may_send, .timeout = 90)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char mine[300], other[300];
    gen_key(&s, "mine", mine);
    gen_key(&s, "other", other);
    char keys[700];
    snprintf(keys, sizeof keys, "# who may send\n%s", mine);
    e2e_write(e2e_path(&s, "authorized"), (const uint8_t *)keys, strlen(keys));
    const char *args[] = {"--authorized-keys", e2e_path(&s, "authorized"), NULL};
    e2e_rx r;
    char *log = e2e_path(&s, "rx.log"), *tx = e2e_path(&s, "tx.log");
    e2e_receiver(&r, &s, e2e_path(&s, "out"), log, args);
    char *file = text_file(&s, "k.txt", 8000, 7);
    const char *other_key[] = {"--key", e2e_path(&s, "other"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, other_key), 1);
    e2e_assert_log(tx, "SL_EAUTH");
    cr_assert_eq(send_to(r.to, file, tx, NULL), 1);
    e2e_assert_log(tx, "accepts signed sessions only");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", e2e_path(&s, "out"));
    cr_assert_eq(system(cmd), 0, "a refused sender made something in --out");
    const char *my_key[] = {"--key", e2e_path(&s, "mine"), NULL};
    cr_assert_eq(send_to(r.to, file, tx, my_key), 0);
    e2e_assert_same(file, e2e_path(&s, "out/k.txt"));
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    /* Every session's log line names the key by fingerprint and comment. */
    e2e_assert_log(log, "key SHA256:");
    e2e_assert_log(log, "is not in this receiver");
    char *comment = strrchr(mine, ' ') + 1;
    comment[strcspn(comment, "\n")] = 0;
    e2e_assert_log(log, comment);
    e2e_dir_fini(&s);
}

Test(guard, a_signed_recording_verifies_offline, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char mine[300], other[300];
    gen_key(&s, "mine", mine);
    gen_key(&s, "other", other);
    char *file = text_file(&s, "r.txt", 6000, 8), *rec = e2e_path(&s, "r.sls");
    char *rargv[] = {(char *)e2e_bin("satyad"), "--out", rec, "--key", e2e_path(&s, "mine"),
                     "--recipe", "tiny", "--quiet", file, NULL};
    cr_assert_eq(e2e_run(rargv, e2e_path(&s, "tx.log"), 60), 0);
    const char *cases[][2] = {{"mine.pub", "0"}, {"other.pub", "1"}};
    for (int i = 0; i < 2; i++) {
        char out[16];
        snprintf(out, sizeof out, "out%d", i);
        mkdir(e2e_path(&s, out), 0755);
        char *argv[] = {(char *)e2e_bin("sundard"), "--from", rec, "--out", e2e_path(&s, out),
                        "--authorized-keys", e2e_path(&s, cases[i][0]), NULL};
        cr_assert_eq(e2e_run(argv, e2e_path(&s, "rx.log"), 30), atoi(cases[i][1]), "%s",
                     cases[i][0]);
    }
    e2e_assert_log(e2e_path(&s, "rx.log"), "SL_EAUTH");
    e2e_assert_same(file, e2e_path(&s, "out0/r.txt"));
    /* The golden signed stream, with the golden key. */
    mkdir(e2e_path(&s, "out2"), 0755);
    char *gargv[] = {(char *)e2e_bin("sundard"), "--from", "tests/golden/proto/valid-signed.sls",
                     "--out", e2e_path(&s, "out2"), "--authorized-keys",
                     "tests/golden/proto/input/golden.pub", NULL};
    cr_assert_eq(e2e_run(gargv, e2e_path(&s, "rx.log"), 30), 0);
    e2e_dir_fini(&s);
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
    e2e_dir s;
    e2e_dir_init(&s);
    char *file = random_file(&s, "big.bin", 60000, 9);
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), NULL);
    char *argv[] = {(char *)e2e_bin("satyad"), "--to", r.to, "--rate", "100kbit", "--recipe",
                    "tiny", "--chunk", "4K", "--quiet", "--json", e2e_path(&s, "tx.json"), file,
                    NULL};
    pid_t tx = e2e_spawn(argv, NULL, e2e_path(&s, "tx1.log"));
    usleep(2500000);   /* about half of the ~5 s it takes */
    kill(tx, SIGKILL);
    waitpid(tx, NULL, 0);
    cr_assert_eq(e2e_run(argv, e2e_path(&s, "tx2.log"), 60), 0);
    uint64_t second = wire_bytes(e2e_path(&s, "tx.json"));
    cr_assert_lt(second, 45000, "the second run sent %llu of ~60,000 bytes",
                 (unsigned long long)second);
    e2e_assert_same(file, e2e_path(&s, "out/big.bin"));
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    e2e_assert_log(e2e_path(&s, "rx.log"), "resumed");
    e2e_dir_fini(&s);
}

Test(guard, a_session_resumes_after_the_receiver_is_killed, .timeout = 120)
{
    e2e_dir s;
    e2e_dir_init(&s);
    char *file = random_file(&s, "big.bin", 60000, 10);
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx1.log"), NULL);
    char *argv[] = {(char *)e2e_bin("satyad"), "--to", r.to, "--rate", "100kbit", "--recipe",
                    "tiny", "--chunk", "4K", "--quiet", "--retry", "5", file, NULL};
    pid_t tx = e2e_spawn(argv, NULL, e2e_path(&s, "tx.log"));
    usleep(2500000);
    kill(r.pid, SIGKILL);
    waitpid(r.pid, NULL, 0);
    /* A new sundard on the same port and --out finds the journal. */
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", r.port);
    char *rargv[] = {(char *)e2e_bin("sundard"), "--listen", listen, "--out",
                     e2e_path(&s, "out"), "--once", NULL};
    pid_t rx2 = e2e_spawn(rargv, NULL, e2e_path(&s, "rx2.log"));
    cr_assert_eq(e2e_wait(tx, 60), 0, "satyad did not finish after the receiver came back");
    cr_assert_eq(e2e_wait(rx2, 30), 0);
    e2e_assert_same(file, e2e_path(&s, "out/big.bin"));
    e2e_assert_log(e2e_path(&s, "tx.log"), "trying again");
    e2e_assert_log(e2e_path(&s, "rx2.log"), "kept for a resume");
    e2e_assert_log(e2e_path(&s, "rx2.log"), "resumed");
    e2e_dir_fini(&s);
}

Test(guard, a_session_over_the_memory_budget_waits_then_is_refused, .timeout = 60)
{
    e2e_dir s;
    e2e_dir_init(&s);
    /* Each stalled session holds a tiny model and two 4 MiB chunk buffers
     * (about 19 MiB): one fits in 30 MiB, a second waits 1 s and goes. */
    const char *args[] = {"--max-memory", "30M", "--handshake-timeout", "1", NULL};
    e2e_rx r;
    e2e_receiver(&r, &s, e2e_path(&s, "out"), e2e_path(&s, "rx.log"), args);
    char line[400];
    attack(&s, r.port, "stall", "2", "4", line);
    cr_assert_not_null(strstr(line, "SL_EBUSY"), "%s", line);
    cr_assert_not_null(strstr(line, "--max-memory"), "%s", line);
    kill(r.pid, SIGTERM);
    e2e_wait(r.pid, 20);
    e2e_dir_fini(&s);
}
