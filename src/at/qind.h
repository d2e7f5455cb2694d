/* +QIND: "FOTA" URC lines -> typed values. Pure; tolerant of every spelling seen. */
#ifndef DFOTA_QIND_H
#define DFOTA_QIND_H

#include <stdbool.h>

enum qind_kind {
    QIND_NONE, /* not a FOTA URC nor RDY */
    QIND_RDY,  /* "RDY": the module booted (UART) */
    QIND_FTPSTART,
    QIND_FTPEND,      /* number: ftp error code */
    QIND_HTTPSTART,   /* also HTTPSSTART (https: true) */
    QIND_HTTPEND,     /* also HTTPSEND; number: http error code */
    QIND_DOWNLOADING, /* number: percent */
    QIND_START,
    QIND_UPDATING, /* number: percent */
    QIND_END,      /* number: upgrade error code */
    QIND_RESTORE,  /* number: percent */
    QIND_FILESTART,
    QIND_FILEEND, /* number: error code */
    QIND_UNKNOWN, /* a +QIND: "FOTA" line of a kind not known here */
    QIND_RESUME,  /* BG96 after a power loss: "Last upgrade was not finished,continue upgrade" */
};

struct qind {
    enum qind_kind kind;
    int number; /* -1 when the URC carries none or it is unreadable */
    bool https; /* HTTPSSTART / HTTPSEND spelling */
};

/* Parses one line (without or with stray CR/LF around it). Returns true and fills *out
 * for a FOTA URC (any kind, including QIND_UNKNOWN) or RDY; false otherwise. */
bool qind_parse(const char *line, struct qind *out);

/* The same, always the general way (every spelling, field by field); qind_parse() is
 * this plus a one-pass reading of the usual spelling. For tests. */
bool qind_parse_tolerant(const char *line, struct qind *out);

/* A stable upper-case name for a kind ("UPDATING"), for logs. */
const char *qind_kind_name(enum qind_kind kind);

#endif
