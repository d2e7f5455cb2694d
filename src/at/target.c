/* Targets for AT+QFOTADL: validation against the module's limits, and redaction.
 *
 * Every refusal happens here, before a byte reaches the port: the module answers a bad
 * target only much later (a 6xx/7xx download error) or not at all. No message written
 * here ever quotes the password, nor any part of the target that could hold it. */
#include "at/target.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "at/fields.h"
#include "build_config.h"
#include "compiler.h"

#define PORT_MAX 65535UL

/* What a target may be in this build (build_config.h), as the refusals name it. */
#if DFOTA_WITH_FTP
#define TARGET_SCHEMES "ftp://, http:// or https://"
#define TARGET_NO_USERINFO "user and password are only supported with ftp://"
#else
#define TARGET_SCHEMES "http:// or https://"
#define TARGET_NO_USERINFO                                                                         \
    "a URL holds no user or password: this build has no ftp:// (DFOTA_WITH_FTP=0)"
#endif
#if DFOTA_WITH_UPLOAD
#define TARGET_KINDS "neither a URL (" TARGET_SCHEMES ") nor a local path (/..., UFS:...)"
#else
#define TARGET_KINDS "not a URL (" TARGET_SCHEMES ")"
#endif

/* A span of the target, [begin, begin + len). */
struct target_span {
    const char *begin;
    size_t len;
};

/* The pieces of a URL, as the module splits them. */
struct target_url_parts {
    struct target_span user;
    struct target_span password;
    struct target_span host;
    struct target_span port;
    struct target_span path; /* after the '/' that ends the authority */
    /* What redaction hides: the password, or, when the authority holds a ':' but no '@'
     * and an '@' comes after the first '/', everything from that ':' to the last '@' (a
     * password with a '/' in it, which validation refuses). Empty when there is none. */
    struct target_span secret;
    bool has_userinfo;
    bool has_password;
    bool has_port;
    bool has_path;
    bool has_secret;
};

DFOTA_PRINTF(3, 4)
static int target_refuse(char *msg, size_t msg_size, const char *fmt, ...)
{
    if (msg != NULL && msg_size > 0) {
        va_list args;
        va_start(args, fmt);
        (void)vsnprintf(msg, msg_size, fmt, args);
        va_end(args);
    }
    return DFOTA_ERR_INVALID;
}

static bool target_span_equals_nocase(struct target_span s, const char *word)
{
    return fields_is_nocase((struct fields_span){s.begin, s.begin + s.len}, word);
}

static bool target_is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* A quote ends the AT string argument and a control character ends or corrupts the
 * command line, so neither can travel inside AT+QFOTADL="...". */
static int target_check_characters(const char *target, char *msg, size_t msg_size)
{
    for (size_t i = 0; target[i] != '\0'; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c == '"')
            return target_refuse(msg, msg_size, "target contains a double quote at byte %zu", i);
        if (target_is_control(c))
            return target_refuse(msg, msg_size, "target contains a control character at byte %zu",
                                 i);
    }
    return DFOTA_OK;
}

/* A blank at either end is a copying slip the module would take as part of the name. */
static int target_check_ends(const char *target, char *msg, size_t msg_size)
{
    size_t len = strlen(target);
    if (target[0] == ' ')
        return target_refuse(msg, msg_size, "target begins with a space");
    if (target[len - 1] == ' ')
        return target_refuse(msg, msg_size, "target ends with a space (byte %zu)", len - 1);
    return DFOTA_OK;
}

#if DFOTA_WITH_FTP
static int target_check_part_length(const char *name, struct target_span part,
                                    const struct target_rules *r, char *msg, size_t msg_size)
{
    if (r->ftp_part_max > 0 && part.len > r->ftp_part_max)
        return target_refuse(msg, msg_size, "%s is %zu bytes; %s accepts at most %zu", name,
                             part.len, r->who, r->ftp_part_max);
    return DFOTA_OK;
}
#endif

/* The file name is what follows the last '/'; the module needs one to fetch. */
static int target_check_file_name(struct target_span path, char *msg, size_t msg_size)
{
    if (path.len == 0 || path.begin[path.len - 1] == '/')
        return target_refuse(msg, msg_size,
                             "file name is missing (the path is empty or ends with '/')");
    return DFOTA_OK;
}

/* ---- local files in the module's file system ---------------------------------------- */

#if DFOTA_WITH_UPLOAD
/* "/cache/ufs" and "/cache/ufs/" name the same directory; "UFS:" is a drive. */
static bool target_prefix_is_directory(const char *prefix, size_t len)
{
    return len > 0 && prefix[len - 1] != '/' && prefix[len - 1] != ':';
}

