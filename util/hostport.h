/* util/hostport.h — network addresses as people type them.
 *
 *   hostport hp; char why[256];
 *   hostport_parse("example.org:4647", HOSTPORT_CONNECT, "4647", &hp, why, sizeof why);
 *   hostport_resolve(&hp, &addr, why, sizeof why);
 *
 * Connecting: "HOST:PORT", "[V6ADDR]:PORT", or "HOST" alone, which takes the
 * default port. Listening: also "PORT" alone (on default_host) and ":PORT"
 * (every address). A port is 1..65535; when listening, 0 means any
 * free port. A missing port ("host:"), a bad port and a host that does not
 * resolve are three different messages. */
#ifndef SL_HOSTPORT_H
#define SL_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum { HOSTPORT_CONNECT, HOSTPORT_LISTEN };

typedef struct hostport {
    char     host[256];    /* "" when listening on every address */
    uint16_t port;
    int      mode;
} hostport;

/* default_host is used when listening and s is a bare port. */
int hostport_parse(const char *s, int mode, const char *default_host, uint16_t default_port,
                   hostport *hp, char *why, size_t cap);
int hostport_resolve(const hostport *hp, struct sockaddr_storage *out, char *why, size_t cap);
/* "127.0.0.1:4647" or "[::1]:4647" for an address, into buf. */
const char *hostport_format(const struct sockaddr *sa, char *buf, size_t cap);

#endif
