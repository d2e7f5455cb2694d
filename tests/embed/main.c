/* A program that embeds dfota (add_subdirectory or FetchContent, see README.md) and
 * runs one upgrade through it: embed-upgrade PORT TARGET. Prints "result NAME CODE" and
 * exits 0 on success, 1 otherwise. */
#include <stdio.h>

#include <dfota.h>

int main(int argc, char **argv)
{
    struct dfota_config cfg;
    struct dfota *s = NULL;
    char msg[256];
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT TARGET\n", argv[0]);
        return 2;
    }
    dfota_config_init(&cfg);
    cfg.port = argv[1];
    rc = dfota_open_msg(&s, &cfg, msg, sizeof(msg));
    if (rc != DFOTA_OK) {
        printf("open: %s: %s\n", dfota_strerror(rc), msg);
        return 1;
    }
    rc = dfota_start(s, argv[2]);
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    printf("result %s %d: %s\n", dfota_strerror(rc), dfota_module_code(s), dfota_error_text(s));
    dfota_close(s);
    return rc == DFOTA_OK ? 0 : 1;
}