/* Where the file name starts after prefix, or NULL when target is not under it. */
static const char *target_name_after_prefix(const char *target, const char *prefix)
{
    size_t prefix_len = strlen(prefix);
    bool add_slash = target_prefix_is_directory(prefix, prefix_len);

    if (strncmp(target, prefix, prefix_len) != 0 || (add_slash && target[prefix_len] != '/'))
        return NULL;
    return target + prefix_len + (add_slash ? 1 : 0);
}
#endif

/* The rules every family shares: an absolute path or a "UFS:" name. */
static bool target_is_local(const char *target)
{
    return target[0] == '/' || strncmp(target, "UFS:", 4) == 0;
}

#if DFOTA_WITH_UPLOAD
static int target_check_local(const char *target, size_t len, const struct target_rules *r,
                              char *msg, size_t msg_size)
{
    if (len > r->local_max)
        return target_refuse(msg, msg_size, "local path is %zu bytes; %s accepts at most %zu", len,
                             r->who, r->local_max);
    if (r->local_fixed) {
        if (strcmp(target, r->local_prefixes[0]) != 0)
            return target_refuse(msg, msg_size, "%s takes one local package: %s", r->who,
                                 r->local_prefixes[0]);
        return DFOTA_OK;
    }
    if (r->local_prefixes == NULL) {
        const char *name = target[0] == '/' ? strrchr(target, '/') + 1 : target + 4;
        return target_check_file_name((struct target_span){name, strlen(name)}, msg, msg_size);
    }
    for (const char *const *p = r->local_prefixes; *p != NULL; p++) {
        const char *name = target_name_after_prefix(target, *p);
        if (name != NULL)
            return target_check_file_name((struct target_span){name, len - (size_t)(name - target)},
                                          msg, msg_size);
    }
    return target_refuse(
        msg, msg_size, "local path must start with %s%s%s%s%s", r->local_prefixes[0],
        target_prefix_is_directory(r->local_prefixes[0], strlen(r->local_prefixes[0])) ? "/" : "",
        r->local_prefixes[1] != NULL ? " (or another prefix " : "",
        r->local_prefixes[1] != NULL ? r->who : "", r->local_prefixes[1] != NULL ? " takes)" : "");
}
#endif

/* ---- URLs --------------------------------------------------------------------------- */

static const char *target_find_char(struct target_span s, char c)
{
    const void *p = memchr(s.begin, c, s.len);
    return (const char *)p;
}

static const char *target_find_last_char(struct target_span s, char c)
{
    for (size_t i = s.len; i > 0; i--) {
        if (s.begin[i - 1] == c)
            return s.begin + i - 1;
    }
    return NULL;
}

/* user[:password]; the password may itself hold ':' (only the first one splits). */
static void target_split_userinfo(struct target_span userinfo, struct target_url_parts *parts)
{
    const char *colon = target_find_char(userinfo, ':');
    parts->has_userinfo = true;
    parts->user = userinfo;
    if (colon != NULL) {
        parts->has_password = true;
        parts->user.len = (size_t)(colon - userinfo.begin);
        parts->password.begin = colon + 1;
        parts->password.len = userinfo.len - parts->user.len - 1;
    }
}

/* host[:port], where host may be a bracketed IPv6 literal holding colons itself. */
static void target_split_hostport(struct target_span hostport, struct target_url_parts *parts)
{
    struct target_span after_host = hostport;
    if (hostport.len > 0 && hostport.begin[0] == '[') {
        const char *close = target_find_char(hostport, ']');
        if (close != NULL) {
            after_host.begin = close + 1;
            after_host.len = hostport.len - (size_t)(after_host.begin - hostport.begin);
        }
    }
    const char *colon = target_find_char(after_host, ':');
    parts->host = hostport;
    if (colon != NULL) {
        parts->has_port = true;
        parts->host.len = (size_t)(colon - hostport.begin);
        parts->port.begin = colon + 1;
        parts->port.len = hostport.len - parts->host.len - 1;
    }
}

/* A password with '/' in it: the authority ends early, at that '/', and holds the user and
 * the password's first piece; the rest runs to an '@' further on. */
