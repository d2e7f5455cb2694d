/* What the tool prints: JSON lines, a live status line on a terminal, or plain lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define BAR_WIDTH 24

enum report_mode { MODE_JSON, MODE_LIVE, MODE_PLAIN };

struct cli_report {
    struct cli_options opt;
    enum report_mode mode;
    struct timespec start;
    enum dfota_phase phase;
    int percent;           /* update (or download) progress shown on the bar, -1: none */
    uint64_t upload_bytes; /* sent so far */
    /* The rate counts from the first progress report on: the first block goes into the
     * port's buffer at once, long before the line has carried it. */
    bool upload_measuring;
    uint64_t upload_base_bytes; /* sent at the first report */
    double upload_base_at;      /* elapsed seconds at the first report */
    double upload_last_at;      /* elapsed seconds at the latest report */
    int attempt;
    bool line_drawn;
    bool stdout_lost; /* a write to stdout failed (a reader that went away) */
    char firmware_before[128];
    char firmware_after[128];
    char model[128];
};

static double report_elapsed(const struct cli_report *r)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - r->start.tv_sec) + (double)(now.tv_nsec - r->start.tv_nsec) / 1e9;
}

static void format_duration(double seconds, char *out, size_t size)
{
    long s = (long)seconds;

    if (s >= 3600)
        snprintf(out, size, "%ldh%02ldm%02lds", s / 3600, s / 60 % 60, s % 60);
    else if (s >= 60)
        snprintf(out, size, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(out, size, "%lds", s);
}

struct cli_report *cli_report_new(const struct cli_options *opt)
{
    struct cli_report *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->opt = *opt;
    if (opt->json)
        r->mode = MODE_JSON;
    else if (isatty(STDOUT_FILENO) && !opt->quiet)
        r->mode = MODE_LIVE;
    else
        r->mode = MODE_PLAIN;
    r->percent = -1;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    return r;
}

void cli_report_free(struct cli_report *r)
{
    free(r);
}

bool cli_report_is_live(const struct cli_report *r)
{
    return r->mode == MODE_LIVE;
}

/* A failed write to stdout (EPIPE after `| head`, a full disk) must not stop a session
 * that follows the module through its upgrade: say so once on stderr and carry on; the
 * result is then repeated on stderr. */
static void report_flush(struct cli_report *r)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return;
    clearerr(stdout);
    if (r->stdout_lost)
        return;
    r->stdout_lost = true;
    fprintf(stderr,
            "dfota: warning: cannot write to stdout (%s); following the module to "
            "the end, the result goes to stderr too\n",
            strerror(errno));
}

/* ---- JSON ------------------------------------------------------------------------------ */

/* Writes text as a JSON string; bytes outside printable ASCII are escaped so the line
 * stays valid JSON whatever the module printed. */
static void json_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static const char *phase_key(enum dfota_phase phase)
{
    static const char *const keys[] = {"preparing", "downloading",  "rebooting", "waiting",
                                       "updating",  "final_reboot", "done",      "uploading"};
    return keys[phase];
}

static const char *via_name(enum dfota_via via)
{
    static const char *const names[] = {"none", "ftp", "http", "https", "file"};
    return names[via];
}

static const char *check_status_name(int status)
{
    return status == DFOTA_CHECK_OK ? "ok" : status == DFOTA_CHECK_WARN ? "warn" : "fail";
}

