/* common/err.h — the project's one table of error codes.
 *
 * Every fallible call returns 0 on success or a negative SL_E* code.
 * sl_strerror(code) gives a one-line human message, sl_errname(code) the
 * symbolic name ("SL_ERECIPE_KEY"), for logs and the wire. */
#ifndef SL_ERR_H
#define SL_ERR_H

#define SL_ERRORS(X) \
    X(SL_ENOMEM,          -1, "out of memory") \
    X(SL_EINVAL,          -2, "invalid argument") \
    X(SL_ERECIPE_SYNTAX,  -3, "recipe line is not key=value") \
    X(SL_ERECIPE_KEY,     -4, "unknown recipe key") \
    X(SL_ERECIPE_VALUE,   -5, "recipe value out of range or malformed") \
    X(SL_ERECIPE_DUP,     -6, "recipe key given twice") \
    X(SL_ERECIPE_MISSING, -7, "recipe lacks a required key") \
    X(SL_EVERSION,        -8, "recipe names another codec version") \
    X(SL_ERECIPE_SIZE,    -9, "recipe text too long") \
    X(SL_EPRESET,        -10, "no such preset") \
    X(SL_ETOOBIG,        -11, "size over the limit") \
    X(SL_ECORRUPT,       -12, "coded data is corrupt") \
    X(SL_EIO,            -13, "input/output error") \
    X(SL_ETRUNCATED,     -14, "input ends too early") \
    X(SL_EFORMAT,        -15, "not a file of the expected format") \
    X(SL_EPROTO_MAGIC,   -20, "frame does not start with the magic bytes") \
    X(SL_EPROTO_VERSION, -21, "frame has an unknown protocol version") \
    X(SL_EPROTO_RESERVED,-22, "frame sets reserved bits") \
    X(SL_EPROTO_TYPE,    -23, "frame has an unknown type") \
    X(SL_EPROTO_TOOBIG,  -24, "frame length over the limit for its type") \
    X(SL_EPROTO_CHECKSUM,-25, "frame checksum mismatch") \
    X(SL_EPROTO_TRUNCATED,-26, "stream ends inside a frame") \
    X(SL_EPROTO_ORDER,   -27, "frame out of order") \
    X(SL_EPROTO_PAYLOAD, -28, "frame payload is malformed") \
    X(SL_EPROTO_NAME,    -29, "unsafe file name") \
    X(SL_EPROTO_RAWCRC,  -30, "chunk decoded to the wrong bytes") \
    X(SL_EPROTO_DESYNC,  -31, "model digest differs from the sender's") \
    X(SL_EPROTO_HASH,    -32, "file SHA-256 differs from the manifest") \
    X(SL_ELIMIT,         -33, "session exceeds this receiver's limits") \
    X(SL_EPEER,          -34, "the peer reported an error") \
    X(SL_ECLOSED,        -35, "connection closed before the session ended") \
    X(SL_ERECIPE_HASH,   -36, "recipe text does not match its SHA-256") \
    X(SL_EPRIOR_MISSING, -50, "the recipe's prior is not among this receiver's priors") \
    X(SL_EPRIOR_MISMATCH,-51, "the prior differs from the SHA-256 and size in the recipe") \
    X(SL_EAUTH,          -40, "the sender's key is not authorized here") \
    X(SL_EAUTH_SIG,      -41, "signature does not verify") \
    X(SL_EKEY,           -42, "key file unreadable or malformed") \
    X(SL_ETLS,           -43, "TLS handshake or record failure") \
    X(SL_ETLS_PLAIN,     -44, "one side speaks TLS and the other plaintext") \
    X(SL_EEXIST,         -45, "a file of the session already exists (see --overwrite)") \
    X(SL_EBUSY,          -46, "receiver busy: sessions or model memory at their limit") \
    X(SL_ETIMEOUT,       -47, "peer too slow: timed out")

enum {
#define SL_ERR_ENUM(name, val, msg) name = val,
    SL_ERRORS(SL_ERR_ENUM)
#undef SL_ERR_ENUM
};

const char *sl_strerror(int code);
const char *sl_errname(int code);

#endif
