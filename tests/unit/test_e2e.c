/* tests/unit/test_e2e.c — satyad and sundard as users run them, on
 * loopback with free ports: every received file is compared byte for byte
 * with its original, and every failure must give a clear error and leave
 * no file under its final name. The binaries come from $SL_BIN (the
 * Makefile sets it; default build/). */
#include "e2e.h"
#include "../../common/recipe.h"

#include <jansson.h>

/* Sends `paths` to a fresh receiver; both must succeed. */
static void session_ok(const scratch *s, char *const *paths, int n, const char *recipe)
{
    char *args[32] = {"--rate", "0", "--quiet", "--recipe", (char *)recipe};
    int k = 5;
    for (int i = 0; i < n; i++) {
        args[k++] = "--send";
        args[k++] = paths[i];
    }
    args[k] = NULL;
    outcome o = transfer(s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0, "satyad failed: %s", log_tail(path_in(s, "tx.log")));
    cr_assert_eq(o.rx, 0, "sundard failed: %s", log_tail(path_in(s, "rx.log")));
}

Test(e2e, one_file, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *p[] = {text_file(&s, "a.txt", 30000, 1)};
    session_ok(&s, p, 1, "default");
    assert_same(path_in(&s, "a.txt"), path_in(&s, "out/a.txt"));
    scratch_fini(&s);
}


Test(e2e, directory_tree_empty_and_binary_files, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    mkdir(path_in(&s, "tree"), 0755);
    mkdir(path_in(&s, "tree/sub"), 0755);
    mkdir(path_in(&s, "tree/sub/deeper"), 0755);
    uint8_t buf[70000];
    td_text(buf, 20000, 2);
    write_file(path_in(&s, "tree/notes.txt"), buf, 20000);
    td_random(buf, sizeof buf, 3);
    write_file(path_in(&s, "tree/sub/noise.bin"), buf, sizeof buf);
    td_binary(buf, 40000, 4);
    write_file(path_in(&s, "tree/sub/deeper/table.bin"), buf, 40000);
    write_file(path_in(&s, "tree/sub/empty"), buf, 0);
    char *p[] = {path_in(&s, "tree")};
    session_ok(&s, p, 1, "small");
    assert_same_tree(path_in(&s, "tree"), path_in(&s, "out/tree"));
    scratch_fini(&s);
}

Test(e2e, several_megabytes, .timeout = 300)
{
    scratch s;
    scratch_init(&s);
    size_t n = 3 << 20;
    uint8_t *buf = malloc(n);
    td_text(buf, n / 2, 5);
    td_binary(buf + n / 2, n / 2, 6);
    write_file(path_in(&s, "big.dat"), buf, n);
    free(buf);
    char *p[] = {path_in(&s, "big.dat")};
    session_ok(&s, p, 1, "tiny");
    assert_same(path_in(&s, "big.dat"), path_in(&s, "out/big.dat"));
    scratch_fini(&s);
}

Test(e2e, stdin, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *in = text_file(&s, "in.txt", 12345, 7);
    char *args[] = {"--send", "-", "--rate", "0", "--quiet", NULL};
    outcome o = transfer(&s, in, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    assert_same(in, path_in(&s, "out/stdin"));
    scratch_fini(&s);
}


Test(e2e, one_receiver_many_sessions_at_once, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    mkdir(path_in(&s, "out"), 0755);
    char *pf = path_in(&s, "port");
    char *rargv[] = {(char *)bin("sundard"), "--listen", "127.0.0.1:0", "--port-file", pf,
                     "--out", path_in(&s, "out"), NULL};
    pid_t rx = spawn(rargv, NULL, NULL, path_in(&s, "rx.log"));
    int port = read_port(pf, path_in(&s, "rx.log"));
    char to[32], name[64];
    snprintf(to, sizeof to, "127.0.0.1:%d", port);
    pid_t tx[3];
    for (int i = 0; i < 3; i++) {
        uint8_t buf[50000];
        td_text(buf, sizeof buf, 20 + (uint64_t)i);
        snprintf(name, sizeof name, "s%d.txt", i);
        write_file(path_in(&s, name), buf, sizeof buf);
        char *argv[] = {(char *)bin("satyad"), "--send", path_in(&s, name), "--to", to,
                        "--rate", "400kbit", "--quiet", NULL};
        tx[i] = spawn(argv, NULL, NULL, NULL);
    }
    for (int i = 0; i < 3; i++) cr_assert_eq(wait_for(tx[i], 60), 0, "sender %d", i);
    kill(rx, SIGTERM);
    cr_assert_eq(wait_for(rx, 30), 0, "sundard reported a failed session");
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "s%d.txt", i);
        char got[80];
        snprintf(got, sizeof got, "out/%s", name);
        assert_same(path_in(&s, name), path_in(&s, got));
    }
    scratch_fini(&s);
}