static void target_split_secret_past_slash(struct target_span authority, struct target_span all,
                                           struct target_url_parts *parts)
{
    const char *colon = target_find_char(authority, ':');
    const char *last_at = target_find_last_char(all, '@');
    if (colon == NULL || last_at == NULL || last_at < authority.begin + authority.len)
        return;
    parts->has_secret = true;
    parts->secret.begin = colon + 1;
    parts->secret.len = (size_t)(last_at - parts->secret.begin);
}

/* Splits what follows "scheme://": the one split that validation and redaction share, so
 * that what the module reads as the password is what redaction hides. The authority ends
 * at the first '/'; the userinfo ends at the authority's last '@' (a user or a password
 * may hold '@'); the password begins after the userinfo's first ':'. */
static void target_split_url(const char *rest, size_t len, struct target_url_parts *parts)
{
    struct target_span all = {rest, len};
    struct target_span authority = all;
    const char *slash = target_find_char(all, '/');
    memset(parts, 0, sizeof *parts);
    if (slash != NULL) {
        authority.len = (size_t)(slash - rest);
        parts->has_path = true;
        parts->path.begin = slash + 1;
        parts->path.len = len - authority.len - 1;
    }
    struct target_span hostport = authority;
    const char *at = target_find_last_char(authority, '@');
    if (at != NULL) {
        struct target_span userinfo = {authority.begin, (size_t)(at - authority.begin)};
        target_split_userinfo(userinfo, parts);
        hostport.begin = at + 1;
        hostport.len = authority.len - userinfo.len - 1;
        parts->has_secret = parts->has_password;
        parts->secret = parts->password;
    } else {
        target_split_secret_past_slash(authority, all, parts);
    }
    target_split_hostport(hostport, parts);
}

/* Only ever prints the port's digits: a port that is not all digits is not echoed,
 * since a mistyped target could hold the password where the port should be. */
static int target_check_port(struct target_span port, char *msg, size_t msg_size)
{
    unsigned long value = 0;
    if (port.len == 0)
        return target_refuse(msg, msg_size, "port is empty; give 1-65535 or leave out the ':'");
    for (size_t i = 0; i < port.len; i++) {
        char c = port.begin[i];
        if (c < '0' || c > '9')
            return target_refuse(msg, msg_size, "port must be digits only (1-65535)");
        if (value <= PORT_MAX)
            value = value * 10UL + (unsigned long)(c - '0');
    }
    if (value < 1 || value > PORT_MAX)
        return target_refuse(msg, msg_size, "port %.*s is outside 1-65535", (int)port.len,
                             port.begin);
    return DFOTA_OK;
}

/* No URL may carry a raw space before its path; and a space in a password would also
 * end it early for target_redact(), which must find the whole password in a log line. */
static int target_check_no_space(const char *name, struct target_span part, char *msg,
                                 size_t msg_size)
{
    if (target_find_char(part, ' ') != NULL)
        return target_refuse(msg, msg_size, "%s contains a space", name);
    return DFOTA_OK;
}

#if DFOTA_WITH_FTP
/* The module's FTP syntax is ftp://user:password@server:port/file_path with each part
 * limited; anonymous ftp://server/file_path is accepted too. */
static int target_check_ftp_parts(const struct target_url_parts *parts,
                                  const struct target_rules *r, char *msg, size_t msg_size)
{
    int rc;
    if (parts->has_userinfo) {
        if (parts->user.len == 0)
            return target_refuse(msg, msg_size, "user is empty");
        if (!parts->has_password || parts->password.len == 0)
            return target_refuse(msg, msg_size,
                                 "password is missing; write ftp://user:password@host/file");
        if ((rc = target_check_part_length("user", parts->user, r, msg, msg_size)) != DFOTA_OK)
            return rc;
        if ((rc = target_check_part_length("password", parts->password, r, msg, msg_size)) !=
            DFOTA_OK)
            return rc;
        if ((rc = target_check_no_space("user", parts->user, msg, msg_size)) != DFOTA_OK)
            return rc;
        if ((rc = target_check_no_space("password", parts->password, msg, msg_size)) != DFOTA_OK)
            return rc;
    }
    /* An '@' after the first '/' means a password with '/' in it (the module cannot tell
     * where it ends) or a misplaced '@'; either way the module would misread the URL. */
    if (target_find_char(parts->path, '@') != NULL)
        return target_refuse(msg, msg_size,
                             "'@' after the first '/' (a password cannot contain '/')");
    if ((rc = target_check_part_length("host", parts->host, r, msg, msg_size)) != DFOTA_OK)
        return rc;
    return target_check_part_length("file path", parts->path, r, msg, msg_size);
}
#endif

