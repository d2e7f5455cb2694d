/* Drives one upgrade through the library alone (dfota.h), for the end-to-end tests:
 * prints each event and, last, "done <result> <code>".
 * Usage: e2e-lib-runner PORT TARGET [FIRST_URC_MS [PORT_TIMEOUT_MS [no-preflight|set-urcport]]]
 * (0 for a timeout: the family's own) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dfota.h>

static const char *result_name(int rc)
{
    switch (rc) {
    case DFOTA_OK:
        return "success";
    case DFOTA_ERR_REJECTED:
        return "rejected";
    case DFOTA_ERR_DOWNLOAD:
        return "download_failed";
    case DFOTA_ERR_UPDATE:
        return "update_failed";
    case DFOTA_ERR_TIMEOUT:
        return "timeout";
    case DFOTA_ERR_INVALID:
        return "invalid_target";
    case DFOTA_ERR_CANCELLED:
        return "interrupted";
    case DFOTA_ERR_NOT_READY:
        return "not_ready";
    default:
        return "port_error";
    }
}

static void on_event(void *user, const struct dfota_event *ev)
{
    static const char *const names[] = {
        "version",      "model",      "download_start", "download_progress",
        "download_end", "port_lost",  "port_back",      "update_start",
        "progress",     "update_end", "restore",        "phase",
        "done",         "family",     "install",        "check",
        "upload_progress", "upload_end"};
    (void)user;
    printf("event %s percent=%d code=%d attempt=%d text=%s\n", names[ev->type], ev->percent,
           ev->code, ev->attempt, ev->text);
    fflush(stdout);
}

static void on_log(void *user, enum dfota_log_level level, const char *text)
{
    (void)user;
    fprintf(stderr, "log %d %s\n", (int)level, text);
}

int main(int argc, char **argv)
{
    struct dfota_config cfg;
    struct dfota *s;
    int rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT TARGET [FIRST_URC_MS [PORT_TIMEOUT_MS]]\n", argv[0]);
        return 2;
    }
    dfota_config_init(&cfg);
    cfg.port = argv[1];
    cfg.on_event = on_event;
    cfg.on_log = on_log;
    cfg.log_level = DFOTA_LOG_DEBUG;
    if (argc > 3)
        cfg.first_urc_timeout_ms = (uint32_t)strtoul(argv[3], NULL, 10);
    if (argc > 4)
        cfg.port_timeout_ms = (uint32_t)strtoul(argv[4], NULL, 10);
    cfg.no_preflight = argc > 5 && strcmp(argv[5], "no-preflight") == 0;
    cfg.set_urcport = argc > 5 && strcmp(argv[5], "set-urcport") == 0;
    rc = dfota_open(&s, &cfg);
    if (rc != DFOTA_OK) {
        printf("done %s -1\n", result_name(rc));
        return 3;
    }
    rc = dfota_start(s, argv[2]);
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    printf("done %s %d\n", result_name(rc), dfota_module_code(s));
    dfota_close(s);
    return rc == DFOTA_OK ? 0 : 1;
}
