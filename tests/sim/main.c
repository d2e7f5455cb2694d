/* dfota-sim: options, signals, the log and the main loop. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static sigset_t run_mask; /* the mask ppoll() opens while waiting: signals get through */

static void on_signal(int sig)
{
    got_signal = sig;
}

uint64_t sim_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sim_log(struct sim *s, const char *fmt, ...)
{
    uint64_t t = sim_now_ms() - s->t0_ms;
    va_list ap;
    fprintf(s->log, "[dfota-sim %5llu.%03llu] ", (unsigned long long)(t / 1000),
            (unsigned long long)(t % 1000));
    va_start(ap, fmt);
    vfprintf(s->log, fmt, ap);
    va_end(ap);
    fputc('\n', s->log);
    fflush(s->log);
}

uint32_t sim_random(struct sim *s, uint32_t bound)
{
    /* xorshift32: reproducible with --seed, no global state. */
    uint32_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->rng = x;
    return bound ? x % bound : 0;
}

bool sim_should_stop(struct sim *s)
{
    if (got_signal && !s->stop) {
        sim_log(s, "signal %d: stopping", (int)got_signal);
        s->stop = true;
    }
    if (!s->stop && sim_now_ms() >= s->exit_at_ms) {
        sim_log(s, "--exit-after %u s reached: stopping", s->o.exit_after_s);
        s->stop = true;
        s->timed_out = true;
    }
    return s->stop;
}

int sim_poll(struct sim *s, struct pollfd *fds, nfds_t n, uint32_t ms)
{
    if (sim_should_stop(s))
        return 0;
    uint64_t left = s->exit_at_ms - sim_now_ms();
    if (ms > left)
        ms = (uint32_t)left;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    int rc = ppoll(fds, n, &ts, &run_mask);
    if (rc < 0 && errno == EINTR) {
        (void)sim_should_stop(s);
        return 0;
    }
    return rc;
}

static void setup_signals(void)
{
    sigset_t block;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* Signals stay blocked except inside ppoll(), so none slips between check and wait. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &run_mask);
    sigdelset(&run_mask, SIGTERM);
    sigdelset(&run_mask, SIGINT);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *out)
{
    fputs("usage: dfota-sim --link PATH [options]\n"
          "  --reboot-ms N            port away for N ms at each reboot (2000)\n"
          "  --first-urc-delay-ms N   first URC N ms after the port is back (500)\n"
          "  --progress-step N        percent per UPDATING URC (10)\n"
          "  --progress-ms N          ms between progress URCs (100)\n"
          "  --ends LIST              END code of each attempt, e.g. 502,502,0 (0)\n"
          "  --restore                RESTORE 1..100 after the last failed attempt\n"
          "  --spelling S             note | compact | lower | https (compact)\n"
          "  --percent-sign           \"UPDATING\",37%\n"
          "  --uart                   no port loss at reboots; RDY instead\n"
          "  --silent-after-reboot    no URC after the first reboot\n"
          "  --never-back             the port never returns after the first reboot\n"
          "  --noise                  garbage and unrelated URCs mixed in\n"
          "  --fragment               output in small random pieces\n"
          "  --early-first-urc        START the instant the new port appears\n"
          "  --family NAME            the family's dialect: em060k ep06 ec2x eg18 rm500q bg96\n"
          "                           ec200u eg915u ec800k generic (em060k)\n"
          "  --version-before V       (the family's, EM060KGLAAR01A07M4G)\n"
          "  --version-after V        (the family's, EM060KGLAAR01A09M4G)\n"
          "  --model M                (the family's, EM060K-GL)\n"
          "  --dl-error               ERROR to AT+QFOTADL=\"...\"\n"
          "  --no-sim                 AT+CPIN? answers +CME ERROR: 10\n"
          "  --not-registered         +CEREG: 0,0\n"
          "  --register-after-ms N    searching (+CEREG: 0,2) for N ms after start\n"
          "  --urcport NAME           where URCs go at start: usbat (this port), usbmodem,\n"
          "                           uart1 (elsewhere: FOTA URCs never reach this port)\n"
          "  --log FILE               the dialogue log (stderr)\n"
          "  --exit-after N           exit after N seconds whatever happens (600)\n"
          "  --seed N                 random seed for --noise and --fragment\n",
          out);
    sim_ufs_usage(out);
}

