/* Messages the tool builds from its command line's words. A word may be a target with its
 * password, typed where another word was expected, so every such message goes through
 * dfota_redact() before anything prints it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Formats in full, then redacts, then cuts to size: cut first, a long word could lose the
 * '@' that ends its password and leave the password's beginning in plain sight. */
void cli_text_format(char *out, size_t size, const char *fmt, ...)
{
    va_list ap, again;
    char *raw = NULL;
    int len;

    if (!out || size == 0)
        return;
    va_start(ap, fmt);
    va_copy(again, ap);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len >= 0 && (raw = malloc((size_t)len + 1)) != NULL)
        (void)vsnprintf(raw, (size_t)len + 1, fmt, again);
    va_end(again);
    if (raw) {
        dfota_redact(raw, out, size);
        free(raw);
    } else {
        snprintf(out, size, "bad usage (the message is too long to show)");
    }
}

bool cli_text_target_refusal(const struct cli_options *opt, char *out, size_t size)
{
    /* Room for the whole rule: it may quote --ufs-prefix, a word of any length. */
    size_t why_size = CLI_TEXT_MAX + (opt->ufs_prefix ? strlen(opt->ufs_prefix) : 0);
    char *why;
    int rc;

    if (opt->command != CLI_UPGRADE || !opt->target)
        return false;
    why = malloc(why_size);
    if (!why) {
        snprintf(out, size, "out of memory");
        return true;
    }
    rc = dfota_check_target_family(opt->family, opt->target, opt->ufs_prefix, why, why_size);
    /* A path no module has is most often a file on the host. */
    if (rc != DFOTA_OK && opt->target[0] == '/' && strstr(why, "local path must start with"))
        cli_text_format(out, size, "%s; a file on the host is uploaded first: --upload %s", why,
                        opt->target);
    else if (rc != DFOTA_OK)
        cli_text_format(out, size, "%s", why);
    free(why);
    return rc != DFOTA_OK;
}

void cli_text_open_failure(const struct cli_options *opt, int result, const char *why, char *out,
                           size_t size)
{
    const char *port = opt->port ? opt->port : opt->usb;
    /* The library's reason quotes the port as given, in a buffer of its own: a port
     * given as a long URL (a target typed in its place) may have been cut there before
     * the password's '@', and redaction could no longer find its end. Such a reason is
     * left for the result's description; the port itself is quoted whole here. */
    bool quotable = why && why[0] && !strstr(why, "://");

    cli_text_format(out, size, "cannot open the port %s: %s", port ? port : "(none)",
                    quotable ? why : dfota_strerror(result));
}
