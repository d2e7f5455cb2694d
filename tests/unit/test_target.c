/* target_check() and target_redact(): every rule, its boundaries, and its message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "at/target.h"

#define OK DFOTA_OK
#define BAD DFOTA_ERR_INVALID

/* What a target that is neither kind is told: a build without local targets knows URLs
 * only. */
#if DFOTA_WITH_UPLOAD
#define SAID_NOT_URL "neither a URL"
#define SAID_NOT_LOCAL "nor a local path"
#else
#define SAID_NOT_URL "target is not a URL"
#define SAID_NOT_LOCAL "target is not a URL"
#endif

/* What a URL with a user and password but no ftp:// is told: a build without ftp://
 * names that choice. */
#if DFOTA_WITH_FTP
#define SAID_USERINFO "only supported with ftp://"
#else
#define SAID_USERINFO "this build has no ftp:// (DFOTA_WITH_FTP=0)"
#endif

/* A target built as head + fill * 'Z' + tail, so boundary lengths are exact. */
struct check_case {
    const char *head;
    size_t fill;
    const char *tail;
    const char *prefix; /* ufs prefix; NULL: the default */
    int rc;
    enum dfota_via via;
    const char *expect; /* substring of the message ("" for success) */
    const char *secret; /* must never appear in the message; NULL: none */
};

