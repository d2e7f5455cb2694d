/* Quectel module families: what differs between them in the DFOTA dialogue, as data.
 *
 * Every family speaks AT+QFOTADL and +QIND: "FOTA"; they differ in their limits, the
 * command's form, the setup commands before it, the meaning of their codes, what RESTORE
 * means and how they reboot. Each family is one const row in family_rows.c, chosen by
 * the module's model; adding a family is adding a row. Pure: no I/O. */
#ifndef DFOTA_FAMILY_H
#define DFOTA_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAMILY_SETUP_MAX 3
/* The longest local path of a family that names it in a setup command (AT+QCFG="fota/path"):
 * a row's local_max, where its local_form is FAMILY_LOCAL_QCFG, is at most this. */
#define FAMILY_LOCAL_MAX 255
#define FAMILY_NAME_MAX 16

/* How a URL target is put on the command line. */
enum family_url_form {
    FAMILY_URL_PLAIN,        /* AT+QFOTADL="<url>" */
    FAMILY_URL_SUFFIX,       /* AT+QFOTADL="<url>"<fixed suffix> (Unisoc) */
    FAMILY_URL_MODE_TIMEOUT, /* AT+QFOTADL="<url>",<mode>,<timeout> (ASR) */
};

/* How a package already in the module's file system is named. */
enum family_local_form {
    FAMILY_LOCAL_PATH,  /* AT+QFOTADL="<prefix><file>", a prefix from local_prefixes */
    FAMILY_LOCAL_FIXED, /* AT+QFOTADL=1 for the one fixed path local_prefixes[0] (BG96) */
    FAMILY_LOCAL_QCFG,  /* AT+QCFG="fota/path","UFS:<file>" first (Unisoc) */
};

/* What the module's "RESTORE" URC means. */
enum family_restore {
    FAMILY_RESTORE_ROLLBACK, /* restoring the old firmware after failed attempts */
    FAMILY_RESTORE_INSTALL,  /* putting the new firmware in place; END,0 follows (BG96) */
};

/* Values a setup command takes from the user's configuration. */
enum family_value { FAMILY_VALUE_NONE, FAMILY_VALUE_CID, FAMILY_VALUE_PID };

struct family_setup {
    const char *format; /* one %u for the value, or none */
    uint8_t value;      /* enum family_value (small types: the rows are a firmware's flash) */
    bool only_if_set;   /* skipped while the value is 0 (the module keeps its own) */
};

/* Where a code was reported: the same number means different things at each. */
enum family_context { FAMILY_AT_FTP, FAMILY_AT_HTTP, FAMILY_AT_UPDATE };

struct family_code {
    enum family_context context;
    int first, last; /* an inclusive range; first == last for one code */
    const char *meaning;
};

struct family_timing {
    uint32_t first_urc_ms, port_ms, stall_ms, download_ms; /* 0: the library's default */
};

struct family {
    const char *name;                  /* what --family takes: "eg18" */
    const char *title;                 /* the models as people write them: "EG12/EM12/EG18" */
    const char *const *models;         /* patterns matched against the model and the version */
    const uint16_t *usb_pids;          /* Quectel (0x2c7c) product ids, 0-terminated; NULL: none */
    const char *const *local_prefixes; /* NULL-terminated; the first is the default */
    const char *url_suffix;            /* FAMILY_URL_SUFFIX */
    const struct family_code *codes;   /* this family's meanings, ended by a NULL meaning; NULL */
    struct family_setup setup[FAMILY_SETUP_MAX]; /* sent in order before AT+QFOTADL */
    struct family_timing timing;
    /* Small types from here: the rows are a firmware's flash. */
    uint16_t url_max;      /* whole URL, bytes */
    uint16_t ftp_part_max; /* FTP user, password, host, path each; 0: no limit */
    uint16_t local_max;    /* a local path, bytes */
    uint8_t url_form;      /* enum family_url_form */
    uint8_t local_form;    /* enum family_local_form */
    uint8_t restore;       /* enum family_restore */
    bool no_note_codes;    /* not the application note's table (other chipsets) */
    const char *source;    /* where the facts come from */
};

