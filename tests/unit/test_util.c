/* tests/unit/test_util.c — the host-side helpers: units, HOST:PORT parsing,
 * and files that appear whole or not at all. */
#include "../../common/err.h"
#include "../../util/fileio.h"
#include "../../util/hostport.h"
#include "../../util/units.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Test(util, units)
{
    uint64_t v;
    cr_assert_eq(units_rate("56kbit", &v), 0); cr_assert_eq(v, 56000);
    cr_assert_eq(units_rate("1mbit", &v), 0);  cr_assert_eq(v, 1000000);
    cr_assert_eq(units_rate("1.5Mbit", &v), 0); cr_assert_eq(v, 1500000);
    cr_assert_eq(units_rate("2MB", &v), 0);    cr_assert_eq(v, 16000000);
    cr_assert_eq(units_rate("0", &v), 0);      cr_assert_eq(v, 0);
    cr_assert_eq(units_rate("-5kbit", &v), SL_EINVAL);
    cr_assert_eq(units_rate("fast", &v), SL_EINVAL);
    cr_assert_eq(units_rate("56kbits", &v), 0); cr_assert_eq(v, 56000);
    cr_assert_eq(units_size("64K", &v), 0);    cr_assert_eq(v, 65536);
    cr_assert_eq(units_size("2G", &v), 0);     cr_assert_eq(v, 2ull << 30);
    cr_assert_eq(units_size("100", &v), 0);    cr_assert_eq(v, 100);
    cr_assert_eq(units_size("1MiB", &v), 0);   cr_assert_eq(v, 1 << 20);
    cr_assert_eq(units_size("1Q", &v), SL_EINVAL);
    cr_assert_eq(units_size("99999999999999999999999", &v), SL_EINVAL);
    cr_assert_eq(units_ms("100ms", &v), 0);    cr_assert_eq(v, 100);
    cr_assert_eq(units_ms("2s", &v), 0);       cr_assert_eq(v, 2000);
    cr_assert_eq(units_ms("2h", &v), SL_EINVAL);
}