Test(e2e, two_receivers_from_one_encode, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    uint8_t buf[40000];
    td_text(buf, sizeof buf, 8);
    write_file(path_in(&s, "both.txt"), buf, sizeof buf);
    const char *once[] = {"--once", NULL};
    receiver a, b;
    start_receiver(&a, &s, path_in(&s, "outa"), path_in(&s, "rxa.log"), once);
    start_receiver(&b, &s, path_in(&s, "outb"), path_in(&s, "rxb.log"), once);
    char *argv[] = {(char *)bin("satyad"), "--send", path_in(&s, "both.txt"), "--to", a.to,
                    "--to", b.to, "--rate", "1mbit", "--quiet", NULL};
    cr_assert_eq(run(argv, NULL, path_in(&s, "tx.log"), 60), 0);
    cr_assert_eq(wait_for(a.pid, 30), 0);
    cr_assert_eq(wait_for(b.pid, 30), 0);
    assert_same(path_in(&s, "both.txt"), path_in(&s, "outa/both.txt"));
    assert_same(path_in(&s, "both.txt"), path_in(&s, "outb/both.txt"));
    scratch_fini(&s);
}

/* Records a stream of a 30 KB text file into rec.sls. */
static void record(const scratch *s)
{
    uint8_t buf[30000];
    td_text(buf, sizeof buf, 9);
    write_file(path_in(s, "rec.txt"), buf, sizeof buf);
    char *argv[] = {(char *)bin("satyad"), "--send", path_in(s, "rec.txt"), "--out",
                    path_in(s, "rec.sls"), "--chunk", "4K", "--quiet", NULL};
    cr_assert_eq(run(argv, NULL, path_in(s, "tx.log"), 60), 0);
}

static int decode_recording(const scratch *s, const char *file, const char *log)
{
    mkdir(path_in(s, "out"), 0755);
    char *argv[] = {(char *)bin("sundard"), "--from", (char *)file, "--out",
                    path_in(s, "out"), "--quiet", NULL};
    return run(argv, NULL, log, 60);
}

Test(e2e, recorded_stream, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    record(&s);
    cr_assert_eq(decode_recording(&s, path_in(&s, "rec.sls"), path_in(&s, "rx.log")), 0);
    assert_same(path_in(&s, "rec.txt"), path_in(&s, "out/rec.txt"));
    scratch_fini(&s);
}

static uint64_t json_u64(const char *path, const char *key)
{
    json_error_t err;
    json_t *o = json_load_file(path, 0, &err);
    cr_assert_not_null(o, "%s: %s", path, err.text);
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s has no integer %s", path, key);
    uint64_t x = (uint64_t)json_integer_value(v);
    json_decref(o);
    return x;
}

/* The lean wire (PROTOCOL.md): a one-file session with a preset recipe
 * carries its transcript and little else, and both ends count the same
 * wire bytes. Today 119 bytes: preamble 3, HELLO 7, MANIFEST 81 (the
 * recipe 7, its hash 16, the file's mode 2, time 5 and SHA-256 32), the
 * CHUNK's header 9 and digest 8, DONE 11. */