/* The values a family's command form and setup take from the configuration. */
struct family_values {
    uint32_t cid;         /* Unisoc fota/cid context id */
    uint32_t pid;         /* 5G AT+QFOTAPID profile; 0: not sent */
    uint32_t asr_mode;    /* ASR: 0 manual reboot, 1 automatic */
    uint32_t asr_timeout; /* ASR: the command's timeout parameter */
};

struct target_rules;

/* The target rules of family f, or (f NULL) the loosest, the ones every family shares.
 * ufs_prefix, when set, replaces the family's local prefixes (one[2] holds it). */
void family_target_rules(const struct family *f, const char *ufs_prefix, struct target_rules *r,
                         const char *one[2]);

/* The table (family_rows.c), generic last. */
extern const struct family family_table[];
extern const size_t family_count;

/* The fallback for an unknown model: the loosest limits the protocol allows. */
const struct family *family_generic(void);

/* The row named name (case-insensitive), or NULL. */
const struct family *family_by_name(const char *name);

/* Writes why name is none of this build's families: unknown, or (where the build leaves
 * rows out, DFOTA_FAMILIES) perhaps a family, only not built in. */
void family_describe_unknown(const char *name, char *out, size_t size);

/* The first row whose pattern matches the model, else the version's prefix; NULL when
 * none but generic does. Either text may be NULL or empty. */
const struct family *family_for_model(const char *model, const char *version);

/* Whether a pattern ('*' any run, '?' one character, case-insensitive) matches text. */
bool family_pattern_matches(const char *pattern, const char *text);

/* The meaning of code at context for this family: its own rows, then the application
 * note's table where the family uses it. NULL: no published meaning. */
const char *family_code_meaning(const struct family *f, enum family_context at, int code);

/* The application note's meaning of a code, in any context (the public
 * dfota_code_meaning()); NULL when it has none. */
const char *family_note_meaning(int code);

/* Writes "code N (meaning)" or "code N (no published meaning)". */
void family_describe_code(const struct family *f, enum family_context at, int code, char *out,
                          size_t size);

/* AT+QFOTADL for a target in the family's form, in three parts: the head, the part of
 * the target it carries (body: the target, or its file name, or none) and the tail. So
 * the command can be built around the target where it lies (fsm.h). */
#define FAMILY_COMMAND_HEAD_MAX 16 /* AT+QFOTADL="UFS: */
struct family_command_parts {
    const char *head; /* AT+QFOTADL=" and what comes before the target's part (HEAD_MAX) */
    const char *body; /* into target, or "" */
    size_t body_len;
    char tail[32]; /* the closing quote and what follows: a suffix, a mode and timeout */
};
void family_command_parts(const struct family *f, const struct family_values *v, const char *target,
                          bool local, struct family_command_parts *out);
/* Writes the AT+QFOTADL command for target (already checked against the family).
 * Returns false if it does not fit. */
bool family_command(const struct family *f, const struct family_values *v, const char *target,
                    bool local, char *out, size_t size);

/* How many setup commands the family may send before AT+QFOTADL (some may be skipped). */
size_t family_setup_count(const struct family *f);

/* What family_setup_command() did. */
enum family_setup_result {
    FAMILY_SETUP_SKIP,    /* this one is not sent: a value left at 0 */
    FAMILY_SETUP_WRITTEN, /* out holds it */
    FAMILY_SETUP_TOO_LONG /* it does not fit out: the command must not go without it */
};

/* Writes the i-th setup command (i < family_setup_count()) for this target into out.
 * local: the target is a local package. */
enum family_setup_result family_setup_command(const struct family *f, const struct family_values *v,
                                              size_t i, const char *target, bool local, char *out,
                                              size_t size);

#endif
