/* Lookups in the family table: by name, by model, code meanings, the command's form. */
#include "family/family.h"

#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "at/fields.h"
#include "at/target.h"

#if DFOTA_WITH_TEXTS
/* The application note's codes, which most families share. */
static const struct family_code family_note_codes[] = {
    {FAMILY_AT_UPDATE, 502, 502, "unpredictable error; the module retries, five times at most"},
    {FAMILY_AT_UPDATE, 504, 504, "package format wrong"},
    {FAMILY_AT_UPDATE, 505, 505, "package version does not match this module"},
    {FAMILY_AT_UPDATE, 510, 510, "patch does not match the module's firmware"},
    {FAMILY_AT_UPDATE, 511, 511, "not enough file-system space"},
    {FAMILY_AT_UPDATE, 520, 530, "upgrade failed"},
    {FAMILY_AT_UPDATE, 540, 546, "upgrade failed"},
    {FAMILY_AT_FTP, 601, 601, "FTP unknown error"},
    {FAMILY_AT_FTP, 625, 625, "FTP login failed"},
    {FAMILY_AT_FTP, 602, 629, "FTP error"},
    {FAMILY_AT_HTTP, 701, 701, "HTTP(S) unknown error"},
    {FAMILY_AT_HTTP, 702, 702, "HTTP(S) timeout"},
    {FAMILY_AT_HTTP, 711, 711, "HTTP(S) URL error"},
    {FAMILY_AT_HTTP, 714, 714, "HTTP(S) DNS error"},
    {FAMILY_AT_HTTP, 716, 716, "HTTP(S) socket connect error"},
    {FAMILY_AT_HTTP, 702, 730, "HTTP(S) error"},
    {FAMILY_AT_UPDATE, 0, 0, NULL},
};
#endif

bool family_pattern_matches(const char *pattern, const char *text)
{
    if (!text)
        return false;
    for (; *pattern; pattern++, text++) {
        if (*pattern == '*') {
            for (const char *t = text;; t++) {
                if (family_pattern_matches(pattern + 1, t))
                    return true;
                if (!*t)
                    return false;
            }
        }
        if (!*text || (*pattern != '?' && fields_upper(*pattern) != fields_upper(*text)))
            return false;
    }
    return *text == '\0';
}

const struct family *family_generic(void)
{
    return &family_table[family_count - 1];
}

const struct family *family_by_name(const char *name)
{
    for (size_t i = 0; name && i < family_count; i++) {
        if (fields_starts_nocase(name, family_table[i].name) &&
            name[strlen(family_table[i].name)] == '\0')
            return &family_table[i];
    }
    return NULL;
}

void family_describe_unknown(const char *name, char *out, size_t size)
{
    size_t len = strlen(name);

    /* No family's name is that long: it is not quoted, so that no cut of it can split a
     * password (a mistyped command line may hold a URL where the name should be). */
    if (len >= FAMILY_NAME_MAX)
        snprintf(out, size, "unknown family: a name of %u bytes", (unsigned)len);
    else if (DFOTA_ALL_FAMILIES)
        snprintf(out, size, "unknown family '%s' (see dfota families)", name);
    else /* short: a firmware's flash counts every byte */
        snprintf(out, size, "family '%s' is not built in (DFOTA_FAMILIES)", name);
}

static const struct family *family_matching(const char *text)
{
    if (!text || !text[0])
        return NULL;
    for (size_t i = 0; i + 1 < family_count; i++) { /* generic matches anything: not here */
        for (const char *const *p = family_table[i].models; *p; p++) {
            if (family_pattern_matches(*p, text))
                return &family_table[i];
        }
    }
    return NULL;
}

const struct family *family_for_model(const char *model, const char *version)
{
    const struct family *f = family_matching(model);

    return f ? f : family_matching(version);
}

#if DFOTA_WITH_TEXTS
static const char *family_lookup(const struct family_code *rows, enum family_context at, int code)
{
    for (; rows && rows->meaning; rows++) {
        if (rows->context == at && code >= rows->first && code <= rows->last)
            return rows->meaning;
    }
    return NULL;
}
#endif

const char *family_code_meaning(const struct family *f, enum family_context at, int code)
{
    const char *meaning = NULL;

    if (code == 0) /* every family: the download or the upgrade succeeded */
        return "success";
#if DFOTA_WITH_TEXTS
    meaning = family_lookup(f->codes, at, code);
    if (!meaning && !f->no_note_codes)
        meaning = family_lookup(family_note_codes, at, code);
#else
    (void)f, (void)at; /* a build without the texts: the number says it */
#endif
    return meaning;
}

const char *family_note_meaning(int code)
{
    const char *meaning = NULL;

    if (code == 0)
        return "success";
#if DFOTA_WITH_TEXTS
    static const enum family_context contexts[] = {FAMILY_AT_UPDATE, FAMILY_AT_FTP, FAMILY_AT_HTTP};
    for (size_t i = 0; i < 3 && !meaning; i++)
        meaning = family_lookup(family_note_codes, contexts[i], code);
#endif
    return meaning;
}

void family_describe_code(const struct family *f, enum family_context at, int code, char *out,
                          size_t size)
{
    const char *meaning = family_code_meaning(f, at, code);

    if (!DFOTA_WITH_TEXTS && code != 0)
        snprintf(out, size, "code %d", code); /* whether it has a meaning is not known here */
    else
        snprintf(out, size, "code %d (%s)", code, meaning ? meaning : "no published meaning");
}