Test(e2e, wire_carries_almost_nothing_but_transcript, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *in = text_file(&s, "a.txt", 20000, 3);
    char *argv[] = {(char *)bin("satyad"), "--send", in, "--out", path_in(&s, "a.sls"),
                    "--recipe", "tiny", "--quiet", "--json", path_in(&s, "tx.json"), NULL};
    cr_assert_eq(run(argv, NULL, path_in(&s, "tx.log"), 60), 0);
    uint64_t wire = json_u64(path_in(&s, "tx.json"), "wire_bytes");
    uint64_t transcript = json_u64(path_in(&s, "tx.json"), "transcript_bytes");
    cr_assert_leq(wire - transcript, 125, "%llu bytes besides the transcript",
                  (unsigned long long)(wire - transcript));
    struct stat st;
    cr_assert_eq(stat(path_in(&s, "a.sls"), &st), 0);
    cr_assert_eq((uint64_t)st.st_size, wire, "the recording is the wire bytes");
    mkdir(path_in(&s, "out"), 0755);
    char *rx[] = {(char *)bin("sundard"), "--from", path_in(&s, "a.sls"), "--out",
                  path_in(&s, "out"), "--quiet", "--json", path_in(&s, "rx.json"), NULL};
    cr_assert_eq(run(rx, NULL, path_in(&s, "rx.log"), 60), 0);
    cr_assert_eq(json_u64(path_in(&s, "rx.json"), "wire_bytes"), wire);
    cr_assert_eq(json_u64(path_in(&s, "rx.json"), "transcript_bytes"), transcript);
    assert_same(in, path_in(&s, "out/a.txt"));
    scratch_fini(&s);
}

Test(e2e, corrupted_chunk_is_refused, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    record(&s);
    struct stat st;
    cr_assert_eq(stat(path_in(&s, "rec.sls"), &st), 0);
    FILE *f = fopen(path_in(&s, "rec.sls"), "r+b");
    fseek(f, st.st_size * 2 / 3, SEEK_SET);
    int c = fgetc(f);
    fseek(f, st.st_size * 2 / 3, SEEK_SET);
    fputc(c ^ 0x20, f);
    fclose(f);
    cr_assert_eq(decode_recording(&s, path_in(&s, "rec.sls"), path_in(&s, "rx.log")), 1);
    /* The byte falls in a chunk's coded data (the recording is the same
     * every run): it decodes to wrong bytes, which the chunk's CRC of its
     * raw bytes catches. */
    assert_log_has(path_in(&s, "rx.log"), "SL_EPROTO_RAWCRC\\|SL_ECORRUPT");
    assert_no_files(path_in(&s, "out"));
    scratch_fini(&s);
}

Test(e2e, truncated_stream_is_refused, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    record(&s);
    struct stat st;
    cr_assert_eq(stat(path_in(&s, "rec.sls"), &st), 0);
    cr_assert_eq(truncate(path_in(&s, "rec.sls"), st.st_size - 30), 0);
    cr_assert_eq(decode_recording(&s, path_in(&s, "rec.sls"), path_in(&s, "rx.log")), 1);
    assert_log_has(path_in(&s, "rx.log"), "ends before the session does");
    assert_no_files(path_in(&s, "out"));
    scratch_fini(&s);
}

Test(e2e, other_codec_version_and_unsafe_names_are_refused, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    cr_assert_eq(decode_recording(&s, "tests/golden/proto/bad-codec-version.sls",
                                  path_in(&s, "v.log")), 1);
    /* mkgolden.c writes the version after this build's. */
    char want[32];
    snprintf(want, sizeof want, "codec version %d", CODEC_VERSION + 1);
    assert_log_has(path_in(&s, "v.log"), want);
    cr_assert_eq(decode_recording(&s, "tests/golden/proto/bad-name.sls",
                                  path_in(&s, "n.log")), 1);
    assert_log_has(path_in(&s, "n.log"), "SL_EPROTO_NAME");
    assert_no_files(path_in(&s, "out"));
    cr_assert_eq(access(path_in(&s, "evil"), F_OK), -1);
    scratch_fini(&s);
}

Test(e2e, output_over_the_limit_is_refused, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *args[] = {"--send", text_file(&s, "big.txt", 20000, 10), "--rate", "0", NULL};
    outcome o = transfer(&s, NULL, "--max-output", "10K", args);
    cr_assert_eq(o.tx, 1);
    cr_assert_eq(o.rx, 1);
    assert_log_has(path_in(&s, "tx.log"), "max-output");
    assert_log_has(path_in(&s, "rx.log"), "SL_ELIMIT");
    assert_no_files(path_in(&s, "out"));
    scratch_fini(&s);
}


