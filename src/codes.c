/* Result names and the module's error codes, as QUECTEL-DFOTA.md tabulates them. */
#include "dfota.h"
#include "fota_internal.h"

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
    default:
        return "unknown result";
    }
}

static const char *code_download_meaning(int code)
{
    switch (code) {
    case 601:
        return "FTP unknown error";
    case 625:
        return "FTP login failed";
    case 701:
        return "HTTP(S) unknown error";
    case 702:
        return "HTTP(S) timeout";
    case 711:
        return "HTTP(S) URL error";
    case 714:
        return "HTTP(S) DNS error";
    case 716:
        return "HTTP(S) socket connect error";
    default:
        break;
    }
    if (code > 601 && code <= 629)
        return "FTP error";
    if (code > 701 && code <= 730)
        return "HTTP(S) error";
    return NULL;
}

const char *dfota_code_meaning(int code)
{
    switch (code) {
    case 0:
        return "success";
    case 502:
        return "unpredictable error; the module retries, five times at most";
    case 504:
        return "package format wrong";
    case 505:
        return "package version does not match this module";
    case 510:
        return "patch does not match the module's firmware";
    case 511:
        return "not enough file-system space";
    default:
        break;
    }
    if ((code >= 520 && code <= 530) || (code >= 540 && code <= 546))
        return "upgrade failed";
    return code_download_meaning(code);
}

const char *fota_code_text(int code)
{
    const char *meaning = dfota_code_meaning(code);

    return meaning ? meaning : "unknown error";
}
