/* A tiny library in the shape of dfota.h, built in variants, on which the ABI check's
 * verdicts are tested: what tests/abi/README.md allows within one SONAME and what
 * needs a new one. */
#ifndef POLICY_H
#define POLICY_H

enum policy_event_type {
    POLICY_EVENT_VERSION,
#ifdef POLICY_INSERTED_ENUMERATOR
    POLICY_EVENT_INSERTED, /* in the middle: renumbers the ones after it */
#endif
    POLICY_EVENT_DONE,
#ifdef POLICY_APPENDED_ENUMERATOR
    POLICY_EVENT_APPENDED,
#endif
};

struct policy_event {
    enum policy_event_type type;
    const char *text;
};

typedef void (*policy_event_cb)(void *user, const struct policy_event *event);

/* Allocated by the caller, filled by policy_config_init(). */
struct policy_config {
    const char *port;
    unsigned baud;
    policy_event_cb on_event;
    void *user;
#ifdef POLICY_GROWN_CONFIG
    const char *expect_version;
#endif
};

void policy_config_init(struct policy_config *cfg);
int policy_run(const struct policy_config *cfg);
#ifndef POLICY_REMOVED_FUNCTION
int policy_cancel(const struct policy_config *cfg);
#endif
#ifdef POLICY_ADDED_FUNCTION
int policy_families(char *out, unsigned size);
#endif

#endif
