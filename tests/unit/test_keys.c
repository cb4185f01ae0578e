/* tests/unit/test_keys.c — Ed25519 keys: sign and verify, what a signature
 * covers, secret key files, and the authorized-keys file with comments and
 * bad lines. */
#include "../../common/err.h"
#include "../../net/keys.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void setup(void)
{
    cr_assert_eq(keys_init(), 0);
}

TestSuite(keys, .init = setup);

static void message(uint8_t msg[KEYS_MSG], uint8_t salt)
{
    uint8_t ch[KEYS_CHALLENGE], man[32], rec[32];
    for (int i = 0; i < 32; i++) {
        ch[i] = (uint8_t)(i + salt);
        man[i] = (uint8_t)(3 * i + salt);
        rec[i] = (uint8_t)(7 * i + salt);
    }
    keys_auth_message(ch, man, rec, msg);
}

Test(keys, sign_and_verify)
{
    keys_pair a, b;
    cr_assert_eq(keys_generate(&a), 0);
    cr_assert_eq(keys_generate(&b), 0);
    cr_assert_neq(memcmp(a.pk, b.pk, KEYS_PUB), 0);
    uint8_t msg[KEYS_MSG], sig[KEYS_SIG];
    message(msg, 1);
    keys_sign(&a, msg, sig);
    cr_assert_eq(keys_verify(a.pk, msg, sig), 0);
    cr_assert_eq(keys_verify(b.pk, msg, sig), SL_EAUTH_SIG, "another key verified it");
    /* Every part of the message is covered: challenge, manifest, recipe. */
    for (size_t i = 0; i < KEYS_MSG; i += 7) {
        msg[i] ^= 1;
        cr_assert_eq(keys_verify(a.pk, msg, sig), SL_EAUTH_SIG, "byte %zu not covered", i);
        msg[i] ^= 1;
    }
    sig[5] ^= 0x80;
    cr_assert_eq(keys_verify(a.pk, msg, sig), SL_EAUTH_SIG);
    keys_wipe(&a);
    keys_wipe(&b);
}

Test(keys, auth_message_layout)
{
    uint8_t a[KEYS_MSG], b[KEYS_MSG];
    message(a, 1);
    message(b, 2);
    cr_assert_neq(memcmp(a, b, KEYS_MSG), 0);
    cr_assert_eq(memcmp(a, b, 16), 0, "the domain tag is fixed");
    cr_assert_eq(memcmp(a, "satya-sundar/1", 14), 0);
}

