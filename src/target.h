/* Targets for AT+QFOTADL: validation against the module's limits, and redaction. */
#ifndef DFOTA_TARGET_H
#define DFOTA_TARGET_H

#include <stddef.h>

#include "dfota.h"

#define TARGET_MAX_LEN 100 /* whole target, bytes */
#define TARGET_MAX_PART 50 /* FTP URLs: user, password, server, file path, each */
#define TARGET_DEFAULT_UFS_PREFIX "/usrdata/cache/ufs/"

/* Checks target; on success returns DFOTA_OK and sets *via (may be NULL) to how the module
 * fetches it. On failure returns DFOTA_ERR_INVALID and writes the broken rule into msg
 * (which itself never contains the password). ufs_prefix NULL means the default. */
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

#endif
