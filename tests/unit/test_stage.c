/* tests/unit/test_stage.c — staging and publishing: all or nothing, no
 * overwrite without being told, rollback that restores what was there,
 * no write through a symlink swapped in at any moment, no directory left
 * by a failed session, and the sweep of stale staging at start. */
#include "../../common/err.h"
#include "../../receiver/rcv_stage.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char root[64];
static int out = -1;

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/sl-stage-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    char p[128];
    snprintf(p, sizeof p, "%s/out", root);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/outside", root);
    cr_assert_eq(mkdir(p, 0755), 0);
    char why[256];
    snprintf(p, sizeof p, "%s/out", root);
    out = rcv_stage_open_out(p, why, sizeof why);
    cr_assert_geq(out, 0, "%s", why);
}

static void teardown(void)
{
    close(out);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(stage, .init = setup, .fini = teardown);

static const char *at(const char *rel)
{
    static char p[8][256];
    static int k;
    k = (k + 1) & 7;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static void put(const char *rel, const char *text)
{
    FILE *f = fopen(at(rel), "w");
    cr_assert_not_null(f, "%s", rel);
    fputs(text, f);
    fclose(f);
}

static int has(const char *rel, const char *text)
{
    FILE *f = fopen(at(rel), "r");
    if (!f) return 0;
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return !strcmp(buf, text);
}

static int exists(const char *rel)
{
    struct stat st;
    return lstat(at(rel), &st) == 0;
}

/* A manifest naming `names` (sizes and hashes do not matter here). */
static msg_manifest manifest(const char **names, uint32_t n, msg_file *files)
{
    msg_manifest m;
    memset(&m, 0, sizeof m);
    for (uint32_t i = 0; i < n; i++) {
        memset(&files[i], 0, sizeof files[i]);
        files[i].name = names[i];
        files[i].name_len = (uint16_t)strlen(names[i]);
    }
    m.files = files;
    m.nfiles = n;
    return m;
}

/* Opens a stage and writes "<name>!" into each staged file. */
static void stage_all(rcv_stage *s, const msg_manifest *m, uint8_t salt)
{
    uint8_t id[16] = {salt};
    char why[256];
    cr_assert_eq(rcv_stage_open(s, out, id, why, sizeof why), 0, "%s", why);
    for (uint32_t i = 0; i < m->nfiles; i++) {
        int fd = rcv_stage_create(s, i);
        cr_assert_geq(fd, 0);
        char text[300];
        int n = snprintf(text, sizeof text, "%.*s!", m->files[i].name_len, m->files[i].name);
        cr_assert_eq(write(fd, text, (size_t)n), n);
        close(fd);
    }
}

static int staging_empty(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s/out/.sl-staging' 2>/dev/null)\"", root);
    return system(cmd) == 0;
}

Test(stage, publish_makes_directories_and_files_then_staging_goes)
{
    const char *names[] = {"a.txt", "d/e/f.txt", "d/g.txt"};
    msg_file files[3];
    msg_manifest m = manifest(names, 3, files);
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), 0, "%s", why);
    rcv_stage s;
    stage_all(&s, &m, 1);
    cr_assert(!exists("out/a.txt"), "a file appeared before the publish");
    cr_assert(!exists("out/d"), "a directory appeared before the publish");
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), 0, "%s", why);
    rcv_stage_close(&s, 0);
    cr_assert(has("out/a.txt", "a.txt!"));
    cr_assert(has("out/d/e/f.txt", "d/e/f.txt!"));
    cr_assert(has("out/d/g.txt", "d/g.txt!"));
    cr_assert(staging_empty());
}

Test(stage, the_last_session_to_end_removes_the_staging_root)
{
    const char *na[] = {"a.txt"}, *nb[] = {"b.txt"};
    msg_file fa[1], fb[1];
    msg_manifest ma = manifest(na, 1, fa), mb = manifest(nb, 1, fb);
    char why[256];
    rcv_stage a, b;
    stage_all(&a, &ma, 1);
    stage_all(&b, &mb, 2);
    cr_assert_eq(rcv_stage_publish(&a, &ma, 0, 022, why, sizeof why), 0, "%s", why);
    rcv_stage_close(&a, 0);
    cr_assert(exists("out/.sl-staging/02000000000000000000000000000000/f0"),
              "a session still staged lost its files when another ended");
    cr_assert_eq(rcv_stage_publish(&b, &mb, 0, 022, why, sizeof why), 0, "%s", why);
    rcv_stage_close(&b, 0);
    cr_assert(has("out/a.txt", "a.txt!"));
    cr_assert(has("out/b.txt", "b.txt!"));
    cr_assert(!exists("out/.sl-staging"), "an empty .sl-staging was left behind");
    /* A new session makes it again. */
    stage_all(&a, &ma, 3);
    cr_assert(exists("out/.sl-staging/03000000000000000000000000000000/f0"));
    rcv_stage_close(&a, 1);
    cr_assert(exists("out/.sl-staging"), "a kept staging was removed");
}