static bool parse_u32(const char *text, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v > UINT32_MAX || text[0] == '-')
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_ends(const char *text, struct sim_opts *o)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    o->n_ends = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        uint32_t v;
        if (o->n_ends == SIM_MAX_ENDS || !parse_u32(tok, &v) || v > 9999)
            return false;
        o->ends[o->n_ends++] = (int)v;
    }
    return o->n_ends > 0;
}

static bool parse_spelling(const char *text, enum sim_spelling *out)
{
    static const char *const names[] = {"compact", "note", "lower", "https"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (enum sim_spelling)i;
            return true;
        }
    }
    return false;
}

enum { OPT_FLAG = 1000, OPT_UFS = 2000 };

static const struct option long_opts[] = {
    {"link", required_argument, NULL, 'l'},
    {"reboot-ms", required_argument, NULL, 'r'},
    {"first-urc-delay-ms", required_argument, NULL, 'f'},
    {"progress-step", required_argument, NULL, 's'},
    {"progress-ms", required_argument, NULL, 'p'},
    {"ends", required_argument, NULL, 'e'},
    {"spelling", required_argument, NULL, 'S'},
    {"version-before", required_argument, NULL, 'b'},
    {"version-after", required_argument, NULL, 'a'},
    {"model", required_argument, NULL, 'm'},
    {"family", required_argument, NULL, 'F'},
    {"log", required_argument, NULL, 'L'},
    {"exit-after", required_argument, NULL, 'x'},
    {"seed", required_argument, NULL, 'R'},
    {"help", no_argument, NULL, 'h'},
    {"restore", no_argument, NULL, OPT_FLAG + 0},
    {"percent-sign", no_argument, NULL, OPT_FLAG + 1},
    {"uart", no_argument, NULL, OPT_FLAG + 2},
    {"silent-after-reboot", no_argument, NULL, OPT_FLAG + 3},
    {"never-back", no_argument, NULL, OPT_FLAG + 4},
    {"noise", no_argument, NULL, OPT_FLAG + 5},
    {"fragment", no_argument, NULL, OPT_FLAG + 6},
    {"early-first-urc", no_argument, NULL, OPT_FLAG + 7},
    {"dl-error", no_argument, NULL, OPT_FLAG + 8},
    {"no-sim", no_argument, NULL, OPT_FLAG + 9},
    {"not-registered", no_argument, NULL, OPT_FLAG + 10},
    {"register-after-ms", required_argument, NULL, 'G'},
    {"urcport", required_argument, NULL, 'U'},
    {NULL, 0, NULL, 0},
};

static bool *flag_slot(struct sim_opts *o, int index)
{
    bool *const slots[] = {
        &o->restore,    &o->percent_sign, &o->uart,          &o->silent_after_reboot,
        &o->never_back, &o->noise,        &o->fragment,      &o->early_first_urc,
        &o->dl_error,   &o->no_sim,       &o->not_registered};
    return slots[index];
}

static void opts_defaults(struct sim_opts *o)
{
    memset(o, 0, sizeof *o);
    sim_ufs_defaults(&o->ufs);
    o->reboot_ms = 2000;
    o->first_urc_delay_ms = 500;
    o->progress_step = 10;
    o->progress_ms = 100;
    o->n_ends = 1;
    o->spelling = SIM_SPELL_COMPACT;
    o->family = "em060k";
    o->urcport = "usbat";
    o->exit_after_s = 600;
    o->seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
}

static bool parse_number_opt(int c, const char *arg, struct sim_opts *o)
{
    switch (c) {
    case 'r':
        return parse_u32(arg, &o->reboot_ms);
    case 'f':
        return parse_u32(arg, &o->first_urc_delay_ms);
    case 's':
        return parse_u32(arg, &o->progress_step) && o->progress_step >= 1 &&
               o->progress_step <= 100;
    case 'p':
        return parse_u32(arg, &o->progress_ms);
    case 'x':
        return parse_u32(arg, &o->exit_after_s) && o->exit_after_s > 0;
    case 'R':
        return parse_u32(arg, &o->seed);
    case 'G':
        return parse_u32(arg, &o->register_after_ms);
    default:
        return false;
    }
}

