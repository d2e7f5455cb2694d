/* Messages the tool builds from its command line's words. A word may be a target with its
 * password, typed where another word was expected, so every such message goes through
 * dfota_redact() before anything prints it. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void cli_text_format(char *out, size_t size, const char *fmt, ...)
{
    char raw[CLI_TEXT_MAX];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    dfota_redact(raw, out, size);
}

bool cli_text_target_refusal(const struct cli_options *opt, char *out, size_t size)
{
    char why[CLI_TEXT_MAX];

    if (opt->command != CLI_UPGRADE ||
        dfota_check_target(opt->target, opt->ufs_prefix, why, sizeof(why)) == DFOTA_OK)
        return false;
    /* The rule may quote --ufs-prefix, a word from the command line. */
    cli_text_format(out, size, "%s", why);
    return true;
}

void cli_text_open_failure(const struct cli_options *opt, int result, const char *why,
                           char *out, size_t size)
{
    const char *port = opt->port ? opt->port : opt->usb;

    cli_text_format(out, size, "cannot open the port %s: %s", port ? port : "(none)",
                    why && why[0] ? why : dfota_strerror(result));
}
