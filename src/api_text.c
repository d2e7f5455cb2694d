/* The public texts: result names, the application note's code meanings. */
#include "dfota.h"
#include "family/family.h"

const char *dfota_strerror(int result)
{
    switch (result) {
    case DFOTA_OK:
        return "success";
    case DFOTA_IN_PROGRESS:
        return "in progress";
    case DFOTA_ERR_INVALID:
        return "invalid argument";
    case DFOTA_ERR_PORT:
        return "port error";
    case DFOTA_ERR_REJECTED:
        return "rejected by the module";
    case DFOTA_ERR_DOWNLOAD:
        return "download failed";
    case DFOTA_ERR_UPDATE:
        return "update failed";
    case DFOTA_ERR_TIMEOUT:
        return "timeout";
    case DFOTA_ERR_CANCELLED:
        return "cancelled";
    case DFOTA_ERR_STATE:
        return "call does not fit the session's state";
    case DFOTA_ERR_NOMEM:
        return "out of memory";
    case DFOTA_ERR_UPLOAD:
        return "the upload into the module failed";
    case DFOTA_ERR_NOT_READY:
        return "the module is not ready for an upgrade";
    default:
        return "unknown result";
    }
}

const char *dfota_code_meaning(int code)
{
    return family_note_meaning(code);
}