static void json_event(struct cli_report *r, const struct dfota_event *ev)
{
    switch (ev->type) {
    case DFOTA_EVENT_VERSION:
        printf("{\"event\":\"version\",\"firmware\":");
        json_string(stdout, ev->text);
        printf(",\"stage\":\"%s\"}\n", ev->phase == DFOTA_PHASE_FINAL_REBOOT ? "after" : "before");
        break;
    case DFOTA_EVENT_MODEL:
        printf("{\"event\":\"model\",\"model\":");
        json_string(stdout, ev->text);
        printf("}\n");
        break;
    case DFOTA_EVENT_PHASE:
        printf("{\"event\":\"phase\",\"phase\":\"%s\"}\n", phase_key(ev->phase));
        break;
    case DFOTA_EVENT_DOWNLOAD_START:
        printf("{\"event\":\"download_start\",\"via\":\"%s\"}\n", via_name(ev->via));
        break;
    case DFOTA_EVENT_DOWNLOAD_PROGRESS:
        printf("{\"event\":\"download_progress\",\"percent\":%d}\n", ev->percent);
        break;
    case DFOTA_EVENT_DOWNLOAD_END:
        printf("{\"event\":\"download_end\",\"code\":%d}\n", ev->code);
        break;
    case DFOTA_EVENT_PORT_LOST:
        printf("{\"event\":\"port_lost\"}\n");
        break;
    case DFOTA_EVENT_PORT_BACK:
        printf("{\"event\":\"port_back\"}\n");
        break;
    case DFOTA_EVENT_UPDATE_START:
        printf("{\"event\":\"update_start\",\"attempt\":%d}\n", ev->attempt);
        break;
    case DFOTA_EVENT_PROGRESS:
        printf("{\"event\":\"progress\",\"percent\":%d}\n", ev->percent);
        break;
    case DFOTA_EVENT_UPDATE_END:
        printf("{\"event\":\"update_end\",\"code\":%d}\n", ev->code);
        break;
    case DFOTA_EVENT_RESTORE:
        printf("{\"event\":\"restore\",\"percent\":%d}\n", ev->percent);
        break;
    case DFOTA_EVENT_INSTALL:
        printf("{\"event\":\"install\",\"percent\":%d}\n", ev->percent);
        break;
    case DFOTA_EVENT_CHECK:
        printf("{\"event\":\"check\",\"check\":");
        json_string(stdout, ev->check);
        printf(",\"status\":\"%s\",\"detail\":", check_status_name(ev->status));
        json_string(stdout, ev->text);
        printf("}\n");
        break;
    case DFOTA_EVENT_UPLOAD_PROGRESS:
        printf("{\"event\":\"upload_progress\",\"percent\":%d,\"bytes\":%llu}\n", ev->percent,
               (unsigned long long)ev->bytes);
        break;
    case DFOTA_EVENT_UPLOAD_END:
        printf("{\"event\":\"upload_end\",\"bytes\":%llu,\"checksum\":",
               (unsigned long long)ev->bytes);
        json_string(stdout, ev->text);
        printf(",\"ok\":%s}\n", ev->ok ? "true" : "false");
        break;
    case DFOTA_EVENT_FAMILY:
        printf("{\"event\":\"family\",\"family\":");
        json_string(stdout, ev->text);
        printf("}\n");
        break;
    case DFOTA_EVENT_DONE:
        break; /* cli_report_done() writes the last line, with the exit's meaning */
    }
    report_flush(r);
}

/* ---- human output ---------------------------------------------------------------------- */

static const char *phase_words(enum dfota_phase phase)
{
    static const char *const words[] = {
        "preparing", "downloading",  "rebooting", "waiting for the module",
        "updating",  "final reboot", "done",      "uploading"};
    return words[phase];
}

static void live_clear(struct cli_report *r)
{
    if (r->mode == MODE_LIVE && r->line_drawn) {
        fputs("\r\033[K", stdout);
        report_flush(r);
        r->line_drawn = false;
    }
}

/* The live line's parts, the least useful dropped first where the terminal is narrow. */
struct live_layout {
    bool left;   /* the upload's time to go */
    bool rate;   /* the upload's speed */
    int bar;     /* the bar's width, 0: none */
    bool padded; /* the phase's words in a column of their own */
    bool elapsed;
};

/* The upload's speed and the time it still needs: as of the latest report (between
 * reports the bytes stand still while the clock runs). */
static size_t upload_rate(const struct cli_report *r, const struct live_layout *l, char *out,
                          size_t size)
{
    double took = r->upload_last_at - r->upload_base_at;
    double rate = took > 0 ? (double)(r->upload_bytes - r->upload_base_bytes) / took : 0;
    double rest;
    char left[32];
    int n;

    if (!l->rate || r->phase != DFOTA_PHASE_UPLOADING || !r->upload_measuring || rate <= 0 ||
        r->percent <= 0)
        return 0;
    rest = (double)r->upload_bytes * (100 - r->percent) / r->percent;
    format_duration(rest / rate, left, sizeof(left));
    n = l->left ? snprintf(out, size, "  %.1f KB/s  %s left", rate / 1000.0, left)
                : snprintf(out, size, "  %.1f KB/s", rate / 1000.0);
    return n > 0 ? (size_t)n : 0;
}

