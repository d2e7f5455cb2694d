/* --target-file: the target read from a file or standard input instead of the command
 * line, where every local user sees it in the process list for the whole upgrade (argv
 * is world-readable in /proc; a file of mode 0600 or a pipe is not). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Reads up to size - 1 bytes and says whether more were there. */
static size_t cli_target_slurp(FILE *f, char *buf, size_t size, bool *more)
{
    size_t n = fread(buf, 1, size - 1, f);
    int extra = fgetc(f);

    *more = extra != EOF;
    buf[n] = '\0';
    return n;
}

static bool cli_target_refuse(char *err, size_t err_size, const char *path, const char *why)
{
    cli_text_format(err, err_size, "--target-file %s: %s", path, why);
    return false;
}

bool cli_target_read(const char *path, char *buf, size_t size, char *err, size_t err_size)
{
    bool from_stdin = strcmp(path, "-") == 0, more;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    size_t n;

    if (!f) {
        cli_text_format(err, err_size, "--target-file %s: cannot read it: %s", path,
                        strerror(errno));
        return false;
    }
    n = cli_target_slurp(f, buf, size, &more);
    if (!from_stdin)
        fclose(f);
    if (more)
        return cli_target_refuse(err, err_size, path, "more than a target's worth of bytes");
    if (strlen(buf) != n)
        return cli_target_refuse(err, err_size, path, "holds a NUL byte");
    if (n > 0 && buf[n - 1] == '\n') /* one line, its end as any editor or echo writes it */
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    if (n == 0)
        return cli_target_refuse(err, err_size, path, "is empty: write the target on one line");
    if (strchr(buf, '\n') || strchr(buf, '\r'))
        return cli_target_refuse(err, err_size, path, "holds more than one line: one target only");
    return true;
}