/* The spellings people type, each with the value it must mean. */
Test(util, rate_spellings)
{
    static const struct { const char *s; uint64_t bps; } ok[] = {
        {"56k", 56000}, {"56kbit", 56000}, {"56kbps", 56000}, {"56kbit/s", 56000},
        {"56K", 56000}, {"56Kbit/s", 56000}, {"1M", 1000000}, {"1Mbit", 1000000},
        {"1mbps", 1000000}, {"7KB/s", 56000}, {"7KB", 56000}, {"7kB/s", 56000},
        {"7KBps", 56000}, {"1MB/s", 8000000}, {"2.5kbit", 2500}, {"100", 100},
        {"1G", 1000000000}, {"10kbytes/s", 80000}, {"0", 0}, {"unlimited", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t v = 1;
        char why[200] = "";
        cr_assert_eq(units_rate_why(ok[i].s, &v, why, sizeof why), 0, "%s: %s", ok[i].s, why);
        cr_assert_eq(v, ok[i].bps, "%s gave %llu", ok[i].s, (unsigned long long)v);
    }
}

Test(util, rate_refusals_say_why)
{
    uint64_t v;
    char why[200];
    cr_assert_eq(units_rate_why("56kb", &v, why, sizeof why), SL_EINVAL);
    cr_assert(strstr(why, "ambiguous") && strstr(why, "56kbit") && strstr(why, "56kB/s"),
              "%s", why);
    cr_assert_eq(units_rate_why("1Mb/s", &v, why, sizeof why), SL_EINVAL);
    cr_assert(strstr(why, "ambiguous") && strstr(why, "1Mbit"), "%s", why);
    cr_assert_eq(units_rate_why("0.5", &v, why, sizeof why), SL_EINVAL,
                 "0.5 bit/s must not silently mean unlimited");
    cr_assert(strstr(why, "less than 1 bit/s"), "%s", why);
    cr_assert_eq(units_rate_why("fast", &v, why, sizeof why), SL_EINVAL);
    cr_assert(strstr(why, "not a rate"), "%s", why);
    cr_assert_eq(units_rate_why("56kbit/h", &v, why, sizeof why), SL_EINVAL);
    cr_assert_eq(units_rate_why("-1k", &v, why, sizeof why), SL_EINVAL);
}

Test(util, hostport_connect_forms)
{
    hostport hp;
    char why[256];
    cr_assert_eq(hostport_parse("example.org:80", HOSTPORT_CONNECT, NULL, 4647, &hp, why,
                                sizeof why), 0);
    cr_assert_str_eq(hp.host, "example.org");
    cr_assert_eq(hp.port, 80);
    cr_assert_eq(hostport_parse("localhost", HOSTPORT_CONNECT, NULL, 4647, &hp, why,
                                sizeof why), 0, "a bare host takes the default port");
    cr_assert_str_eq(hp.host, "localhost");
    cr_assert_eq(hp.port, 4647);
    cr_assert_eq(hostport_parse("[::1]:9", HOSTPORT_CONNECT, NULL, 4647, &hp, why,
                                sizeof why), 0);
    cr_assert_str_eq(hp.host, "::1");
    cr_assert_eq(hp.port, 9);
}

Test(util, hostport_errors_are_three_different_messages)
{
    hostport hp;
    char missing[256], bad[256], unknown[256];
    cr_assert_eq(hostport_parse("localhost:", HOSTPORT_CONNECT, NULL, 4647, &hp, missing,
                                sizeof missing), SL_EINVAL);
    cr_assert(strstr(missing, "missing port"), "%s", missing);
    cr_assert_eq(hostport_parse("localhost:99999", HOSTPORT_CONNECT, NULL, 4647, &hp, bad,
                                sizeof bad), SL_EINVAL);
    cr_assert(strstr(bad, "bad port"), "%s", bad);
    cr_assert_eq(hostport_parse("localhost:0", HOSTPORT_CONNECT, NULL, 4647, &hp, bad,
                                sizeof bad), SL_EINVAL, "port 0 only when listening");
    cr_assert_eq(hostport_parse("no-such-host.invalid:80", HOSTPORT_CONNECT, NULL, 4647, &hp,
                                unknown, sizeof unknown), 0);
    struct sockaddr_storage ss;
    cr_assert_eq(hostport_resolve(&hp, &ss, unknown, sizeof unknown), SL_EINVAL);
    cr_assert(strstr(unknown, "cannot resolve"), "%s", unknown);
    cr_assert_neq(hostport_parse("::1:80", HOSTPORT_CONNECT, NULL, 4647, &hp, bad,
                                 sizeof bad), 0, "an IPv6 address needs brackets");
}

Test(util, hostport_listen_forms)
{
    hostport hp;
    char why[256];
    struct sockaddr_storage ss;
    cr_assert_eq(hostport_parse("4647", HOSTPORT_LISTEN, "127.0.0.1", 1, &hp, why,
                                sizeof why), 0);
    cr_assert_str_eq(hp.host, "127.0.0.1");
    cr_assert_eq(hp.port, 4647);
    cr_assert_eq(hostport_parse("0", HOSTPORT_LISTEN, "127.0.0.1", 1, &hp, why, sizeof why),
                 0, "port 0: any free port");
    cr_assert_eq(hostport_parse(":80", HOSTPORT_LISTEN, "127.0.0.1", 1, &hp, why,
                                sizeof why), 0);
    cr_assert_str_eq(hp.host, "", "every address");
    cr_assert_eq(hostport_resolve(&hp, &ss, why, sizeof why), 0, "%s", why);
    cr_assert_eq(hostport_parse("99999", HOSTPORT_LISTEN, "127.0.0.1", 1, &hp, why,
                                sizeof why), SL_EINVAL);
    char text[64];
    cr_assert_eq(hostport_parse("127.0.0.1:5", HOSTPORT_LISTEN, "x", 1, &hp, why,
                                sizeof why), 0);
    cr_assert_eq(hostport_resolve(&hp, &ss, why, sizeof why), 0);
    cr_assert_str_eq(hostport_format((struct sockaddr *)&ss, text, sizeof text),
                     "127.0.0.1:5");
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

Test(util, fileio_tmp_appears_whole_or_not_at_all)
{
    char dir[] = "/tmp/sl-util-XXXXXX", path[128], why[256];
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.bin", dir);

    fileio_tmp t;
    cr_assert_eq(fileio_tmp_open(&t, path, 0640, why, sizeof why), 0, "%s", why);
    cr_assert_eq(fileio_write_all(t.fd, "partial", 7), 0);
    cr_assert_eq(access(path, F_OK), -1, "nothing under the final name while writing");
    fileio_tmp_abort(&t);
    cr_assert_eq(count_entries(dir), 0, "an abort leaves nothing behind");

    cr_assert_eq(fileio_save(path, "hello", 5, 0640, why, sizeof why), 0, "%s", why);
    bytebuf b = {0};
    cr_assert_eq(fileio_load(path, &b, why, sizeof why), 0);
    cr_assert_eq(b.len, 5);
    cr_assert_eq(memcmp(b.p, "hello", 5), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    cr_assert_eq(count_entries(dir), 1, "no temporary left after a commit");
    bytebuf_fini(&b);

    char missing[160];
    snprintf(missing, sizeof missing, "%s/none", dir);
    bytebuf c = {0};
    cr_assert_eq(fileio_load(missing, &c, why, sizeof why), SL_EIO);
    cr_assert(strstr(why, "cannot open"), "%s", why);
    snprintf(missing, sizeof missing, "%s/no/such/dir/x", dir);
    cr_assert_eq(fileio_save(missing, "x", 1, 0644, why, sizeof why), SL_EIO);
    unlink(path);
    rmdir(dir);
}
