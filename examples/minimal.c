/* The smallest complete upgrade: dfota.h alone.
 * Usage: minimal PORT TARGET   e.g. minimal /dev/ttyUSB2 http://10.0.0.1/update.zip */
#include <stdio.h>
#include <string.h>

#include <dfota.h>

static void on_event(void *user, const struct dfota_event *ev)
{
    (void)user;
    switch (ev->type) {
    case DFOTA_EVENT_VERSION:
        printf("firmware: %s\n", ev->text);
        break;
    case DFOTA_EVENT_DOWNLOAD_END:
        printf("download finished (code %d)\n", ev->code);
        break;
    case DFOTA_EVENT_PORT_LOST:
        printf("module rebooting...\n");
        break;
    case DFOTA_EVENT_UPDATE_START:
        printf("update attempt %d\n", ev->attempt);
        break;
    case DFOTA_EVENT_PROGRESS:
        printf("updating: %d%%\n", ev->percent);
        break;
    case DFOTA_EVENT_DONE:
        printf("%s\n", ev->text);
        break;
    default:
        break;
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct dfota_config cfg;
    struct dfota *session;
    char why[128];
    int rc;

    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("usage: %s PORT TARGET\nupgrades the module on PORT from TARGET with dfota %s\n",
               argv[0], DFOTA_VERSION_STRING);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT TARGET\n", argv[0]);
        return 2;
    }
    if (dfota_check_target(argv[2], NULL, why, sizeof(why)) != DFOTA_OK) {
        fprintf(stderr, "invalid target: %s\n", why);
        return 2;
    }
    dfota_config_init(&cfg);
    cfg.port = argv[1];
    cfg.on_event = on_event;
    rc = dfota_open(&session, &cfg);
    if (rc != DFOTA_OK) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], dfota_strerror(rc));
        return 3;
    }
    rc = dfota_start(session, argv[2]);
    if (rc == DFOTA_OK)
        rc = dfota_run(session);
    if (rc != DFOTA_OK)
        fprintf(stderr, "upgrade failed: %s (module code %d): %s\n", dfota_strerror(rc),
                dfota_module_code(session), dfota_error_text(session));
    dfota_close(session);
    return rc == DFOTA_OK ? 0 : 1;
}