Test(e2e, model_over_the_memory_limit_is_refused, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *args[] = {"--send", text_file(&s, "m.txt", 5000, 14), "--rate", "0",
                    "--recipe", "default", NULL};
    outcome o = transfer(&s, NULL, "--max-model-mem", "16M", args);
    cr_assert_eq(o.tx, 1);
    cr_assert_eq(o.rx, 1);
    assert_log_has(path_in(&s, "tx.log"), "model memory");
    assert_no_files(path_in(&s, "out"));
    scratch_fini(&s);
}


Test(e2e, silent_sender_is_abandoned, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    receiver r;
    const char *args[] = {"--once", "--idle-timeout", "1", NULL};
    start_receiver(&r, &s, path_in(&s, "out"), path_in(&s, "rx.log"), args);
    /* connect and say nothing */
    char cmd[200];
    snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d; sleep 3", r.port);
    char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    pid_t quiet = spawn(argv, NULL, NULL, NULL);
    double t0 = now_s();
    cr_assert_eq(wait_for(r.pid, 20), 1);
    cr_assert_lt(now_s() - t0, 2.9, "the receiver waited for the peer to hang up");
    assert_log_has(path_in(&s, "rx.log"), "sent nothing for 1 s");
    wait_for(quiet, 10);
    scratch_fini(&s);
}

Test(e2e, latency_delays_the_session, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    char *args[] = {"--send", text_file(&s, "l.txt", 3000, 15), "--rate", "0",
                    "--latency", "700ms", "--recipe", "tiny", "--quiet", NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    cr_assert_geq(o.seconds, 0.7, "a 700 ms line delivered in %.2f s", o.seconds);
    assert_same(path_in(&s, "l.txt"), path_in(&s, "out/l.txt"));
    scratch_fini(&s);
}


Test(e2e, sender_killed_mid_stream, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    uint8_t buf[60000];
    td_random(buf, sizeof buf, 11);
    write_file(path_in(&s, "slow.bin"), buf, sizeof buf);
    const char *once[] = {"--once", NULL};
    receiver r;
    start_receiver(&r, &s, path_in(&s, "out"), path_in(&s, "rx.log"), once);
    char *argv[] = {(char *)bin("satyad"), "--send", path_in(&s, "slow.bin"), "--to", r.to,
                    "--rate", "100kbit", "--quiet", NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    usleep(1500000);
    kill(tx, SIGKILL);
    waitpid(tx, NULL, 0);
    cr_assert_eq(wait_for(r.pid, 30), 1);
    assert_log_has(path_in(&s, "rx.log"), "connection closed before the session ended");
    char cmd[300];
    /* Only the staging directory may stay (for a resume), nothing else. */
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -mindepth 1 ! -path '*/.sl-staging*')\"",
             path_in(&s, "out"));
    cr_assert_eq(system(cmd), 0, "receiver left files (or temporaries) behind");
    scratch_fini(&s);
}

Test(e2e, receiver_killed_mid_stream, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    uint8_t buf[60000];
    td_random(buf, sizeof buf, 12);
    write_file(path_in(&s, "slow.bin"), buf, sizeof buf);
    const char *once[] = {"--once", NULL};
    receiver r;
    start_receiver(&r, &s, path_in(&s, "out"), path_in(&s, "rx.log"), once);
    char *argv[] = {(char *)bin("satyad"), "--send", path_in(&s, "slow.bin"), "--to", r.to,
                    "--rate", "100kbit", NULL};
    pid_t tx = spawn(argv, NULL, NULL, path_in(&s, "tx.log"));
    usleep(1500000);
    kill(r.pid, SIGKILL);
    waitpid(r.pid, NULL, 0);
    cr_assert_eq(wait_for(tx, 30), 1);
    assert_log_has(path_in(&s, "tx.log"), "closed the connection before confirming");
    assert_no_files(path_in(&s, "out"));
    scratch_fini(&s);
}

