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
    X(SL_EFORMAT,        -15, "not a file of the expected format")

enum {
#define SL_ERR_ENUM(name, val, msg) name = val,
    SL_ERRORS(SL_ERR_ENUM)
#undef SL_ERR_ENUM
};

const char *sl_strerror(int code);
const char *sl_errname(int code);

#endif
