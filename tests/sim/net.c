/* What the module tells of its SIM, its network and where its URCs go: the queries dfota
 * asks before an upgrade (AT+CPIN?, AT+CEREG?, AT+CGREG?, AT+CSQ, AT+QURCCFG). */
#include "sim.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void net_answer(struct sim *s, const char *line)
{
    char buf[SIM_LINE_MAX + 32];
    int n = snprintf(buf, sizeof buf, "\r\n%s\r\n\r\nOK\r\n", line);

    sim_log(s, "tx %s", line);
    sim_log(s, "tx OK");
    sim_write(s, buf, (size_t)n);
}

static void net_final(struct sim *s, const char *final)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "\r\n%s\r\n", final);

    sim_log(s, "tx %s", final);
    sim_write(s, buf, (size_t)n);
}

/* 1 registered (home), 2 searching until --register-after-ms, 0 with --not-registered. */
static int net_registration(const struct sim *s)
{
    if (s->o.not_registered)
        return 0;
    if (sim_now_ms() - s->t0_ms < s->o.register_after_ms)
        return 2;
    return 1;
}

static void net_urcport(struct sim *s, const char *arg)
{
    char port[16], line[96];

    if (strcmp(arg, "\"urcport\"") == 0) {
        snprintf(line, sizeof line, "+QURCCFG: \"urcport\",\"%s\"", s->urcport);
        net_answer(s, line);
    } else if (sscanf(arg, "\"urcport\",\"%15[^\"]\"", port) == 1 &&
               (strcmp(port, "usbat") == 0 || strcmp(port, "usbmodem") == 0 ||
                strcmp(port, "uart1") == 0)) {
        snprintf(s->urcport, sizeof s->urcport, "%s", port);
        sim_log(s, "URCs now go to %s", port);
        net_final(s, "OK");
    } else {
        net_final(s, "ERROR");
    }
}

bool sim_net_command(struct sim *s, const char *cmd)
{
    char line[64];

    if (strcasecmp(cmd, "+CPIN?") == 0) {
        if (s->o.no_sim)
            net_final(s, "+CME ERROR: 10");
        else
            net_answer(s, "+CPIN: READY");
    } else if (strcasecmp(cmd, "+CEREG?") == 0 || strcasecmp(cmd, "+CGREG?") == 0) {
        snprintf(line, sizeof line, "%.6s: 0,%d", cmd, net_registration(s));
        net_answer(s, line);
    } else if (strcasecmp(cmd, "+CSQ") == 0) {
        net_answer(s, "+CSQ: 24,99");
    } else if (strncasecmp(cmd, "+QURCCFG=", 9) == 0) {
        net_urcport(s, cmd + 9);
    } else {
        return false;
    }
    return true;
}

bool sim_urcs_here(const struct sim *s)
{
    return strcmp(s->urcport, "usbat") == 0;
}
