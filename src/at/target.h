/* Targets for AT+QFOTADL: validation against the module's limits, and redaction. */
#ifndef DFOTA_TARGET_H
#define DFOTA_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "dfota.h"

#define TARGET_MAX_LEN 100 /* whole target, bytes */
#define TARGET_MAX_PART 50 /* FTP URLs: user, password, server, file path, each */
#define TARGET_DEFAULT_UFS_PREFIX "/usrdata/cache/ufs/"
/* What a build without local packages (DFOTA_WITH_UPLOAD=0) says of one. */
#define TARGET_URLS_ONLY "this build takes URLs only (DFOTA_WITH_UPLOAD=0)"

/* The limits a target is checked against: a family's, or the loosest (every family's). */
struct target_rules {
    const char *who;     /* named in messages: "the module", "this family" */
    size_t url_max;      /* whole URL, bytes */
    size_t ftp_part_max; /* FTP user, password, host and path each; 0: no limit */
    size_t local_max;    /* a local path, bytes */
    /* A local path must start with one of these (NULL-terminated); NULL: any absolute
     * path or UFS: name. local_fixed: the one path local_prefixes[0] and no other. */
    const char *const *local_prefixes;
    bool local_fixed;
};

/* Checks target against rules; returns DFOTA_OK (sets *via, which may be NULL) or
 * DFOTA_ERR_INVALID with the broken rule in msg (never the password). */
int target_check_rules(const char *target, const struct target_rules *rules, enum dfota_via *via,
                       char *msg, size_t msg_size);

/* Checks target against the application note's rules; on success returns DFOTA_OK and sets *via
 * (may be NULL) to how the module fetches it. On failure returns DFOTA_ERR_INVALID and writes the
 * broken rule into msg (which itself never contains the password). ufs_prefix NULL means the
 * default. */
int target_check(const char *target, const char *ufs_prefix, enum dfota_via *via, char *msg,
                 size_t msg_size);

/* Copies text into out (always NUL-terminated, truncated to out_size) with the password of
 * every "scheme://user:password@" in it replaced by "***". Works on any text (a log line
 * with an AT command in it, a command-line word), not only on a bare target. The URL after
 * each "://" is split exactly as target_check() splits it (userinfo up to the authority's
 * last '@', password after its first ':'); where a password could hold a '/' (a ':' but no
 * '@' before the first '/', an '@' after it), all from the ':' to the last '@' is hidden. */
void target_redact(const char *text, char *out, size_t out_size);

/* As target_redact(), for a text that was cut short (a log line formatted into a fixed
 * buffer): where a URL's authority holds a ':' and no '@' follows, everything after that
 * ':' is hidden, since the cut may have taken the '@' that ends a password. */
void target_redact_cut(const char *text, char *out, size_t out_size);

/* Where the password of target's URL is (what target_redact() hides): its offset and
 * length; false when it has none. */
bool target_secret_span(const char *target, size_t *at, size_t *len);

#endif