/* Returns 0 to run, else the exit status (0 after --help). */
static int parse_opts(int argc, char **argv, struct sim_opts *o)
{
    int c;
    const size_t n_main = sizeof long_opts / sizeof long_opts[0] - 1;
    struct option all[sizeof long_opts / sizeof long_opts[0] + 16];
    /* The table is this file's options, then ufs.c's with values from OPT_UFS. */
    memcpy(all, long_opts, n_main * sizeof all[0]);
    for (size_t i = 0; i < sim_ufs_long_opt_count; i++) {
        all[n_main + i] = sim_ufs_long_opts[i];
        all[n_main + i].val = OPT_UFS + (int)i;
    }
    memset(&all[n_main + sim_ufs_long_opt_count], 0, sizeof all[0]);
    opts_defaults(o);
    while ((c = getopt_long(argc, argv, "", all, NULL)) != -1) {
        bool ok = true;
        if (c >= OPT_UFS)
            ok = sim_ufs_parse_opt(&o->ufs, (size_t)(c - OPT_UFS), optarg);
        else if (c >= OPT_FLAG && c < OPT_FLAG + 11)
            *flag_slot(o, c - OPT_FLAG) = true;
        else if (c == 'l')
            o->link = optarg;
        else if (c == 'e')
            ok = parse_ends(optarg, o);
        else if (c == 'S')
            ok = parse_spelling(optarg, &o->spelling);
        else if (c == 'b')
            o->version_before = optarg;
        else if (c == 'a')
            o->version_after = optarg;
        else if (c == 'm')
            o->model = optarg;
        else if (c == 'U')
            o->urcport = optarg;
        else if (c == 'F')
            ok = sim_family_by_name(o->family = optarg) != NULL;
        else if (c == 'L')
            o->log_path = optarg;
        else if (c == 'h') {
            usage(stdout);
            return -1;
        } else if (c == '?')
            ok = false;
        else
            ok = parse_number_opt(c, optarg, o);
        if (!ok) {
            if (c != '?')
                fprintf(stderr, "dfota-sim: bad value for an option: %s\n", optarg);
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc || !o->link || strlen(o->link) >= SIM_PATH_MAX - 32) {
        fprintf(stderr, "dfota-sim: --link PATH is required (and no other arguments)\n");
        usage(stderr);
        return 2;
    }
    if (o->seed == 0)
        o->seed = 1;
    return 0;
}

static void main_loop(struct sim *s)
{
    while (sim_idle(s, 1000)) {
        if (s->have_pending) {
            char target[SIM_LINE_MAX];
            memcpy(target, s->pending_target, sizeof target);
            s->have_pending = false;
            s->in_fota = true;
            sim_fota_run(s, target);
            s->in_fota = false;
        }
    }
}

int main(int argc, char **argv)
{
    struct sim s;
    memset(&s, 0, sizeof s);
    int rc = parse_opts(argc, argv, &s.o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    s.log = stderr;
    if (s.o.log_path && !(s.log = fopen(s.o.log_path, "a"))) {
        fprintf(stderr, "dfota-sim: cannot open log %s\n", s.o.log_path);
        return 1;
    }
    s.t0_ms = sim_now_ms();
    s.exit_at_ms = s.t0_ms + (uint64_t)s.o.exit_after_s * 1000u;
    s.master = s.slave = -1;
    s.rng = s.o.seed;
    s.fam = sim_family_by_name(s.o.family);
    if (!s.o.version_before)
        s.o.version_before = s.fam->version_before;
    if (!s.o.version_after)
        s.o.version_after = s.fam->version_after;
    if (!s.o.model)
        s.o.model = s.fam->model;
    s.version = s.o.version_before;
    snprintf(s.urcport, sizeof s.urcport, "%s", s.o.urcport);
    s.echo = true;
    s.powered = true;
    if (!sim_ufs_setup(&s))
        return 2;
    setup_signals();
    sim_download_global(true);
    sim_log(&s, "start: link %s, family %s, model %s, version %s, seed %u", s.o.link, s.fam->name,
            s.o.model, s.version, s.o.seed);
    if (sim_pty_up(&s) != 0) {
        sim_download_global(false);
        return 1;
    }
    main_loop(&s);
    sim_pty_down(&s);
    sim_download_global(false);
    sim_log(&s, "exit");
    return s.timed_out ? 3 : 0;
}