Test(stage, existing_file_is_refused_before_start_naming_it_relatively)
{
    put("out/a.txt", "old");
    const char *names[] = {"a.txt"};
    msg_file files[1];
    msg_manifest m = manifest(names, 1, files);
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), SL_EEXIST);
    cr_assert_not_null(strstr(why, "a.txt exists"), "%s", why);
    cr_assert_null(strstr(why, root), "a server path in the message: %s", why);
    cr_assert_eq(rcv_stage_check(out, &m, 1, why, sizeof why), 0, "%s", why);
    /* A directory or a symlink is never replaced, even with --overwrite. */
    cr_assert_eq(mkdir(at("out/dir"), 0755), 0);
    cr_assert_eq(symlink("/etc/passwd", at("out/link")), 0);
    const char *bad[] = {"dir", "link"};
    msg_file bf[2];
    for (int i = 0; i < 2; i++) {
        msg_manifest b = manifest(&bad[i], 1, &bf[i]);
        cr_assert_eq(rcv_stage_check(out, &b, 1, why, sizeof why), SL_EEXIST, "%s", bad[i]);
        cr_assert_not_null(strstr(why, "not a regular file"), "%s", why);
    }
    cr_assert(has("out/a.txt", "old"));
}

Test(stage, overwrite_replaces_and_a_failed_publish_restores)
{
    put("out/a.txt", "old a");
    put("out/b.txt", "old b");
    const char *names[] = {"a.txt", "b.txt", "c/x"};
    msg_file files[3];
    msg_manifest m = manifest(names, 3, files);
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 1, why, sizeof why), 0, "%s", why);
    rcv_stage s;
    stage_all(&s, &m, 2);
    /* Another session makes c a file after the check: the publish must fail
     * at c/x and put a.txt and b.txt back as they were. */
    put("out/c", "someone else's");
    cr_assert_eq(rcv_stage_publish(&s, &m, 1, 022, why, sizeof why), SL_EEXIST);
    cr_assert_not_null(strstr(why, "c exists and is not a directory"), "%s", why);
    rcv_stage_close(&s, 0);
    cr_assert(has("out/a.txt", "old a"), "a.txt was not restored");
    cr_assert(has("out/b.txt", "old b"), "b.txt was not restored");
    cr_assert(has("out/c", "someone else's"));
    cr_assert(staging_empty());
    /* Without the obstacle the same session replaces both. */
    cr_assert_eq(unlink(at("out/c")), 0);
    stage_all(&s, &m, 2);
    cr_assert_eq(rcv_stage_publish(&s, &m, 1, 022, why, sizeof why), 0, "%s", why);
    rcv_stage_close(&s, 0);
    cr_assert(has("out/a.txt", "a.txt!"));
    cr_assert(has("out/b.txt", "b.txt!"));
    cr_assert(has("out/c/x", "c/x!"));
}

Test(stage, a_failed_publish_removes_the_directories_it_made)
{
    const char *names[] = {"p/q/r/one", "p/q/two", "z"};
    msg_file files[3];
    msg_manifest m = manifest(names, 3, files);
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), 0, "%s", why);
    rcv_stage s;
    stage_all(&s, &m, 3);
    put("out/z", "appeared meanwhile");
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), SL_EEXIST);
    cr_assert_not_null(strstr(why, "z appeared while the session ran"), "%s", why);
    rcv_stage_close(&s, 0);
    cr_assert(!exists("out/p"), "the failed session left its directories");
    cr_assert(has("out/z", "appeared meanwhile"));
}

Test(stage, a_directory_another_session_also_uses_is_kept)
{
    const char *names[] = {"shared/mine", "late"};
    msg_file files[2];
    msg_manifest m = manifest(names, 2, files);
    char why[256];
    rcv_stage s;
    stage_all(&s, &m, 4);
    put("out/late", "x");
    cr_assert_eq(mkdir(at("out/shared"), 0755), 0);
    put("out/shared/theirs", "y");
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), SL_EEXIST);
    rcv_stage_close(&s, 0);
    cr_assert(!exists("out/shared/mine"));
    cr_assert(has("out/shared/theirs", "y"));
}

Test(stage, a_symlink_swapped_in_is_never_followed)
{
    const char *names[] = {"d/x"};
    msg_file files[1];
    msg_manifest m = manifest(names, 1, files);
    char why[256];
    cr_assert_eq(mkdir(at("out/d"), 0755), 0);
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), 0, "%s", why);
    rcv_stage s;
    stage_all(&s, &m, 5);
    /* Between MANIFEST and DONE, d becomes a symlink to a directory outside. */
    cr_assert_eq(rmdir(at("out/d")), 0);
    cr_assert_eq(symlink(at("outside"), at("out/d")), 0);
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), SL_EEXIST);
    cr_assert_not_null(strstr(why, "d exists and is not a directory"), "%s", why);
    rcv_stage_close(&s, 0);
    cr_assert(!exists("outside/x"), "a write went through the symlink");
    /* And refused up front when the symlink is already there. */
    cr_assert_eq(rcv_stage_check(out, &m, 1, why, sizeof why), SL_EEXIST);
}

