/* common/err.c — names and messages for the codes in err.h. */
#include "err.h"

const char *sl_strerror(int code)
{
    switch (code) {
    case 0: return "success";
#define SL_ERR_MSG(name, val, msg) case val: return msg;
    SL_ERRORS(SL_ERR_MSG)
#undef SL_ERR_MSG
    }
    return "unknown error";
}

const char *sl_errname(int code)
{
    switch (code) {
    case 0: return "OK";
#define SL_ERR_NAME(name, val, msg) case val: return #name;
    SL_ERRORS(SL_ERR_NAME)
#undef SL_ERR_NAME
    }
    return "SL_E?";
}