static const struct check_case check_cases[] = {
    /* accepted forms */
    {"ftp://user:pass@host/file.zip", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"FTP://user:pass@host:21/dir/file.zip", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"Ftp://host/file.zip", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://u:p@ss@host/f", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://u:a:b@host/f", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"http://host/f.zip", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"HTTP://host:8080/a/b.zip", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://10.0.0.1/dl?id=3", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://[2001:db8::1]:8080/f.zip", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"https://host/f.zip", 0, "", NULL, OK, DFOTA_VIA_HTTPS, "", NULL},
    {"HttpS://host:443/f.zip", 0, "", NULL, OK, DFOTA_VIA_HTTPS, "", NULL},
    {"/usrdata/cache/ufs/update.zip", 0, "", NULL, OK, DFOTA_VIA_FILE, "", NULL},
    {"/usrdata/cache/ufs/sub/update.zip", 0, "", NULL, OK, DFOTA_VIA_FILE, "", NULL},
    {"/usrdata/cache/ufs/a", 0, "", "", OK, DFOTA_VIA_FILE, "", NULL},
    /* settable prefix, with or without its trailing slash */
    {"/cache/ufs/f.zip", 0, "", "/cache/ufs/", OK, DFOTA_VIA_FILE, "", NULL},
    {"/cache/ufs/f.zip", 0, "", "/cache/ufs", OK, DFOTA_VIA_FILE, "", NULL},
    {"/cache/ufsx/f.zip", 0, "", "/cache/ufs", BAD, DFOTA_VIA_NONE,
     "local path must start with /cache/ufs/", NULL},
    {"/cache/ufs", 0, "", "/cache/ufs", BAD, DFOTA_VIA_NONE, "local path must start with", NULL},
    {"/cache/ufs/", 0, "", "/cache/ufs", BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    {"/usrdata/cache/ufs/f.zip", 0, "", "/data/ufs/", BAD, DFOTA_VIA_NONE,
     "local path must start with /data/ufs/", NULL},
    /* whole length: 100 accepted, 101 refused */
    {"http://h/", 87, ".zip", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://h/", 88, ".zip", NULL, BAD, DFOTA_VIA_NONE,
     "URL is 101 bytes; the module accepts at most 100", NULL},
    {"http://h/", 118, ".zip", NULL, BAD, DFOTA_VIA_NONE, "URL is 131 bytes", NULL},
    {"/usrdata/cache/ufs/", 81, "", NULL, OK, DFOTA_VIA_FILE, "", NULL},
    {"/usrdata/cache/ufs/", 82, "", NULL, BAD, DFOTA_VIA_NONE,
     "local path is 101 bytes; the module accepts at most 100", NULL},
    /* FTP parts: 50 accepted, 51 refused */
    {"ftp://", 50, ":pw@host/f.zip", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://", 51, ":pw@host/f.zip", NULL, BAD, DFOTA_VIA_NONE,
     "user is 51 bytes; the module accepts at most 50", NULL},
    {"ftp://user:", 50, "@host/f.zip", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://user:", 51, "@host/f.zip", NULL, BAD, DFOTA_VIA_NONE,
     "password is 51 bytes; the module accepts at most 50", "ZZZZ"},
    {"ftp://user:", 200, "@host/f.zip", NULL, BAD, DFOTA_VIA_NONE, "URL is 222 bytes", "ZZZZ"},
    {"ftp://u:p@", 50, "/f.zip", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://u:p@", 51, "/f.zip", NULL, BAD, DFOTA_VIA_NONE,
     "host is 51 bytes; the module accepts at most 50", NULL},
    {"ftp://u:p@h/", 50, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    {"ftp://u:p@h/", 51, "", NULL, BAD, DFOTA_VIA_NONE,
     "file path is 51 bytes; the module accepts at most 50", NULL},
    /* the 50-byte part limits are FTP's; HTTP has only the whole-URL limit */
    {"http://h/", 60, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"https://", 60, "/f", NULL, OK, DFOTA_VIA_HTTPS, "", NULL},
    /* '@' in the user: the userinfo ends at the authority's last '@' */
    {"ftp://user@corp:s3cret@127.0.0.1/pkg.zip", 0, "", NULL, OK, DFOTA_VIA_FTP, "", NULL},
    /* blanks: none at either end, none in a URL */
    {"http://h/f.zip ", 0, "", NULL, BAD, DFOTA_VIA_NONE, "target ends with a space (byte 14)",
     NULL},
    {" http://h/f.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE, "target begins with a space", NULL},
    {"/usrdata/cache/ufs/a.zip ", 0, "", NULL, BAD, DFOTA_VIA_NONE, "target ends with a space",
     NULL},
    {"/usrdata/cache/ufs/a b.zip", 0, "", NULL, OK, DFOTA_VIA_FILE, "", NULL},
    {"http://h/a b.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE,
     "file path contains a space; write it as %20", NULL},
    {"ftp://u:secret@h/a b", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file path contains a space",
     "secret"},
    /* brackets enclose an IPv6 address and nothing else */
    {"http://[::1]x:80/a.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE,
     "IPv6 address in brackets must be followed by ':port' or '/'", NULL},
    {"http://[::1]x/a.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE, "IPv6 address in brackets", NULL},
    {"http://[::1/a.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE, "IPv6 address in brackets", NULL},
    {"http://h]x/a.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE,
     "host may hold '[' and ']' only around an IPv6 address", NULL},
    {"http://[::1]/a.zip", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://[::1]:80/a.zip", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    /* port */
    {"http://h:0/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port 0 is outside 1-65535", NULL},
    {"http://h:1/f", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://h:65535/f", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://h:65536/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port 65536 is outside 1-65535", NULL},
    {"ftp://u:p@h:70000/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port 70000 is outside 1-65535",
     NULL},
    {"http://h:99999999999999999999/f", 0, "", NULL, BAD, DFOTA_VIA_NONE,
     "port 99999999999999999999 is outside", NULL},
    {"http://h:00080/f", 0, "", NULL, OK, DFOTA_VIA_HTTP, "", NULL},
    {"http://h:/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port is empty", NULL},
    {"http://h:8o/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port must be digits only", NULL},
    {"http://h:-1/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port must be digits only", NULL},
    {"http://h:+80/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port must be digits only", NULL},
    /* characters that cannot travel inside AT+QFOTADL="..." (byte offsets from 0) */
    {"http://h/f\"x", 0, "", NULL, BAD, DFOTA_VIA_NONE, "double quote at byte 10", NULL},
    {"http://h/f\r", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10", NULL},
    {"http://h/f\n", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10", NULL},
    {"http://h/f\tx", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10", NULL},
    {"\x01http://h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 0", NULL},
    {"http://h/f\x1f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10", NULL},
    {"http://h/f\x7f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10", NULL},
    {"/usrdata/cache/ufs/a\rb", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 20",
     NULL},
    {"ftp://u:se\ncret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "control character at byte 10",
     "cret"},
    {"ftp://u:sec\"ret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "double quote at byte 11", "ret"},
    /* host */
    {"http:///f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "host is empty", NULL},
    {"http://:80/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "host is empty", NULL},
    {"ftp://u:secret@/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "host is empty", "secret"},
    {"http://ho st/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "host contains a space", NULL},
    /* file name */
    {"http://host", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    {"http://host/", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    {"https://host/dir/", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    {"ftp://u:secret@h/", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", "secret"},
    {"/usrdata/cache/ufs/", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    {"/usrdata/cache/ufs/dir/", 0, "", NULL, BAD, DFOTA_VIA_NONE, "file name is missing", NULL},
    /* scheme and shape */
    {"sftp://h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "unknown scheme", NULL},
    {"tftp://h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "unknown scheme", NULL},
    {"file:///usrdata/cache/ufs/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "unknown scheme", NULL},
    {"://h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "unknown scheme", NULL},
    {"host/f.zip", 0, "", NULL, BAD, DFOTA_VIA_NONE, SAID_NOT_URL, NULL},
    {"usrdata/cache/ufs/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, SAID_NOT_LOCAL, NULL},
    {"/data/ufs/f", 0, "", NULL, BAD, DFOTA_VIA_NONE,
     "local path must start with /usrdata/cache/ufs/", NULL},
    {"/usrdata/cache/ufsx/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "local path must start with", NULL},
    {"", 0, "", NULL, BAD, DFOTA_VIA_NONE, "target is empty", NULL},
    /* credentials */
    {"http://u:secret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, SAID_USERINFO, "secret"},
    {"https://u:secret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, SAID_USERINFO, "secret"},
    {"ftp://:secret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "user is empty", "secret"},
    {"ftp://u@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "password is missing", NULL},
    {"ftp://u:@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "password is missing", NULL},
    {"ftp://u:my secret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "password contains a space",
     "secret"},
    {"ftp://a user:pw@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "user contains a space", NULL},
    {"ftp://u:secret@h:99999/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port 99999", "secret"},
    {"ftp://u:se/cret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "port must be digits only", "cret"},
    {"ftp://u:12/cret@h/f", 0, "", NULL, BAD, DFOTA_VIA_NONE, "'@' after the first '/'", "cret"},
};

static void build_target(const struct check_case *c, char *buf, size_t size)
{
    size_t head = strlen(c->head);
    size_t tail = strlen(c->tail);
    assert_true(head + c->fill + tail < size);
    memcpy(buf, c->head, head);
    memset(buf + head, 'Z', c->fill);
    memcpy(buf + head + c->fill, c->tail, tail + 1);
}

/* The rules every target meets before its kind is looked at: a case breaking one of them
 * is refused so in every build. */
static bool breaks_shared_rule(const struct check_case *c)
{
    static const char *const shared[] = {"control character", "double quote",
                                         "target begins with a space", "target ends with a space",
                                         "target is empty"};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        if (strncmp(c->expect, shared[i], strlen(shared[i])) == 0)
            return true;
    }
    return false;
}

static bool is_ftp(const char *target)
{
    static const char scheme[] = "ftp://";
    for (size_t i = 0; i < sizeof scheme - 1; i++) {
        if (tolower((unsigned char)target[i]) != scheme[i])
            return false;
    }
    return true;
}

/* What this build says of a case: the case itself, or for an ftp:// or local target in a
 * build without them, the refusal naming the choice. */
static struct check_case as_built(const struct check_case *c)
{
    struct check_case built = *c;
    const char *refusal = NULL;

    if (!DFOTA_WITH_FTP && is_ftp(c->head))
        refusal = "this build has no ftp:// (DFOTA_WITH_FTP=0)";
    if (!DFOTA_WITH_UPLOAD && c->head[0] == '/')
        refusal = "this build takes URLs only (DFOTA_WITH_UPLOAD=0)";
    if (refusal && !breaks_shared_rule(c)) {
        built.rc = BAD;
        built.via = DFOTA_VIA_NONE;
        built.expect = refusal;
    }
    return built;
}

static void test_check_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++) {
        const struct check_case built = as_built(&check_cases[i]);
        const struct check_case *c = &built;
        char target[512];
        char msg[256];
        enum dfota_via via = DFOTA_VIA_HTTPS;
        build_target(c, target, sizeof target);
        memset(msg, 'x', sizeof msg);

        int rc = target_check(target, c->prefix, &via, msg, sizeof msg);

        if (rc != c->rc || via != c->via || strstr(msg, c->expect) == NULL)
            print_error("case %zu: \"%s\" -> rc %d via %d msg \"%s\"\n", i, target, rc, (int)via,
                        msg);
        assert_int_equal(rc, c->rc);
        assert_int_equal(via, c->via);
        assert_non_null(strstr(msg, c->expect));
        if (c->rc == OK)
            assert_string_equal(msg, "");
        if (c->secret != NULL)
            assert_null(strstr(msg, c->secret));
    }
}

static void test_check_null_target(void **state)
{
    (void)state;
    char msg[64];
    enum dfota_via via = DFOTA_VIA_FTP;
    assert_int_equal(target_check(NULL, NULL, &via, msg, sizeof msg), BAD);
    assert_int_equal(via, DFOTA_VIA_NONE);
    assert_non_null(strstr(msg, "NULL"));
}

static void test_check_optional_outputs(void **state)
{
    (void)state;
    assert_int_equal(target_check("http://h/f", NULL, NULL, NULL, 0), OK);
    assert_int_equal(target_check("http://h:0/f", NULL, NULL, NULL, 0), BAD);
    assert_int_equal(target_check(NULL, NULL, NULL, NULL, 99), BAD);
}

/* Any msg_size: NUL-terminated inside it, never a byte past it, a prefix of the full text. */
static void test_check_message_truncation(void **state)
{
    (void)state;
    const char *target =
        DFOTA_WITH_FTP ? "ftp://user:topsecret@host:70000/f.zip" : "http://host:70000/f.zip";
    char full[256];
    assert_int_equal(target_check(target, NULL, NULL, full, sizeof full), BAD);
    assert_string_equal(full, "port 70000 is outside 1-65535");
    for (size_t size = 1; size <= strlen(full) + 2; size++) {
        char buf[64];
        memset(buf, '#', sizeof buf);
        assert_int_equal(target_check(target, NULL, NULL, buf, size), BAD);
        assert_true(strlen(buf) < size);
        assert_memory_equal(buf, full, strlen(buf));
        assert_int_equal(buf[size], '#');
    }
}

static void test_public_check_target(void **state)
{
    (void)state;
    char msg[128];
    assert_int_equal(dfota_check_target("https://h/f.zip", NULL, msg, sizeof msg), OK);
    assert_string_equal(msg, "");
#if DFOTA_WITH_UPLOAD
    assert_int_equal(dfota_check_target("/cache/ufs/f", "/cache/ufs", msg, sizeof msg), OK);
    assert_int_equal(dfota_check_target("/cache/ufs/f", NULL, msg, sizeof msg), BAD);
    assert_string_equal(msg, "local path must start with /usrdata/cache/ufs/");
#else
    assert_int_equal(dfota_check_target("/cache/ufs/f", "/cache/ufs", msg, sizeof msg), BAD);
    assert_string_equal(msg, "this build takes URLs only (DFOTA_WITH_UPLOAD=0)");
#endif
}

struct redact_case {
    const char *in;
    const char *out;
};

static const struct redact_case redact_cases[] = {
    {"ftp://u:secret@h/f", "ftp://u:***@h/f"},
    {"AT+QFOTADL=\"ftp://u:secret@h/f\"", "AT+QFOTADL=\"ftp://u:***@h/f\""},
    {"AT+QFOTADL=\"FTP://user:secret@host:21/f.zip\"\r",
     "AT+QFOTADL=\"FTP://user:***@host:21/f.zip\"\r"},
    {"fTp://U:Secret@H/f", "fTp://U:***@H/f"},
    {"a ftp://u:one@h/f b FTP://v:two@g/f c", "a ftp://u:***@h/f b FTP://v:***@g/f c"},
    {"ftp://u:one@h/f,ftp://v:two@g/f", "ftp://u:***@h/f,ftp://v:***@g/f"},
    {"ftp://u:p@ss@h/f", "ftp://u:***@h/f"},
    {"ftp://u:pa/ss@h/f", "ftp://u:***@h/f"},
    {"ftp://u:a:b@h/f", "ftp://u:***@h/f"},
    {"ftp://u:@h/f", "ftp://u:***@h/f"},
    {"http://u:secret@h/f", "http://u:***@h/f"},
    {"://u:secret@h", "://u:***@h"},
    {"ftp://u:secret@h/f\r\n", "ftp://u:***@h/f\r\n"},
    /* no password to hide */
    {"http://host:8080/path", "http://host:8080/path"},
    {"ftp://host/f.zip", "ftp://host/f.zip"},
    {"ftp://u@host/f.zip", "ftp://u@host/f.zip"},
    {"ftp://u:secret", "ftp://u:secret"},
    /* a user with '@' in it: split at the authority's last '@', as validation splits it */
    {"ftp://user@corp:s3cret@127.0.0.1/pkg.zip", "ftp://user@corp:***@127.0.0.1/pkg.zip"},
    {"AT+QFOTADL=\"ftp://user@corp:s3cret@h/f\"", "AT+QFOTADL=\"ftp://user@corp:***@h/f\""},
    {"-v AT+QFOTADL=\"ftp://a@b@c:s3cret@h:21/f\"", "-v AT+QFOTADL=\"ftp://a@b@c:***@h:21/f\""},
    /* a command-line word quoted in a message: the URL runs to the end of the text, blanks
     * and quotes included, so a password with a blank is hidden whole */
    {"not 'ftp://u:s3 cret@h/a'", "not 'ftp://u:***@h/a'"},
    {"\"ftp://u:secret\" @x", "\"ftp://u:***@x"},
    {"ftp://u:secret x@y", "ftp://u:***@y"},
    {"unknown command 'ftp://u:se\ncret@h/f'", "unknown command 'ftp://u:***@h/f'"},
    {"ftp://u:a/b@c@h/f", "ftp://u:***@h/f"},
    {"user:pass@host", "user:pass@host"},
    {"+QIND: \"FOTA\",\"FTPEND\",0", "+QIND: \"FOTA\",\"FTPEND\",0"},
    {"", ""},
    {"://", "://"},
    {"ftp://", "ftp://"},
};

static void test_redact_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof redact_cases / sizeof redact_cases[0]; i++) {
        char out[256];
        target_redact(redact_cases[i].in, out, sizeof out);
        assert_string_equal(out, redact_cases[i].out);
        if (strstr(redact_cases[i].out, "***") != NULL)
            assert_null(strstr(out, "secret"));
    }
}

/* Whatever target_check() accepts, redaction hides exactly the password it read, in the
 * bare target and in the command line that carries it. */
static void test_accepted_targets_redacted(void **state)
{
    static const struct {
        const char *target;
        const char *redacted;
    } cases[] = {
        {"ftp://user@corp:s3cret@127.0.0.1/pkg.zip", "ftp://user@corp:***@127.0.0.1/pkg.zip"},
        {"ftp://a@b:c:d@e@h:2121/x/y.zip", "ftp://a@b:***@h:2121/x/y.zip"},
        {"ftp://u:p@ss@h/f", "ftp://u:***@h/f"},
        {"FTP://u@:pw@[::1]:21/f", "FTP://u@:***@[::1]:21/f"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[160];
        char out[160];
        char want[160];
        /* redaction reads any text: an ftp:// target in it too, in a build without them */
        assert_int_equal(target_check(cases[i].target, NULL, NULL, NULL, 0),
                         DFOTA_WITH_FTP ? OK : BAD);
        target_redact(cases[i].target, out, sizeof out);
        assert_string_equal(out, cases[i].redacted);
        snprintf(line, sizeof line, "AT+QFOTADL=\"%s\"", cases[i].target);
        snprintf(want, sizeof want, "AT+QFOTADL=\"%s\"", cases[i].redacted);
        target_redact(line, out, sizeof out);
        assert_string_equal(out, want);
    }
}

/* A line cut short may have lost the '@' that ends a password. */
static void test_redact_cut(void **state)
{
    static const struct redact_case cases[] = {
        {"cannot open ftp://u:abcdefgh", "cannot open ftp://u:***"},
        {"cannot open ftp://u:abc/defgh", "cannot open ftp://u:***"},
        {"ftp://u:pw@h/f and then", "ftp://u:***@h/f and then"}, /* whole: as usual */
        {"http://h/a.zip, ok", "http://h/a.zip, ok"},
        {"no URL: at all", "no URL: at all"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[128];
        target_redact_cut(cases[i].in, out, sizeof out);
        assert_string_equal(out, cases[i].out);
    }
}

static void test_redact_null_text(void **state)
{
    (void)state;
    char out[8] = "junk";
    target_redact(NULL, out, sizeof out);
    assert_string_equal(out, "");
    target_redact("x", NULL, 0); /* nowhere to write: must not crash */
}

/* Every buffer size: NUL-terminated, never past out_size, no piece of the password. */
static void test_redact_tiny_buffers(void **state)
{
    (void)state;
    const char *line = "AT+QFOTADL=\"ftp://user:topsecret@host/f.zip\"";
    const char *full = "AT+QFOTADL=\"ftp://user:***@host/f.zip\"";
    for (size_t size = 0; size <= strlen(full) + 3; size++) {
        char buf[80];
        memset(buf, '#', sizeof buf);
        target_redact(line, buf, size);
        assert_int_equal(buf[size], '#');
        if (size == 0)
            continue;
        assert_true(strlen(buf) < size);
        assert_memory_equal(buf, full, strlen(buf));
        assert_null(strstr(buf, "top"));
    }
}

static void test_public_redact(void **state)
{
    (void)state;
    char out[64];
    dfota_redact("ftp://u:secret@h/f", out, sizeof out);
    assert_string_equal(out, "ftp://u:***@h/f");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_table),
        cmocka_unit_test(test_check_null_target),
        cmocka_unit_test(test_check_optional_outputs),
        cmocka_unit_test(test_check_message_truncation),
        cmocka_unit_test(test_public_check_target),
        cmocka_unit_test(test_redact_table),
        cmocka_unit_test(test_accepted_targets_redacted),
        cmocka_unit_test(test_redact_cut),
        cmocka_unit_test(test_redact_null_text),
        cmocka_unit_test(test_redact_tiny_buffers),
        cmocka_unit_test(test_public_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