Test(stage, staging_names_are_reserved_and_one_identity_runs_once)
{
    const char *names[] = {".sl-staging/x"};
    msg_file files[1];
    msg_manifest m = manifest(names, 1, files);
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 1, why, sizeof why), SL_EPROTO_NAME);
    const char *ok[] = {".sl-stagingX"};
    m = manifest(ok, 1, files);
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), 0);
    uint8_t id[16] = {9};
    rcv_stage a, b;
    cr_assert_eq(rcv_stage_open(&a, out, id, why, sizeof why), 0);
    cr_assert_eq(a.existed, 0);
    cr_assert_eq(rcv_stage_open(&b, out, id, why, sizeof why), SL_EBUSY);
    rcv_stage_close(&a, 1);
    cr_assert_eq(rcv_stage_open(&b, out, id, why, sizeof why), 0, "%s", why);
    cr_assert_eq(b.existed, 1, "a kept staging directory was not found again");
    rcv_stage_close(&b, 0);
    cr_assert(staging_empty());
}

Test(stage, sweep_keeps_recent_journals_and_removes_the_rest)
{
    char why[256];
    rcv_stage s;
    for (uint8_t k = 1; k <= 3; k++) {
        uint8_t id[16] = {k};
        cr_assert_eq(rcv_stage_open(&s, out, id, why, sizeof why), 0);
        int fd = rcv_stage_create(&s, 0);
        close(fd);
        if (k >= 2) {
            int j = openat(s.dir, "journal", O_CREAT | O_WRONLY, 0600);
            cr_assert_eq(write(j, "x", 1), 1);
            if (k == 3) {   /* an old one */
                struct timespec t[2] = {{1000000, 0}, {1000000, 0}};
                cr_assert_eq(futimens(j, t), 0);
            }
            close(j);
        }
        rcv_stage_close(&s, 1);
    }
    uint8_t busy_id[16] = {7};
    rcv_stage busy;
    cr_assert_eq(rcv_stage_open(&busy, out, busy_id, why, sizeof why), 0);
    put("out/.sl-staging/junk", "a stray file");
    int kept, removed;
    cr_assert_eq(rcv_stage_sweep(out, 86400, &kept, &removed), 0);
    cr_assert_eq(kept, 1);
    cr_assert_eq(removed, 3, "no journal, an old journal, and a stray file");
    cr_assert(exists("out/.sl-staging/02000000000000000000000000000000/journal"));
    cr_assert(exists("out/.sl-staging/07000000000000000000000000000000"),
              "a running session's staging was swept");
    rcv_stage_close(&busy, 0);
}

Test(stage, empty_directories_are_made_last_and_taken_back)
{
    const char *names[] = {"tree/a.txt", "tree/empty/deeper", "late"};
    msg_file files[3];
    msg_manifest m = manifest(names, 3, files);
    files[1].mode = MSG_MODE_DIR | 0750;
    files[1].mtime = 1000000;
    char why[256];
    cr_assert_eq(rcv_stage_check(out, &m, 0, why, sizeof why), 0, "%s", why);
    rcv_stage s;
    stage_all(&s, &m, 6);
    put("out/late", "in the way");
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), SL_EEXIST);
    rcv_stage_close(&s, 0);
    cr_assert(!exists("out/tree"), "the failed session left its directories");
    cr_assert_eq(unlink(at("out/late")), 0);
    stage_all(&s, &m, 6);
    cr_assert_eq(rcv_stage_publish(&s, &m, 0, 022, why, sizeof why), 0, "%s", why);
    rcv_stage_close(&s, 0);
    struct stat st;
    cr_assert_eq(stat(at("out/tree/empty/deeper"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 0777, 0750);
    cr_assert_eq(st.st_mtime, 1000000);
    cr_assert(has("out/tree/a.txt", "tree/a.txt!"));
    /* An existing directory is fine for an empty one; a file is not. */
    cr_assert_eq(rcv_stage_check(out, &m, 1, why, sizeof why), 0, "%s", why);
    const char *clash[] = {"late"};
    msg_file cf[1];
    msg_manifest c = manifest(clash, 1, cf);
    cf[0].mode = MSG_MODE_DIR | 0755;
    put("out/late", "a file");
    cr_assert_eq(rcv_stage_check(out, &c, 1, why, sizeof why), SL_EEXIST);
}