#if DFOTA_WITH_UPLOAD
/* The file name of a local target: what follows the family's prefix. */
static const char *family_local_file(const struct family *f, const char *target)
{
    for (const char *const *p = f->local_prefixes; *p; p++) {
        size_t n = strlen(*p);
        if (strncmp(target, *p, n) == 0)
            return target + n;
    }
    return target;
}
#endif

void family_command_parts(const struct family *f, const struct family_values *v, const char *target,
                          bool local, struct family_command_parts *out)
{
    const char *suffix = ""; /* after the closing quote */

    /* The plain form, AT+QFOTADL="<target>", which the others change in part. */
    out->head = "AT+QFOTADL=\"";
    out->body = target;
#if DFOTA_WITH_UPLOAD
    if (local && f->local_form == FAMILY_LOCAL_FIXED) {
        out->head = "AT+QFOTADL=1"; /* the one path is the module's own */
        out->body = "";
        out->body_len = 0;
        out->tail[0] = '\0';
        return;
    }
    if (local && f->local_form == FAMILY_LOCAL_QCFG) {
        out->head = "AT+QFOTADL=\"UFS:";
        out->body = family_local_file(f, target);
        suffix = f->url_suffix ? f->url_suffix : "";
    }
#endif
    out->body_len = strlen(out->body);
    if (!local && f->url_form == FAMILY_URL_MODE_TIMEOUT) {
        snprintf(out->tail, sizeof(out->tail), "\",%u,%u", (unsigned)v->asr_mode,
                 (unsigned)v->asr_timeout);
        return;
    }
    if (!local && f->url_form == FAMILY_URL_SUFFIX)
        suffix = f->url_suffix;
    snprintf(out->tail, sizeof(out->tail), "\"%s", suffix);
}

bool family_command(const struct family *f, const struct family_values *v, const char *target,
                    bool local, char *out, size_t size)
{
    struct family_command_parts parts;
    int n;

    family_command_parts(f, v, target, local, &parts);
    n = snprintf(out, size, "%s%.*s%s", parts.head, (int)parts.body_len, parts.body, parts.tail);
    return n > 0 && (size_t)n < size;
}

static uint32_t family_value_of(const struct family_values *v, enum family_value which)
{
    return which == FAMILY_VALUE_CID ? v->cid : which == FAMILY_VALUE_PID ? v->pid : 0;
}

static enum family_setup_result family_setup_fits(int n, size_t size)
{
    return n > 0 && (size_t)n < size ? FAMILY_SETUP_WRITTEN : FAMILY_SETUP_TOO_LONG;
}

enum family_setup_result family_setup_command(const struct family *f, const struct family_values *v,
                                              size_t i, const char *target, bool local, char *out,
                                              size_t size)
{
    size_t rows = 0;

    while (rows < FAMILY_SETUP_MAX && f->setup[rows].format)
        rows++;
    if (i < rows) {
        const struct family_setup *s = &f->setup[i];
        uint32_t value = family_value_of(v, s->value);
        if (s->only_if_set && value == 0)
            return FAMILY_SETUP_SKIP;
        return family_setup_fits(snprintf(out, size, s->format, (unsigned)value), size);
    }
#if DFOTA_WITH_UPLOAD
    if (i == rows && local && f->local_form == FAMILY_LOCAL_QCFG)
        return family_setup_fits(
            snprintf(out, size, "AT+QCFG=\"fota/path\",\"UFS:%s\"", family_local_file(f, target)),
            size);
#else
    (void)target;      /* no local package in this build: URLs only */
    (void)local;
#endif
    return FAMILY_SETUP_SKIP;
}

size_t family_setup_count(const struct family *f)
{
    size_t rows = 0;

    while (rows < FAMILY_SETUP_MAX && f->setup[rows].format)
        rows++;
    return rows + (DFOTA_WITH_UPLOAD && f->local_form == FAMILY_LOCAL_QCFG ? 1 : 0);
}

/* Where any family keeps local packages, before the module said which it is: a path
 * elsewhere (a file on the host) is refused before anything is sent. BG96's one fixed
 * path is under /fota/. */
static const char *const family_any_local[] = {
    "/usrdata/cache/ufs/", "/cache/ufs/", "/data/ufs/", "UFS:", "/fota/", NULL};

void family_target_rules(const struct family *f, const char *ufs_prefix, struct target_rules *r,
                         const char *one[2])
{
    const struct family *g = family_generic();

    r->who = f ? "this family" : "any family";
    r->url_max = f ? f->url_max : g->url_max;
    r->ftp_part_max = f ? f->ftp_part_max : 0;
    r->local_max = f ? f->local_max : g->local_max;
    r->local_prefixes = f ? f->local_prefixes : family_any_local;
    r->local_fixed = f && f->local_form == FAMILY_LOCAL_FIXED;
    /* The user's prefix: the user knows better (only where local packages are built in). */
    if (DFOTA_WITH_UPLOAD && ufs_prefix && ufs_prefix[0] && !r->local_fixed) {
        one[0] = ufs_prefix;
        one[1] = NULL;
        r->local_prefixes = one;
    }
}
