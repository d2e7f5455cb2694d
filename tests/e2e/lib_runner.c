/* Drives one upgrade through the library alone (dfota.h), for the end-to-end tests:
 * prints each event and, last, "done <result> <code>".
 * Usage: e2e-lib-runner PORT TARGET [FIRST_URC_MS [PORT_TIMEOUT_MS [OPTION...]]]
 * (0 for a timeout: the family's own). OPTIONs:
 *   no-preflight, set-urcport     the config's flags of those names
 *   upload                        TARGET is a file on the host: dfota_start_upload()
 *   upload-only                   TARGET is a file on the host: dfota_upload()
 *   as=NAME                       the uploaded file's name on the module
 *   upload-timeout=S              cfg.upload_timeout_s
 *   upload-no-ack                 cfg.upload_no_ack
 *   command-timeout=MS            cfg.command_timeout_ms */
#include <stdbool.h>
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
    case DFOTA_ERR_UPLOAD:
        return "upload_failed";
    default:
        return "port_error";
    }
}

static void on_event(void *user, const struct dfota_event *ev)
{
    static const char *const names[] = {"version",
                                        "model",
                                        "download_start",
                                        "download_progress",
                                        "download_end",
                                        "port_lost",
                                        "port_back",
                                        "update_start",
                                        "progress",
                                        "update_end",
                                        "restore",
                                        "phase",
                                        "done",
                                        "family",
                                        "install",
                                        "check",
                                        "upload_progress",
                                        "upload_end"};
    (void)user;
    printf("event %s percent=%d code=%d attempt=%d bytes=%llu ok=%d text=%s\n", names[ev->type],
           ev->percent, ev->code, ev->attempt, (unsigned long long)ev->bytes, ev->ok, ev->text);
    fflush(stdout);
}

static void on_log(void *user, enum dfota_log_level level, const char *text)
{
    (void)user;
    fprintf(stderr, "log %d %s\n", (int)level, text);
}

/* What the runner does with TARGET. */
enum runner_mode { RUNNER_UPGRADE, RUNNER_UPLOAD_UPGRADE, RUNNER_UPLOAD_ONLY };

/* The OPTIONs after PORT_TIMEOUT_MS; false for one it does not know. */
static bool runner_options(int argc, char **argv, struct dfota_config *cfg,
                           struct dfota_package *pkg, enum runner_mode *mode)
{
    for (int i = 5; i < argc; i++) {
        const char *o = argv[i];

        if (strcmp(o, "no-preflight") == 0)
            cfg->no_preflight = true;
        else if (strcmp(o, "set-urcport") == 0)
            cfg->set_urcport = true;
        else if (strcmp(o, "upload") == 0)
            *mode = RUNNER_UPLOAD_UPGRADE;
        else if (strcmp(o, "upload-only") == 0)
            *mode = RUNNER_UPLOAD_ONLY;
        else if (strncmp(o, "as=", 3) == 0)
            pkg->name = o + 3;
        else if (strncmp(o, "command-timeout=", 16) == 0)
            cfg->command_timeout_ms = (uint32_t)strtoul(o + 16, NULL, 10);
        else if (strcmp(o, "upload-no-ack") == 0)
            cfg->upload_no_ack = true;
        else if (strncmp(o, "upload-timeout=", 15) == 0)
            cfg->upload_timeout_s = (uint32_t)strtoul(o + 15, NULL, 10);
        else
            return false;
    }
    return true;
}

static int runner_start(struct dfota *s, enum runner_mode mode, const char *target,
                        const struct dfota_package *pkg)
{
    switch (mode) {
    case RUNNER_UPLOAD_UPGRADE:
        return dfota_start_upload(s, pkg);
    case RUNNER_UPLOAD_ONLY:
        return dfota_upload(s, pkg);
    default:
        return dfota_start(s, target);
    }
}

int main(int argc, char **argv)
{
    struct dfota_config cfg;
    struct dfota_package pkg = {0};
    enum runner_mode mode = RUNNER_UPGRADE;
    struct dfota *s;
    int rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT TARGET [FIRST_URC_MS [PORT_TIMEOUT_MS [OPTION...]]]\n",
                argv[0]);
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
    pkg.path = argv[2];
    if (!runner_options(argc, argv, &cfg, &pkg, &mode)) {
        fprintf(stderr, "%s: unknown option\n", argv[0]);
        return 2;
    }
    rc = dfota_open(&s, &cfg);
    if (rc != DFOTA_OK) {
        printf("done %s -1\n", result_name(rc));
        return 3;
    }
    rc = runner_start(s, mode, argv[2], &pkg);
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    printf("done %s %d\n", result_name(rc), dfota_module_code(s));
    dfota_close(s);
    return rc == DFOTA_OK ? 0 : 1;
}