/* Brackets enclose an IPv6 address and nothing else: "[::1]x" is no host a module can
 * resolve, and a lone bracket is a typing error. */
static int target_check_brackets(struct target_span host, char *msg, size_t msg_size)
{
    struct target_span inner = host;
    if (host.len > 0 && host.begin[0] == '[') {
        if (host.len < 3 || host.begin[host.len - 1] != ']')
            return target_refuse(msg, msg_size,
                                 "host: an IPv6 address in brackets must be followed by ':port' or "
                                 "'/', nothing else");
        inner.begin = host.begin + 1;
        inner.len = host.len - 2;
    }
    if (target_find_char(inner, '[') != NULL || target_find_char(inner, ']') != NULL)
        return target_refuse(msg, msg_size,
                             "host may hold '[' and ']' only around an IPv6 address");
    return DFOTA_OK;
}

static int target_check_url(const char *target, size_t len, struct target_span scheme,
                            enum dfota_via via, const struct target_rules *r, char *msg,
                            size_t msg_size)
{
    struct target_url_parts parts;
    int rc;
    size_t rest_at = scheme.len + 3; /* past "://" */

    if (len > r->url_max)
        return target_refuse(msg, msg_size, "URL is %zu bytes; %s accepts at most %zu", len, r->who,
                             r->url_max);
    target_split_url(target + rest_at, len - rest_at, &parts);
    if (parts.has_userinfo && via != DFOTA_VIA_FTP)
        return target_refuse(msg, msg_size, TARGET_NO_USERINFO);
    if (parts.host.len == 0)
        return target_refuse(msg, msg_size, "host is empty");
    if ((rc = target_check_no_space("host", parts.host, msg, msg_size)) != DFOTA_OK)
        return rc;
    if ((rc = target_check_brackets(parts.host, msg, msg_size)) != DFOTA_OK)
        return rc;
    if (parts.has_port && (rc = target_check_port(parts.port, msg, msg_size)) != DFOTA_OK)
        return rc;
    if (!parts.has_path)
        return target_refuse(msg, msg_size, "file name is missing (the URL has no path)");
    if (target_find_char(parts.path, ' ') != NULL)
        return target_refuse(msg, msg_size, "file path contains a space; write it as %%20");
#if DFOTA_WITH_FTP
    if (via == DFOTA_VIA_FTP && (rc = target_check_ftp_parts(&parts, r, msg, msg_size)) != DFOTA_OK)
        return rc;
#endif
    return target_check_file_name(parts.path, msg, msg_size);
}

static enum dfota_via target_via_of_scheme(struct target_span scheme)
{
    if (target_span_equals_nocase(scheme, "ftp"))
        return DFOTA_VIA_FTP;
    if (target_span_equals_nocase(scheme, "http"))
        return DFOTA_VIA_HTTP;
    if (target_span_equals_nocase(scheme, "https"))
        return DFOTA_VIA_HTTPS;
    return DFOTA_VIA_NONE;
}

static int target_classify_and_check(const char *target, const struct target_rules *r,
                                     enum dfota_via *via, char *msg, size_t msg_size)
{
    size_t len = strlen(target);
    if (target_is_local(target)) {
        *via = DFOTA_VIA_FILE;
#if DFOTA_WITH_UPLOAD
        return target_check_local(target, len, r, msg, msg_size);
#else
        return target_refuse(msg, msg_size, TARGET_URLS_ONLY);
#endif
    }
    const char *sep = strstr(target, "://");
    if (sep == NULL)
        return target_refuse(msg, msg_size, "target is " TARGET_KINDS);
    struct target_span scheme = {target, (size_t)(sep - target)};
    *via = target_via_of_scheme(scheme);
    if (*via == DFOTA_VIA_NONE)
        return target_refuse(msg, msg_size, "unknown scheme; use " TARGET_SCHEMES);
    if (!DFOTA_WITH_FTP && *via == DFOTA_VIA_FTP)
        return target_refuse(msg, msg_size, "this build has no ftp:// (DFOTA_WITH_FTP=0)");
    return target_check_url(target, len, scheme, *via, r, msg, msg_size);
}

