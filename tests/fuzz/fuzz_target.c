/* libFuzzer harness for target validation and redaction (src/target.c).
 *
 * Input layout:
 *   byte 0     UFS prefix: one of "/usrdata/cache/ufs/", "/cache/ufs/", "/data/ufs", default
 *   byte 1     size of the message buffer for target_check (0..255)
 *   byte 2     size of the output buffer for target_redact (0..255)
 *   the rest   the text, cut at its first NUL
 *
 * target_check: an accepted target must be something the module can take (at most 100
 * bytes, no quote or control byte, no blank at either end nor in a URL, brackets only
 * around an IPv6 host, each FTP part at most 50 bytes, a port in 1-65535),
 * which this file checks with its own parser; a refusal message is NUL-terminated within
 * its buffer and never quotes the password: the check is repeated with every letter and
 * digit of the password replaced (rot13, +5), which changes no rule the target breaks, so
 * the result and the message must come out the same, and for an accepted target so must its
 * redaction, alone and inside the AT command.
 * target_redact: the output is NUL-terminated within its buffer and never holds the
 * password (of the first "scheme://user:password@", when it is at least 4 bytes long and
 * occurs once in the text). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/target.h"
#include "fuzz_redaction.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static const char *const prefixes[] = {"/usrdata/cache/ufs/", "/cache/ufs/", "/data/ufs", NULL};

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool scheme_is(const char *text, size_t len, const char *word)
{
    if (len != strlen(word))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (lower(text[i]) != word[i])
            return false;
    }
    return true;
}

/* An accepted URL, split here without the library's code: scheme "://" authority "/" path,
 * the authority's userinfo ending at its last '@', the port after the first ':' that
 * follows a bracketed IPv6 host. */
static void check_accepted_url(const char *target, const char *sep, enum dfota_via via)
{
    size_t scheme_len = (size_t)(sep - target);
    enum dfota_via want = scheme_is(target, scheme_len, "ftp")     ? DFOTA_VIA_FTP
                          : scheme_is(target, scheme_len, "http")  ? DFOTA_VIA_HTTP
                          : scheme_is(target, scheme_len, "https") ? DFOTA_VIA_HTTPS
                                                                   : DFOTA_VIA_NONE;
    CHECK(want != DFOTA_VIA_NONE && via == want);

    const char *rest = sep + 3;
    const char *end = rest + strlen(rest);
    const char *slash = fuzz_find(rest, end, '/');
    CHECK(slash != NULL); /* a path is required */
    const char *path = slash + 1;
    CHECK(path < end && end[-1] != '/'); /* with a file name */

    const char *host = rest;
    const char *at = fuzz_find_last(rest, slash, '@');
    if (at != NULL) {
        CHECK(via == DFOTA_VIA_FTP);
        const char *colon = fuzz_find(rest, at, ':');
        CHECK(colon != NULL);
        CHECK(colon > rest && (size_t)(colon - rest) <= TARGET_MAX_PART);       /* user */
        CHECK(at > colon + 1 && (size_t)(at - (colon + 1)) <= TARGET_MAX_PART); /* password */
        CHECK(fuzz_find(rest, at, ' ') == NULL);
        host = at + 1;
    }
    const char *after_host = host;
    if (host < slash && *host == '[') {
        const char *close = fuzz_find(host, slash, ']');
        if (close != NULL)
            after_host = close + 1;
    }
    const char *port = fuzz_find(after_host, slash, ':');
    const char *host_end = port != NULL ? port : slash;
    CHECK(host_end > host);
    CHECK(fuzz_find(rest, end, ' ') == NULL); /* no blank in a URL */
    if (*host == '[')
        CHECK(host_end[-1] == ']' && fuzz_find(host + 1, host_end - 1, '[') == NULL &&
              fuzz_find(host + 1, host_end - 1, ']') == NULL);
    else
        CHECK(fuzz_find(host, host_end, '[') == NULL && fuzz_find(host, host_end, ']') == NULL);
    CHECK(fuzz_find(host, host_end, ' ') == NULL);
    if (port != NULL) {
        unsigned long value = 0;
        CHECK(port + 1 < slash);
        for (const char *p = port + 1; p < slash; p++) {
            CHECK(*p >= '0' && *p <= '9');
            if (value <= 65535)
                value = value * 10 + (unsigned long)(*p - '0');
        }
        CHECK(value >= 1 && value <= 65535);
    }
    if (via == DFOTA_VIA_FTP) {
        CHECK((size_t)(host_end - host) <= TARGET_MAX_PART);
        CHECK((size_t)(end - path) <= TARGET_MAX_PART);
    }
}