Test(e2e, throttle_never_runs_ahead_of_the_rate, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    uint8_t buf[50000];
    td_random(buf, sizeof buf, 13); /* incompressible: ~50 KB on the wire */
    write_file(path_in(&s, "r.bin"), buf, sizeof buf);
    char *args[] = {"--send", path_in(&s, "r.bin"), "--rate", "200kbit", "--recipe", "tiny",
                    "--quiet", "--json", path_in(&s, "tx.json"), NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    FILE *f = fopen(path_in(&s, "tx.json"), "r");
    cr_assert_not_null(f);
    char json[2048] = "";
    cr_assert_gt(fread(json, 1, sizeof json - 1, f), 0);
    fclose(f);
    const char *w = strstr(json, "\"wire_bytes\":");
    cr_assert_not_null(w);
    double wire = strtod(w + 13, NULL);
    cr_assert_gt(wire, 50000);
    /* N bytes at R bit/s cannot arrive in less than N*8/R, less one burst. */
    double floor_s = (wire - 512) * 8 / 200000.0;
    cr_assert_geq(o.seconds, floor_s, "%.0f bytes in %.2f s at 200 kbit/s (floor %.2f s)",
                  wire, o.seconds, floor_s);
    assert_same(path_in(&s, "r.bin"), path_in(&s, "out/r.bin"));
    scratch_fini(&s);
}


#include <jansson.h>

/* Priors (util/prior.h): the old version of a file is the prior, the new
 * version is sent. */
static void prior_files(const scratch *s)
{
    uint8_t buf[26000];
    td_text(buf, sizeof buf, 30);
    write_file(path_in(s, "new.txt"), buf, sizeof buf);
    write_file(path_in(s, "old.txt"), buf, 20000);
    mkdir(path_in(s, "priors"), 0755);
    write_file(path_in(s, "priors/renamed.bin"), buf, 20000);
    td_text(buf, 20000, 31);   /* the same size, other bytes: not the prior */
    write_file(path_in(s, "priors/decoy.txt"), buf, 20000);
}

static json_int_t json_num(const char *path, const char *key)
{
    json_error_t e;
    json_t *o = json_load_file(path, 0, &e);
    cr_assert_not_null(o, "%s: %s", path, e.text);
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s has no integer %s", path, key);
    json_int_t n = json_integer_value(v);
    json_decref(o);
    return n;
}

/* Found by SHA-256 under another name, beside a decoy of the same size;
 * the prior counts in the description length and not on the wire. */
Test(e2e, prior_round_trip_found_under_another_name, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    prior_files(&s);
    char *args[] = {"--send", path_in(&s, "new.txt"), "--prior", path_in(&s, "old.txt"),
                    "--rate", "0", "--recipe", "small", "--json", path_in(&s, "tx.json"),
                    NULL};
    outcome o = transfer(&s, NULL, "--priors", path_in(&s, "priors"), args);
    cr_assert_eq(o.tx, 0);
    cr_assert_eq(o.rx, 0);
    assert_same(path_in(&s, "new.txt"), path_in(&s, "out/new.txt"));
    const char *tx = path_in(&s, "tx.json");
    json_int_t prior = json_num(tx, "prior_bytes"), wire = json_num(tx, "wire_bytes");
    json_int_t transcript = json_num(tx, "transcript_bytes");
    cr_assert_gt(prior, 1000, "prior_bytes %lld", (long long)prior);
    cr_assert_eq(json_num(tx, "description_length"),
                 json_num(tx, "recipe_bytes") + json_num(tx, "code_bytes") + prior + transcript);
    cr_assert_lt(wire, transcript + 1000, "the prior crossed the wire?");
    /* The 20,000 bytes the receiver holds cost almost nothing to send. */
    cr_assert_lt(transcript, prior / 2, "transcript %lld, prior %lld", (long long)transcript,
                 (long long)prior);

    /* The same from a recording, and the receiver's figures agree. */
    char *rec[] = {(char *)bin("satyad"), "--send", path_in(&s, "new.txt"), "--prior",
                   path_in(&s, "old.txt"), "--recipe", "small", "--out",
                   path_in(&s, "p.sls"), "--quiet", NULL};
    cr_assert_eq(run(rec, NULL, path_in(&s, "tx2.log"), 60), 0);
    mkdir(path_in(&s, "out2"), 0755);
    char *dec[] = {(char *)bin("sundard"), "--from", path_in(&s, "p.sls"), "--out",
                   path_in(&s, "out2"), "--priors", path_in(&s, "priors"), "--quiet",
                   "--json", path_in(&s, "rx.json"), NULL};
    cr_assert_eq(run(dec, NULL, path_in(&s, "rx2.log"), 60), 0);
    assert_same(path_in(&s, "new.txt"), path_in(&s, "out2/new.txt"));
    cr_assert_eq(json_num(path_in(&s, "rx.json"), "prior_bytes"), prior);
    cr_assert_eq(json_num(path_in(&s, "rx.json"), "description_length"),
                 json_num(tx, "description_length"));
    scratch_fini(&s);
}

static void assert_empty_dir(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
    cr_assert_eq(system(cmd), 0, "something was written in %s", dir);
}

/* No --priors, or priors without this one: refused before decoding with a
 * named error, and nothing is written, not even a temporary. */
Test(e2e, missing_prior_is_refused_before_decoding, .timeout = 120)
{
    scratch s;
    scratch_init(&s);
    prior_files(&s);
    char *args[] = {"--send", path_in(&s, "new.txt"), "--prior", path_in(&s, "old.txt"),
                    "--rate", "0", "--recipe", "tiny", NULL};
    outcome o = transfer(&s, NULL, NULL, NULL, args);
    cr_assert_eq(o.tx, 1);
    cr_assert_eq(o.rx, 1);
    assert_log_has(path_in(&s, "rx.log"), "SL_EPRIOR_MISSING");
    assert_log_has(path_in(&s, "tx.log"), "SL_EPRIOR_MISSING");
    assert_empty_dir(path_in(&s, "out"));

    cr_assert_eq(unlink(path_in(&s, "priors/renamed.bin")), 0);   /* only the decoy left */
    char *rec[] = {(char *)bin("satyad"), "--send", path_in(&s, "new.txt"), "--prior",
                   path_in(&s, "old.txt"), "--recipe", "tiny", "--out",
                   path_in(&s, "p.sls"), "--quiet", NULL};
    cr_assert_eq(run(rec, NULL, path_in(&s, "tx2.log"), 60), 0);
    char *dec[] = {(char *)bin("sundard"), "--from", path_in(&s, "p.sls"), "--out",
                   path_in(&s, "out"), "--priors", path_in(&s, "priors"), NULL};
    cr_assert_eq(run(dec, NULL, path_in(&s, "rx2.log"), 60), 1);
    assert_log_has(path_in(&s, "rx2.log"), "SL_EPRIOR_MISSING");
    assert_log_has(path_in(&s, "rx2.log"), "20,000 bytes");
    assert_empty_dir(path_in(&s, "out"));
    scratch_fini(&s);
}

/* The sender refuses a recipe whose prior it was not given, or another. */
Test(e2e, sender_checks_the_prior_against_the_recipe, .timeout = 60)
{
    scratch s;
    scratch_init(&s);
    prior_files(&s);
    char *pr[] = {(char *)bin("satyad"), "--recipe", "tiny", "--prior",
                  path_in(&s, "old.txt"), "--print-recipe", NULL};
    char *recipe = path_in(&s, "with-prior.recipe");
    int fd = open(recipe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, pr[0], &fa, NULL, pr, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fd);
    cr_assert_eq(wait_for(pid, 30), 0);
    char *none[] = {(char *)bin("satyad"), "--recipe", recipe, "--send",
                    path_in(&s, "new.txt"), "--out", path_in(&s, "x.sls"), NULL};
    cr_assert_eq(run(none, NULL, path_in(&s, "a.log"), 30), 2);
    assert_log_has(path_in(&s, "a.log"), "give the file with --prior");
    char *other[] = {(char *)bin("satyad"), "--recipe", recipe, "--prior",
                     path_in(&s, "priors/decoy.txt"), "--send", path_in(&s, "new.txt"),
                     "--out", path_in(&s, "x.sls"), NULL};
    cr_assert_eq(run(other, NULL, path_in(&s, "b.log"), 30), 2);
    assert_log_has(path_in(&s, "b.log"), "SL_EPRIOR_MISMATCH");
    cr_assert_eq(access(path_in(&s, "x.sls"), F_OK), -1);
    scratch_fini(&s);
}
