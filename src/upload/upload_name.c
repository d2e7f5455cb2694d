/* The module's file-name rules for uploads, and the local path AT+QFOTADL then takes. */
#include "upload/upload.h"

#include <stdio.h>
#include <string.h>

/* Why c cannot be in a file name on the module, or NULL when it can. */
static const char *upload_name_bad_char(unsigned char c)
{
    if (c < 0x20 || c == 0x7f)
        return "a control character";
    if (c >= 0x80)
        return "a byte outside printable ASCII";
    switch (c) {
    case '"':
        return "a quote (it would end the AT string)";
    case '/':
    case '\\':
        return "a path separator";
    case '*':
    case '?':
        return "a wildcard (AT+QFLST would take it as a pattern)";
    default:
        return NULL;
    }
}

int upload_name_check(const char *name, char *msg, size_t msg_size)
{
    size_t len = strlen(name);

    if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        snprintf(msg, msg_size, "file name \"%s\": must name a file", name);
        return -1;
    }
    if (len > UPLOAD_NAME_MAX) {
        snprintf(msg, msg_size, "file name: %zu bytes, the module takes at most %d", len,
                 UPLOAD_NAME_MAX);
        return -1;
    }
    /* The target built from it would be refused (target_check_ends), after the upload. */
    if (name[0] == ' ' || name[len - 1] == ' ') {
        snprintf(msg, msg_size, "file name \"%s\": %s with a space", name,
                 name[0] == ' ' ? "begins" : "ends");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        const char *why = upload_name_bad_char((unsigned char)name[i]);
        if (why) {
            snprintf(msg, msg_size, "file name: byte %zu is %s", i + 1, why);
            return -1;
        }
    }
    return 0;
}

int upload_name_from_path(const char *path, char *out, size_t out_size, char *msg, size_t msg_size)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    if (upload_name_check(base, msg, msg_size) != 0)
        return -1;
    if (strlen(base) >= out_size) {
        snprintf(msg, msg_size, "file name: no room for %zu bytes", strlen(base));
        return -1;
    }
    memcpy(out, base, strlen(base) + 1);
    return 0;
}

int upload_name_local_path(const char *prefix, const char *name, char *out, size_t out_size,
                           char *msg, size_t msg_size)
{
    size_t prefix_len = strlen(prefix);
    size_t len = prefix_len + strlen(name);

    if (upload_name_check(name, msg, msg_size) != 0)
        return -1;
    for (size_t i = 0; i < prefix_len; i++) {
        unsigned char c = (unsigned char)prefix[i];
        if (c < 0x20 || c == 0x7f || c == '"') {
            snprintf(msg, msg_size,
                     "local path prefix: byte %zu is a quote or control "
                     "character",
                     i + 1);
            return -1;
        }
    }
    if (len > UPLOAD_PATH_MAX) {
        snprintf(msg, msg_size, "local path: %zu bytes, AT+QFOTADL takes at most %d (%s%s)", len,
                 UPLOAD_PATH_MAX, prefix, name);
        return -1;
    }
    if (len >= out_size) {
        snprintf(msg, msg_size, "local path: no room for %zu bytes", len);
        return -1;
    }
    snprintf(out, out_size, "%s%s", prefix, name);
    return 0;
}