static void check_accepted_local(const char *target, const char *prefix)
{
    const char *p = prefix != NULL ? prefix : TARGET_DEFAULT_UFS_PREFIX;
    size_t n = strlen(p);
    CHECK(strncmp(target, p, n) == 0);
    if (p[n - 1] != '/') {
        CHECK(target[n] == '/');
        n++;
    }
    size_t len = strlen(target);
    CHECK(len > n && target[len - 1] != '/');
}

static void check_accepted(const char *target, const char *prefix, enum dfota_via via)
{
    size_t len = strlen(target);
    CHECK(len > 0 && len <= TARGET_MAX_LEN);
    CHECK(target[0] != ' ' && target[len - 1] != ' ');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)target[i];
        CHECK(c != '"' && !is_control(c));
    }
    if (target[0] == '/') {
        CHECK(via == DFOTA_VIA_FILE);
        check_accepted_local(target, prefix);
        return;
    }
    const char *sep = strstr(target, "://");
    CHECK(sep != NULL);
    check_accepted_url(target, sep, via);
}

/* The password of the first "scheme://user:password@" as a log line shows it: a user
 * without '@', '/', blank, quote or control byte, then ':', then the password up to the
 * next '@', holding no blank, quote or control byte. */
static bool redact_password_span(const char *text, size_t *begin, size_t *len)
{
    const char *sep = strstr(text, "://");
    if (sep == NULL)
        return false;
    const char *p = sep + 3;
    for (; *p != ':'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c == '@' || c == '/' || c == ' ' || c == '"' || is_control(c))
            return false;
    }
    const char *pw = ++p;
    for (; *p != '@'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c == ' ' || c == '"' || is_control(c))
            return false;
    }
    *begin = (size_t)(pw - text);
    *len = (size_t)(p - pw);
    return true;
}

/* Occurrences of needle in text, overlapping ones included. */
static size_t count_in(const char *text, const char *needle, size_t needle_len)
{
    size_t count = 0;
    size_t text_len = strlen(text);
    for (size_t i = 0; i + needle_len <= text_len; i++) {
        if (memcmp(text + i, needle, needle_len) == 0)
            count++;
    }
    return count;
}

static void check_redacted_alike(const char *target, const char *disguised)
{
    char line[2][TARGET_MAX_LEN + 32];
    char out[2][TARGET_MAX_LEN + 32];
    const char *const texts[2] = {target, disguised};

    for (int i = 0; i < 2; i++) {
        snprintf(line[i], sizeof line[i], "AT+QFOTADL=\"%s\"", texts[i]);
        target_redact(line[i], out[i], sizeof out[i]);
    }
    CHECK(strcmp(out[0], out[1]) == 0);
    target_redact(target, out[0], sizeof out[0]);
    target_redact(disguised, out[1], sizeof out[1]);
    CHECK(strcmp(out[0], out[1]) == 0);
}

static void check_msg(const char *msg, size_t msg_size)
{
    if (msg_size > 0)
        CHECK(memchr(msg, '\0', msg_size) != NULL);
}

