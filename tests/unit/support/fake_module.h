/* A scripted Quectel module on the fake port, for the session tests: answers the AT
 * dialogue and, once AT+QFOTADL is accepted, plays a script of URCs, hang-ups and
 * returns at times relative to the command. */
#ifndef DFOTA_FAKE_MODULE_H
#define DFOTA_FAKE_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_port.h"

#define FAKE_MODULE_SCRIPT_MAX 128

enum fake_act { FAKE_URC, FAKE_LOST, FAKE_BACK };

struct fake_script_step {
    uint64_t dt_ms; /* after AT+QFOTADL */
    enum fake_act act;
    const char *text;
};

/* A fault put in place of the module's n-th move (a command's answer or a script step). */
enum fake_fault {
    FAKE_FAULT_NONE,
    FAKE_FAULT_LOST_BACK,    /* the port goes, and is back a second later */
    FAKE_FAULT_LOST_FOREVER, /* the port goes for good */
    FAKE_FAULT_SILENCE,      /* the module says nothing more */
    FAKE_FAULT_ERROR,        /* ERROR instead */
    FAKE_FAULT_GARBAGE,      /* noise instead */
};

struct fake_module {
    struct fake_port *fp;
    bool echo;
    bool echo_stays;       /* ATE0 answered OK, the echo left on (seen on BG96) */
    bool silent;           /* answers nothing at all */
    bool at_error_after;   /* after the upgrade, AT answers ERROR (never ready) */
    bool qgmr_error;       /* AT+QGMR answers ERROR (older firmware) */
    bool qgmr_error_after; /* AT+QGMR answers ERROR once the module runs version_after */
    bool ati_error_before; /* ATI answers ERROR while the module runs its first version */
    const char *dl_answer; /* "OK" (default), "ERROR", "+CME ERROR: 3", NULL: no answer */
    const char *model;     /* ATI's model line (default "EM060K") */
    const char *maker;     /* ATI's first line (default "Quectel") */
    /* Lines a registering module prints in the middle of ATI's and AT+QGMR's answers
     * ("+CGEV: ME PDN ACT 1\r\n"), each with its CRLF; NULL: none. */
    const char *stray;
    /* Cuts the echo of AT+QFOTADL after echo_cut_at bytes with these bytes ("\r\n+CFUN:
     * 1\r\n", a URC landing in the echo, or "\r" from line noise); NULL: an echo whole. */
    const char *echo_cut;
    size_t echo_cut_at;
    /* Answers to the checks before the upgrade; NULL: ERROR (not supported). */
    const char *cpin;     /* "+CPIN: READY" */
    const char *cereg;    /* "+CEREG: 0,1" */
    const char *csq;      /* "+CSQ: 20,99" */
    const char *urcport;  /* "+QURCCFG: \"urcport\",\"usbat\"" */
    const char *files;    /* AT+QFLST's lines: "+QFLST: \"UFS:update.zip\",65536" */
    uint64_t register_at; /* > 0: searching ("+CEREG: 0,2") until then, then cereg */
    /* The first command starting with this gets no answer: the port goes instead, and is
     * back a second later. NULL: none. */
    const char *reboot_on;
    const char *version; /* before the upgrade */
    const char *version_after;
    bool upgraded;       /* AT+QFOTADL was accepted */
    uint64_t upgrade_at; /* from then on it runs version_after: its END,0 (UINT64_MAX: never) */
    struct fake_script_step script[FAKE_MODULE_SCRIPT_MAX];
    size_t script_len;
    int dl_commands; /* AT+QFOTADL received */
    enum fake_fault fault;
    int fault_at; /* which move: commands and script steps, counted from 0 in order */
    int moves;    /* moves made so far */
};

/* Sets the module up on fp (which must outlive it) and hooks it as fp's responder. */
void fake_module_init(struct fake_module *fm, struct fake_port *fp);

/* Appends script steps: URC text (a whole line, CRLF added), or a port loss/return. */
void fake_module_urc(struct fake_module *fm, uint64_t dt_ms, const char *text);
void fake_module_lost(struct fake_module *fm, uint64_t dt_ms);
void fake_module_back(struct fake_module *fm, uint64_t dt_ms);
/* A reboot: lost at dt_ms, back away_ms later. */
void fake_module_reboot(struct fake_module *fm, uint64_t dt_ms, uint64_t away_ms);

#endif