/* The live line in this layout; returns its length. */
static size_t live_compose(const struct cli_report *r, const struct live_layout *l, char *out,
                           size_t size)
{
    char bar[BAR_WIDTH + 4] = "", elapsed[32] = ""; /* "[" the bar "] " */
    size_t n;

    if (l->elapsed)
        format_duration(report_elapsed(r), elapsed, sizeof(elapsed));
    if (r->percent >= 0 && l->bar > 0) {
        int filled = r->percent * l->bar / 100;
        bar[0] = '[';
        memset(bar + 1, '#', (size_t)filled);
        memset(bar + 1 + filled, '.', (size_t)(l->bar - filled));
        snprintf(bar + 1 + l->bar, 3, "] ");
    }
    if (r->percent >= 0)
        n = (size_t)snprintf(out, size, "%-*s %s%3d%%%s%s", l->padded ? 22 : 0,
                             phase_words(r->phase), bar, r->percent, l->elapsed ? "  " : "",
                             elapsed);
    else
        n = (size_t)snprintf(out, size, "%-*s %s", l->padded ? 22 : 0, phase_words(r->phase),
                             elapsed);
    if (n < size)
        n += upload_rate(r, l, out + n, size - n);
    return n < size ? n : size - 1;
}

/* The terminal's width: a line as long as it would wrap, and each redraw would leave a
 * line behind. Asked at every redraw, so a resize (SIGWINCH) counts at the next. */
static size_t live_width(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        return ws.ws_col - 1u;
    return 79;
}

/* The most that fits: the time to go goes first, then the speed, the bar narrows to 10,
 * the phase's column closes, then the bar and the elapsed time go; what still does not
 * fit is cut. */
static void live_fit(const struct cli_report *r, char *out, size_t size)
{
    struct live_layout l = {true, true, BAR_WIDTH, true, true};
    size_t width = live_width();

    while (live_compose(r, &l, out, size) > width) {
        if (l.left)
            l.left = false;
        else if (l.rate)
            l.rate = false;
        else if (l.bar > 10)
            l.bar -= 2;
        else if (l.padded)
            l.padded = false;
        else if (l.bar > 0)
            l.bar = 0;
        else if (l.elapsed)
            l.elapsed = false;
        else
            break;
    }
    if (strlen(out) > width)
        out[width] = '\0';
}

void cli_report_tick(struct cli_report *r)
{
    char line[256];

    if (r->mode != MODE_LIVE || r->phase == DFOTA_PHASE_DONE)
        return;
    live_fit(r, line, sizeof(line));
    fputs("\r\033[K", stdout);
    fputs(line, stdout);
    report_flush(r);
    r->line_drawn = true;
}

static void plain_event(struct cli_report *r, const struct dfota_event *ev)
{
    bool answer = r->opt.command == CLI_INFO &&
                  (ev->type == DFOTA_EVENT_VERSION || ev->type == DFOTA_EVENT_MODEL ||
                   ev->type == DFOTA_EVENT_FAMILY);

    if (r->opt.quiet && !answer) /* info's answer is its purpose, quiet or not */
        return;
    switch (ev->type) {
    case DFOTA_EVENT_VERSION:
        printf("firmware: %s\n", ev->text);
        break;
    case DFOTA_EVENT_MODEL:
        printf("model: %s\n", ev->text);
        break;
    case DFOTA_EVENT_FAMILY:
        printf("family: %s\n", ev->text);
        break;
    case DFOTA_EVENT_UPLOAD_END:
        printf("upload ended: %llu bytes, checksum %s, %s\n", (unsigned long long)ev->bytes,
               ev->text, ev->ok ? "verified" : "NOT verified");
        break;
    case DFOTA_EVENT_CHECK:
        printf("check %s: %s: %s\n", ev->check, check_status_name(ev->status), ev->text);
        break;
    case DFOTA_EVENT_PHASE:
        if (ev->phase != DFOTA_PHASE_DONE)
            printf("%s\n", phase_words(ev->phase));
        break;
    case DFOTA_EVENT_DOWNLOAD_END:
        printf("download ended: %d\n", ev->code);
        break;
    case DFOTA_EVENT_UPDATE_START:
        if (ev->attempt > 1)
            printf("update attempt %d\n", ev->attempt);
        break;
    case DFOTA_EVENT_UPDATE_END:
        if (ev->code != 0)
            printf("update attempt %d ended: %d\n", ev->attempt, ev->code);
        break;
    default:
        return;
    }
    report_flush(r);
}

