/* `dfota families`: the module families the library knows, from dfota_family_get(). */
#include <stdio.h>

#include "cli.h"

static void families_json_string(const char *key, const char *value, bool last)
{
    printf("\"%s\":\"", key);
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        putchar(*p);
    }
    printf("\"%s", last ? "" : ",");
}

static void families_json(const struct dfota_family_info *f)
{
    putchar('{');
    families_json_string("family", f->name, false);
    families_json_string("models", f->models, false);
    families_json_string("usb", f->usb_ids, false);
    printf("\"url_max\":%zu,\"ftp_part_max\":%zu,", f->url_max, f->ftp_part_max);
    families_json_string("local", f->local, false);
    families_json_string("command", f->command, false);
    families_json_string("restore", f->restore, false);
    families_json_string("source", f->source, true);
    printf("}\n");
}

int cli_print_families(bool json)
{
    struct dfota_family_info f;

    if (!json)
        printf("%-8s %-24s %4s %4s  %-48s %s\n", "FAMILY", "MODELS", "URL", "FTP", "LOCAL PACKAGE",
               "RESTORE");
    for (size_t i = 0; dfota_family_get(i, &f) == DFOTA_OK; i++) {
        if (json) {
            families_json(&f);
            continue;
        }
        printf("%-8s %-24s %4zu ", f.name, f.models, f.url_max);
        if (f.ftp_part_max)
            printf("%4zu", f.ftp_part_max);
        else
            printf("%4s", "-");
        printf("  %-48s %s\n", f.local, f.restore);
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
