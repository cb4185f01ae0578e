/* tests/unit/test_journal.c — the chunk journal: records survive a close
 * and a reopen, a torn or damaged tail ends the journal there (and is cut
 * off, so appends continue cleanly), and another session's journal is
 * started afresh. */
#include "../../common/err.h"
#include "../../receiver/rcv_journal.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static int dfd = -1;
static const uint8_t id[32] = {1, 2, 3};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sl-journal-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    dfd = open(dir, O_DIRECTORY);
    cr_assert_geq(dfd, 0);
}

static void teardown(void)
{
    close(dfd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(journal, .init = setup, .fini = teardown);

static void record(uint8_t *p, size_t n, int k)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 31 + (size_t)k);
}

static void write_three(void)
{
    rcv_journal j;
    char why[256];
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0, "%s", why);
    cr_assert_eq(j.count, 0);
    uint8_t buf[5000];
    for (int k = 0; k < 3; k++) {
        record(buf, 1000 + 1000 * (size_t)k, k);
        cr_assert_eq(rcv_journal_append(&j, buf, 1000 + 1000 * (size_t)k, why, sizeof why), 0);
    }
    rcv_journal_close(&j);
}

static off_t journal_size(void)
{
    struct stat st;
    cr_assert_eq(fstatat(dfd, "journal", &st, 0), 0);
    return st.st_size;
}

Test(journal, records_survive_a_reopen_in_order)
{
    write_three();
    rcv_journal j;
    char why[256];
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 3);
    bytebuf b = {0};
    uint8_t want[5000];
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(rcv_journal_next(&j, &b), 1);
        record(want, 1000 + 1000 * (size_t)k, k);
        cr_assert_eq(b.len, 1000 + 1000 * (size_t)k);
        cr_assert_eq(memcmp(b.p, want, b.len), 0);
    }
    cr_assert_eq(rcv_journal_next(&j, &b), 0);
    /* Appending after a reopen goes after the last record. */
    cr_assert_eq(rcv_journal_append(&j, want, 10, why, sizeof why), 0);
    rcv_journal_close(&j);
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 4);
    rcv_journal_close(&j);
    bytebuf_fini(&b);
}

Test(journal, a_torn_tail_is_cut_off)
{
    write_three();
    off_t full = journal_size();
    int fd = openat(dfd, "journal", O_RDWR);
    cr_assert_eq(ftruncate(fd, full - 100), 0);   /* a crash in the third append */
    close(fd);
    rcv_journal j;
    char why[256];
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 2);
    cr_assert_eq(journal_size(), 36 + (8 + 1000) + (8 + 2000), "the torn record was not cut");
    uint8_t buf[3000];
    record(buf, 3000, 2);
    cr_assert_eq(rcv_journal_append(&j, buf, 3000, why, sizeof why), 0);
    rcv_journal_close(&j);
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 3);
    rcv_journal_close(&j);
}

Test(journal, a_damaged_record_ends_the_journal)
{
    write_three();
    int fd = openat(dfd, "journal", O_RDWR);
    uint8_t x = 0x55;
    cr_assert_eq(pwrite(fd, &x, 1, 36 + 8 + 1000 + 4 + 500), 1);   /* inside record 2 */
    close(fd);
    rcv_journal j;
    char why[256];
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 1);
    rcv_journal_close(&j);
}

Test(journal, another_sessions_journal_starts_afresh)
{
    write_three();
    uint8_t other[32] = {9};
    rcv_journal j;
    char why[256];
    cr_assert_eq(rcv_journal_open(&j, dfd, other, why, sizeof why), 0);
    cr_assert_eq(j.count, 0);
    cr_assert_eq(journal_size(), 36);
    rcv_journal_close(&j);
    cr_assert_eq(rcv_journal_open(&j, dfd, id, why, sizeof why), 0);
    cr_assert_eq(j.count, 0, "the first identity's records came back");
    rcv_journal_close(&j);
}
