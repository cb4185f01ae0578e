/* util/hostport.c — see hostport.h. */
#include "hostport.h"
#include "../common/err.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Strict decimal port: digits only, 0..65535. */
static int parse_port(const char *s, uint16_t *out)
{
    if (!*s || strlen(s) > 5) return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535) return -1;
    *out = (uint16_t)v;
    return 0;
}

static int all_digits(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

int hostport_parse(const char *s, int mode, const char *default_host, uint16_t default_port,
                   hostport *hp, char *why, size_t cap)
{
    memset(hp, 0, sizeof *hp);
    hp->mode = mode;
    hp->port = default_port;
    const char *port = NULL;
    size_t hlen;
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || (e[1] && e[1] != ':')) {
            snprintf(why, cap, "'%s' is not [ADDRESS]:PORT", s);
            return SL_EINVAL;
        }
        hlen = (size_t)(e - s - 1);
        s++;
        if (e[1] == ':') port = e + 2;
    } else if (mode == HOSTPORT_LISTEN && all_digits(s)) {
        port = s;
        s = default_host;
        hlen = strlen(default_host);
    } else {
        const char *c = strchr(s, ':');
        if (c && strchr(c + 1, ':')) {
            snprintf(why, cap, "'%s': write an IPv6 address in brackets, as [%s]:PORT", s, s);
            return SL_EINVAL;
        }
        hlen = c ? (size_t)(c - s) : strlen(s);
        if (c) port = c + 1;
    }
    if (hlen >= sizeof hp->host) {
        snprintf(why, cap, "host name too long (%zu bytes)", hlen);
        return SL_EINVAL;
    }
    memcpy(hp->host, s, hlen);
    hp->host[hlen] = 0;
    if (!*hp->host && mode == HOSTPORT_CONNECT) {
        snprintf(why, cap, "no host given before the port");
        return SL_EINVAL;
    }
    if (port) {
        if (!*port) {
            snprintf(why, cap, "missing port after '%s:' (for example %s:%u)", hp->host,
                     hp->host, (unsigned)default_port);
            return SL_EINVAL;
        }
        if (parse_port(port, &hp->port) || (hp->port == 0 && mode == HOSTPORT_CONNECT)) {
            snprintf(why, cap, "bad port '%s': a port is a number in %s..65535", port,
                     mode == HOSTPORT_LISTEN ? "0" : "1");
            return SL_EINVAL;
        }
    }
    return 0;
}

int hostport_resolve(const hostport *hp, struct sockaddr_storage *out, char *why, size_t cap)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = hp->mode == HOSTPORT_LISTEN ? AI_PASSIVE : 0;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)hp->port);
    int rc = getaddrinfo(*hp->host ? hp->host : NULL, port, &hints, &res);
    if (rc || !res) {
        snprintf(why, cap, "cannot resolve host '%s': %s", hp->host, gai_strerror(rc));
        if (res) freeaddrinfo(res);
        return SL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    memcpy(out, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

const char *hostport_format(const struct sockaddr *sa, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
        port = ntohs(a->sin_port);
        snprintf(buf, cap, "%s:%u", ip, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
        port = ntohs(a->sin6_port);
        snprintf(buf, cap, "[%s]:%u", ip, port);
    } else {
        snprintf(buf, cap, "?");
    }
    return buf;
}