Test(keys, secret_file_round_trip_and_mode)
{
    char dir[] = "/tmp/sl-keys-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128], why[256];
    snprintf(path, sizeof path, "%s/id", dir);
    keys_pair kp, back;
    cr_assert_eq(keys_generate(&kp), 0);
    cr_assert_eq(keys_save_secret(path, &kp, why, sizeof why), 0, "%s", why);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(keys_load_secret(path, &back, why, sizeof why), 0, "%s", why);
    cr_assert_eq(memcmp(kp.pk, back.pk, KEYS_PUB), 0);
    cr_assert_eq(memcmp(kp.sk, back.sk, KEYS_SECRET), 0);
    /* Never overwritten. */
    keys_pair other;
    cr_assert_eq(keys_generate(&other), 0);
    cr_assert_eq(keys_save_secret(path, &other, why, sizeof why), SL_EEXIST);
    cr_assert_eq(keys_load_secret(path, &back, why, sizeof why), 0);
    cr_assert_eq(memcmp(kp.pk, back.pk, KEYS_PUB), 0);
    /* A key others can read is refused, like ssh does. */
    cr_assert_eq(chmod(path, 0644), 0);
    cr_assert_eq(keys_load_secret(path, &back, why, sizeof why), SL_EKEY);
    cr_assert_not_null(strstr(why, "chmod 600"), "%s", why);
    /* A file that is not a key. */
    FILE *f = fopen(path, "w");
    fputs("sl-ed25519-secret not-base64!\n", f);
    fclose(f);
    cr_assert_eq(chmod(path, 0600), 0);
    cr_assert_eq(keys_load_secret(path, &back, why, sizeof why), SL_EKEY);
    snprintf(path, sizeof path, "%s/none", dir);
    cr_assert_eq(keys_load_secret(path, &back, why, sizeof why), SL_EKEY);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(keys, public_line_parses_back_with_its_comment)
{
    keys_pair kp;
    cr_assert_eq(keys_generate(&kp), 0);
    char line[KEYS_LINE_MAX], why[256];
    cr_assert_eq(keys_format_public(kp.pk, "alice@lab", line, sizeof line), 0);
    cr_assert_eq(strncmp(line, "sl-ed25519 ", 11), 0, "%s", line);
    keys_list l;
    cr_assert_eq(keys_parse_authorized(line, strlen(line), &l, why, sizeof why), 0, "%s", why);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(memcmp(l.v[0].pk, kp.pk, KEYS_PUB), 0);
    cr_assert_str_eq(l.v[0].comment, "alice@lab");
    cr_assert_not_null(keys_find(&l, kp.pk));
    keys_list_free(&l);
    char fp[KEYS_FP_LEN];
    keys_fingerprint(kp.pk, fp);
    cr_assert_eq(strncmp(fp, "SHA256:", 7), 0);
    cr_assert_eq(strlen(fp), 50, "%s", fp);
}

Test(keys, authorized_file_with_comments_blank_lines_and_crlf)
{
    keys_pair a, b, c;
    keys_generate(&a);
    keys_generate(&b);
    keys_generate(&c);
    char la[300], lb[300], text[2000], why[256];
    keys_format_public(a.pk, "alice", la, sizeof la);
    keys_format_public(b.pk, NULL, lb, sizeof lb);
    snprintf(text, sizeof text,
             "# the class of 2025\n\n   \n%s\r\n  %s   \n# %s\n\tsl-ed25519\t%s", la, lb,
             "a comment that looks like a key", lb + 11);
    keys_list l;
    cr_assert_eq(keys_parse_authorized(text, strlen(text), &l, why, sizeof why), 0, "%s", why);
    cr_assert_eq(l.n, 3);
    cr_assert_str_eq(l.v[0].comment, "alice");
    cr_assert_str_eq(l.v[1].comment, "");
    cr_assert_not_null(keys_find(&l, a.pk));
    cr_assert_not_null(keys_find(&l, b.pk));
    cr_assert_null(keys_find(&l, c.pk), "a key not in the file was found");
    keys_list_free(&l);
}

Test(keys, bad_lines_are_named)
{
    keys_pair a;
    keys_generate(&a);
    char good[300], text[1000], why[256];
    keys_format_public(a.pk, "ok", good, sizeof good);
    const char *bad[] = {
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE comment",  /* another type */
        "sl-ed25519",                                       /* no key */
        "sl-ed25519 AAAA",                                  /* too short */
        "sl-ed25519 !!!!not base64!!!!",                    /* junk */
        "sl-ed25519AAAA",                                   /* no separator */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "# keys\n%s\n%s\n", good, bad[i]);
        keys_list l;
        cr_assert_eq(keys_parse_authorized(text, strlen(text), &l, why, sizeof why), SL_EKEY,
                     "accepted: %s", bad[i]);
        cr_assert_not_null(strstr(why, "line 3"), "%s", why);
        cr_assert_eq(l.n, 0);
        cr_assert_null(l.v);
    }
    /* A 33-byte key (one byte too long) is refused too. */
    snprintf(text, sizeof text, "sl-ed25519 %s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
    keys_list l;
    cr_assert_eq(keys_parse_authorized(text, strlen(text), &l, why, sizeof why), SL_EKEY);
}

Test(keys, control_bytes_in_comments_never_reach_logs)
{
    keys_pair a;
    keys_generate(&a);
    char line[300], why[256];
    keys_format_public(a.pk, "evil\033[2Jname", line, sizeof line);
    keys_list l;
    cr_assert_eq(keys_parse_authorized(line, strlen(line), &l, why, sizeof why), 0);
    cr_assert_str_eq(l.v[0].comment, "evil?[2Jname");
    keys_list_free(&l);
}