int target_check_rules(const char *target, const struct target_rules *rules, enum dfota_via *via,
                       char *msg, size_t msg_size)
{
    enum dfota_via found = DFOTA_VIA_NONE;
    int rc;

    if (msg != NULL && msg_size > 0)
        msg[0] = '\0';
    if (via != NULL)
        *via = DFOTA_VIA_NONE;
    if (target == NULL)
        return target_refuse(msg, msg_size, "target is missing (NULL)");
    if (target[0] == '\0')
        return target_refuse(msg, msg_size, "target is empty");
    if ((rc = target_check_characters(target, msg, msg_size)) != DFOTA_OK)
        return rc;
    if ((rc = target_check_ends(target, msg, msg_size)) != DFOTA_OK)
        return rc;
    if ((rc = target_classify_and_check(target, rules, &found, msg, msg_size)) != DFOTA_OK)
        return rc;
    if (via != NULL)
        *via = found;
    return DFOTA_OK;
}

int target_check(const char *target, const char *ufs_prefix, enum dfota_via *via, char *msg,
                 size_t msg_size)
{
    const char *prefixes[] = {TARGET_DEFAULT_UFS_PREFIX, NULL};
    struct target_rules note = {"the module",   TARGET_MAX_LEN, TARGET_MAX_PART,
                                TARGET_MAX_LEN, prefixes,       false};

    if (ufs_prefix != NULL && ufs_prefix[0] != '\0')
        prefixes[0] = ufs_prefix;
    return target_check_rules(target, &note, via, msg, msg_size);
}

/* ---- redaction ---------------------------------------------------------------------- */

/* Bounded output: silently stops one byte short of the end so a NUL always fits. */
struct target_writer {
    char *out;
    size_t size;
    size_t len;
};

static void target_writer_put(struct target_writer *w, char c)
{
    if (w->len + 1 < w->size)
        w->out[w->len++] = c;
}

static void target_writer_puts(struct target_writer *w, const char *s)
{
    while (*s != '\0')
        target_writer_put(w, *s++);
}

/* A text cut short may have lost the '@' that ends a password: when a URL's authority holds
 * a ':' and no '@' follows anywhere, all after that ':' may be a password's beginning. */
static void target_secret_to_end(const char *rest, struct target_url_parts *parts)
{
    size_t len = strlen(rest);
    struct target_span all = {rest, len};
    const char *slash = target_find_char(all, '/');
    struct target_span authority = {rest, slash != NULL ? (size_t)(slash - rest) : len};
    const char *colon = target_find_char(authority, ':');

    if (colon == NULL || target_find_char(all, '@') != NULL)
        return;
    parts->has_secret = true;
    parts->secret.begin = colon + 1;
    parts->secret.len = len - (size_t)(parts->secret.begin - rest);
}

/* Every "://" in the text starts a URL that runs to the end of the text: a password may
 * hold blanks and quotes when it comes from a command line rather than a valid target,
 * and redacting too much beats leaking a piece of a password. The URL is split by
 * target_split_url(), as validation splits it. */
static void target_redact_text(const char *text, bool cut, char *out, size_t out_size)
{
    struct target_writer w = {out, out_size, 0};
    if (out == NULL || out_size == 0)
        return;
    for (const char *p = text; p != NULL && *p != '\0';) {
        struct target_url_parts parts;
        if (strncmp(p, "://", 3) == 0) {
            target_split_url(p + 3, strlen(p + 3), &parts);
            if (!parts.has_secret && cut)
                target_secret_to_end(p + 3, &parts);
            if (parts.has_secret) {
                while (p < parts.secret.begin)
                    target_writer_put(&w, *p++);
                target_writer_puts(&w, "***");
                p = parts.secret.begin + parts.secret.len;
                continue;
            }
        }
        target_writer_put(&w, *p++);
    }
    out[w.len] = '\0';
}

void target_redact(const char *text, char *out, size_t out_size)
{
    target_redact_text(text, false, out, out_size);
}

void target_redact_cut(const char *text, char *out, size_t out_size)
{
    target_redact_text(text, true, out, out_size);
}

bool target_secret_span(const char *target, size_t *at, size_t *len)
{
    const char *scheme_end = strstr(target, "://");
    struct target_url_parts parts;

    if (!scheme_end)
        return false;
    target_split_url(scheme_end + 3, strlen(scheme_end + 3), &parts);
    if (!parts.has_secret)
        return false;
    *at = (size_t)(parts.secret.begin - target);
    *len = parts.secret.len;
    return true;
}

/* ---- public wrappers ---------------------------------------------------------------- */

DFOTA_API int dfota_check_target(const char *target, const char *ufs_prefix, char *msg,
                                 size_t msg_size)
{
    return target_check(target, ufs_prefix, NULL, msg, msg_size);
}

DFOTA_API void dfota_redact(const char *target, char *out, size_t out_size)
{
    target_redact(target, out, out_size);
}