static void remember(struct cli_report *r, const struct dfota_event *ev)
{
    if (ev->type == DFOTA_EVENT_PHASE) {
        r->phase = ev->phase;
        r->percent = -1;
        if (ev->phase == DFOTA_PHASE_UPLOADING)
            r->upload_measuring = false;
    } else if (ev->type == DFOTA_EVENT_UPLOAD_PROGRESS) {
        r->percent = ev->percent;
        r->upload_bytes = ev->bytes;
        r->upload_last_at = report_elapsed(r);
        if (!r->upload_measuring) {
            r->upload_measuring = true;
            r->upload_base_bytes = ev->bytes;
            r->upload_base_at = r->upload_last_at;
        }
    } else if (ev->type == DFOTA_EVENT_PROGRESS || ev->type == DFOTA_EVENT_DOWNLOAD_PROGRESS ||
               ev->type == DFOTA_EVENT_INSTALL) {
        r->percent = ev->percent;
    } else if (ev->type == DFOTA_EVENT_UPDATE_START) {
        r->attempt = ev->attempt;
        r->percent = 0;
    } else if (ev->type == DFOTA_EVENT_MODEL) {
        snprintf(r->model, sizeof(r->model), "%s", ev->text);
    } else if (ev->type == DFOTA_EVENT_VERSION && ev->phase == DFOTA_PHASE_FINAL_REBOOT) {
        snprintf(r->firmware_after, sizeof(r->firmware_after), "%s", ev->text);
    } else if (ev->type == DFOTA_EVENT_VERSION) {
        snprintf(r->firmware_before, sizeof(r->firmware_before), "%s", ev->text);
    }
}

void cli_report_event(void *user, const struct dfota_event *ev)
{
    struct cli_report *r = user;

    remember(r, ev);
    if (r->mode == MODE_JSON)
        json_event(r, ev);
    else if (r->mode == MODE_PLAIN)
        plain_event(r, ev);
    else if (ev->type == DFOTA_EVENT_CHECK && ev->status != DFOTA_CHECK_OK) {
        live_clear(r);
        printf("check %s: %s: %s\n", ev->check, check_status_name(ev->status), ev->text);
        cli_report_tick(r);
    } else if (ev->type == DFOTA_EVENT_VERSION || ev->type == DFOTA_EVENT_MODEL ||
               ev->type == DFOTA_EVENT_FAMILY) {
        live_clear(r);
        printf("%s: %s\n",
               ev->type == DFOTA_EVENT_MODEL    ? "model"
               : ev->type == DFOTA_EVENT_FAMILY ? "family"
                                                : "firmware",
               ev->text);
        cli_report_tick(r);
    } else {
        cli_report_tick(r);
    }
}

void cli_report_log(void *user, enum dfota_log_level level, const char *text)
{
    struct cli_report *r = user;
    static const char *const names[] = {"error", "warning", "info", "debug"};

    live_clear(r);
    fprintf(stderr, "dfota: %s: %s\n", names[level], text);
    cli_report_tick(r);
}

/* ---- the end ---------------------------------------------------------------------------- */

struct outcome {
    const char *name;
    int exit_status;
};

