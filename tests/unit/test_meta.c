/* tests/unit/test_meta.c — modes and times applied to received files, and
 * empty directories made under a directory descriptor, never through a
 * symlink. */
#include "../../common/err.h"
#include "../../receiver/rcv_meta.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sl-meta-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(meta, .init = setup, .fini = teardown);

Test(meta, mode_and_mtime_of_a_file)
{
    char path[128];
    snprintf(path, sizeof path, "%s/f", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert_geq(fd, 0);
    char why[200];
    cr_assert_eq(rcv_meta_apply(fd, 04755, 1234567890, 123456789, 0, why, sizeof why), 0, "%s",
                 why);
    close(fd);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0755, "set-id bits must not come from the wire");
    cr_assert_eq(st.st_mtim.tv_sec, 1234567890);
    cr_assert_eq(st.st_mtim.tv_nsec, 123456789);
    fd = open(path, O_RDONLY);
    cr_assert_eq(rcv_meta_apply(fd, 0777, 0, 0, 027, why, sizeof why), 0);
    cr_assert_eq(rcv_meta_apply(fd, 0644, 0, 1000000000, 0, why, sizeof why), SL_EINVAL);
    close(fd);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0750, "the receiver's umask applies");
}

Test(meta, empty_directories_under_a_dirfd)
{
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert_geq(d, 0);
    char why[200], path[128];
    int made;
    cr_assert_eq(rcv_meta_mkdir(d, "empty", 0555, 1000, 0, 0, &made, why, sizeof why), 0, "%s",
                 why);
    cr_assert_eq(made, 1);
    struct stat st;
    snprintf(path, sizeof path, "%s/empty", dir);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 0777, 0555);
    cr_assert_eq(st.st_mtim.tv_sec, 1000);
    cr_assert_eq(rcv_meta_mkdir(d, "empty", 0700, 5, 0, 0, &made, why, sizeof why), 0);
    cr_assert_eq(made, 0, "an existing directory is not ours to remove");
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mtim.tv_sec, 1000, "an existing directory is left as it is");
    snprintf(path, sizeof path, "%s/file", dir);
    close(open(path, O_WRONLY | O_CREAT, 0600));
    cr_assert_eq(rcv_meta_mkdir(d, "file", 0755, 0, 0, 0, &made, why, sizeof why),
                 SL_EPROTO_NAME);
    snprintf(path, sizeof path, "%s/link", dir);
    cr_assert_eq(symlink("/tmp", path), 0);
    cr_assert_eq(rcv_meta_mkdir(d, "link", 0755, 0, 0, 0, &made, why, sizeof why),
                 SL_EPROTO_NAME, "a symlink in the way must not be followed");
    cr_assert_eq(rcv_meta_mkdir(d, "a/b", 0755, 0, 0, 0, &made, why, sizeof why),
                 SL_EPROTO_NAME);
    cr_assert_eq(rcv_meta_mkdir(d, "..", 0755, 0, 0, 0, &made, why, sizeof why),
                 SL_EPROTO_NAME);
    close(d);
}