static void fuzz_check(const char *text, size_t len, const char *prefix, size_t msg_size)
{
    /* exact-size heap buffers, so that AddressSanitizer sees any write past them */
    char *msg = malloc(msg_size > 0 ? msg_size : 1);
    char *msg2 = malloc(msg_size > 0 ? msg_size : 1);
    char *copy = malloc(len + 1);
    enum dfota_via via = (enum dfota_via)77;
    CHECK(msg != NULL && msg2 != NULL && copy != NULL);
    memset(msg, 'x', msg_size > 0 ? msg_size : 1);

    int rc = target_check(text, prefix, &via, msg_size > 0 ? msg : NULL, msg_size);
    CHECK(rc == DFOTA_OK || rc == DFOTA_ERR_INVALID);
    CHECK(dfota_check_target(text, prefix, NULL, 0) == rc);
    if (rc == DFOTA_OK) {
        check_accepted(text, prefix, via);
    } else {
        CHECK(via == DFOTA_VIA_NONE);
        check_msg(msg, msg_size);
        if (msg_size > 0)
            CHECK(msg[0] != '\0' || msg_size == 1);
    }

    size_t pw_begin;
    size_t pw_len;
    if (fuzz_password_span(text, &pw_begin, &pw_len) && pw_len >= 4) {
        memcpy(copy, text, len + 1);
        (void)fuzz_disguise_span(copy, pw_begin, pw_len);
        enum dfota_via via2 = (enum dfota_via)77;
        int rc2 = target_check(copy, prefix, &via2, msg_size > 0 ? msg2 : NULL, msg_size);
        CHECK(rc2 == rc && via2 == via);
        /* A message that quoted any of the password would change with it. */
        if (rc != DFOTA_OK && msg_size > 0)
            CHECK(strcmp(msg, msg2) == 0);
        /* An accepted target, alone or in the AT command that carries it, redacts to the
         * same text whatever its password: no byte of it shows. */
        if (rc == DFOTA_OK)
            check_redacted_alike(text, copy);
    }
    free(copy);
    free(msg2);
    free(msg);
}

/* text with each "***" the redaction wrote (and one cut short at the end) made one 0x01
 * byte, in place: a password of ':', '/' and '*' could otherwise be found in "://:***",
 * the marker and what precedes it. */
static char *without_markers(char *out)
{
    char *w = out;

    for (const char *r = out; *r != '\0';) {
        /* a marker cut short by the output's end counts as one */
        if (strncmp(r, "***", 3) == 0 || strcmp(r, "**") == 0 || strcmp(r, "*") == 0) {
            *w++ = '\x01';
            r += strlen(r) < 3 ? strlen(r) : 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return out;
}

static void fuzz_redact(const char *text, size_t len, size_t out_size)
{
    char *out = malloc(out_size > 0 ? out_size : 1);
    CHECK(out != NULL);
    memset(out, 'x', out_size > 0 ? out_size : 1);

    target_redact(text, out, out_size);
    if (out_size == 0) {
        CHECK(out[0] == 'x');
        free(out);
        return;
    }
    CHECK(memchr(out, '\0', out_size) != NULL);
    size_t out_len = strlen(out);
    if (strstr(text, "://") == NULL) {
        /* nothing to redact: a plain (maybe truncated) copy */
        CHECK(out_len == (len < out_size - 1 ? len : out_size - 1));
        CHECK(memcmp(out, text, out_len) == 0);
    }

    size_t pw_begin;
    size_t pw_len;
    if (redact_password_span(text, &pw_begin, &pw_len) && pw_len >= 4 &&
        count_in(text, text + pw_begin, pw_len) == 1) {
        char *pw = malloc(pw_len + 1);
        CHECK(pw != NULL);
        memcpy(pw, text + pw_begin, pw_len);
        pw[pw_len] = '\0';
        char *bare = malloc(out_len + 1);
        CHECK(bare != NULL);
        memcpy(bare, out, out_len + 1);
        CHECK(strstr(without_markers(bare), pw) == NULL);
        free(bare);
        free(pw);
    }
    /* the public wrapper is the same function */
    char *out2 = malloc(out_size);
    CHECK(out2 != NULL);
    dfota_redact(text, out2, out_size);
    CHECK(strcmp(out, out2) == 0);
    free(out2);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const char *prefix = prefixes[data[0] % (sizeof(prefixes) / sizeof(prefixes[0]))];
    size_t msg_size = data[1];
    size_t out_size = data[2];

    char *text = malloc(size - 3 + 1);
    CHECK(text != NULL);
    memcpy(text, data + 3, size - 3);
    text[size - 3] = '\0';
    size_t len = strlen(text);

    fuzz_check(text, len, prefix, msg_size);
    fuzz_redact(text, len, out_size);
    free(text);
    return 0;
}