static struct outcome outcome_of(int result)
{
    switch (result) {
    case DFOTA_OK:
        return (struct outcome){"success", CLI_EXIT_OK};
    case DFOTA_ERR_REJECTED:
        return (struct outcome){"rejected", CLI_EXIT_FAILED};
    case DFOTA_ERR_DOWNLOAD:
        return (struct outcome){"download_failed", CLI_EXIT_FAILED};
    case DFOTA_ERR_UPDATE:
        return (struct outcome){"update_failed", CLI_EXIT_FAILED};
    case DFOTA_ERR_TIMEOUT:
        return (struct outcome){"timeout", CLI_EXIT_TIMEOUT};
    case DFOTA_ERR_INVALID:
        return (struct outcome){"invalid_target", CLI_EXIT_USAGE};
    case DFOTA_ERR_CANCELLED:
        return (struct outcome){"interrupted", CLI_EXIT_INTERRUPTED};
    case DFOTA_ERR_NOT_READY:
        return (struct outcome){"not_ready", CLI_EXIT_FAILED};
    case DFOTA_ERR_UPLOAD:
        return (struct outcome){"upload_failed", CLI_EXIT_FAILED};
    case CLI_RESULT_USAGE: /* a bad command line: refused before anything was sent */
        return (struct outcome){"invalid_target", CLI_EXIT_USAGE};
    default:
        return (struct outcome){"port_error", CLI_EXIT_PORT};
    }
}

static void json_nullable(const char *key, const char *value)
{
    printf(",\"%s\":", key);
    if (value[0])
        json_string(stdout, value);
    else
        printf("null");
}

/* The module's path of an uploaded package: dfota_upload()'s result is documented as
 * "uploaded to <path>"; NULL for any other command or result. */
static const char *uploaded_path(const struct cli_report *r, struct outcome o, const char *message)
{
    static const char said[] = "uploaded to ";

    if (r->opt.command != CLI_UPLOAD || o.exit_status != 0 ||
        strncmp(message, said, sizeof(said) - 1) != 0)
        return NULL;
    return message + sizeof(said) - 1;
}

static void json_done(const struct cli_report *r, struct outcome o, int code, const char *message)
{
    const char *path = uploaded_path(r, o, message);

    printf("{\"event\":\"done\",\"ok\":%s,\"result\":\"%s\",\"code\":",
           o.exit_status == 0 ? "true" : "false", o.name);
    if (code >= 0)
        printf("%d", code);
    else
        printf("null");
    printf(",\"message\":");
    json_string(stdout, message);
    json_nullable("firmware_before", r->firmware_before);
    json_nullable("firmware_after", r->firmware_after);
    if (path) {
        printf(",\"path\":");
        json_string(stdout, path);
    }
    printf(",\"elapsed_s\":%.1f}\n", report_elapsed(r));
}

static void human_done(struct cli_report *r, int result, struct outcome o, const char *message)
{
    static const char *const verbs[] = {"upgrade", "watch", "info", "families", "upload"};
    /* The module's own failures say so themselves ("update failed: module code 505 ..."). */
    bool module =
        result == DFOTA_ERR_DOWNLOAD || result == DFOTA_ERR_UPDATE || result == DFOTA_ERR_UPLOAD;
    FILE *out = r->opt.quiet ? stderr : stdout;
    char elapsed[32];

    live_clear(r);
    format_duration(report_elapsed(r), elapsed, sizeof(elapsed));
    if (o.exit_status == 0) {
        if (r->opt.quiet && uploaded_path(r, o, message)) /* the answer, quiet or not */
            printf("%s\n", uploaded_path(r, o, message));
        else if (!r->opt.quiet && r->opt.command != CLI_INFO)
            printf("%s in %s\n", message, elapsed);
        return;
    }
    if (module)
        fprintf(out, "%s\n", message);
    else
        fprintf(out, "%s failed: %s\n", verbs[r->opt.command], message);
}

int cli_report_done(struct cli_report *r, int result, int code, const char *message)
{
    struct outcome o = outcome_of(result);
    char clean[CLI_TEXT_MAX];

    dfota_redact(message, clean, sizeof(clean)); /* it may quote the command line's words */
    r->phase = DFOTA_PHASE_DONE;
    if (r->mode == MODE_JSON)
        json_done(r, o, code, clean);
    else
        human_done(r, result, o, clean);
    report_flush(r);
    if (r->stdout_lost)
        fprintf(stderr, "dfota: %s: %s\n", o.name, clean);
    return o.exit_status;
}
