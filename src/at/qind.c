/* +QIND: "FOTA" URC lines -> typed values.
 *
 * Modules and firmware versions spell these lines in many ways (see QUECTEL-DFOTA.md):
 * spaces after commas, any case, "37%", HTTPS variants, even the application note's own
 * misspelling. The parser reads fields instead of matching whole strings, so each
 * variation is one entry in a table rather than one more special case. */
#include "at/qind.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "at/fields.h"

/* Bigger numbers than any percent or module code are clamped, never overflowed. */
#define QIND_NUMBER_CAP 99999999

struct qind_spelling {
    const char *name; /* upper case */
    uint8_t len;      /* small types: the table is a firmware's flash */
    uint8_t kind;     /* enum qind_kind */
    bool https;
};

#define SPELLING(name, kind, https)                                                                \
    {                                                                                              \
        name, sizeof(name) - 1, kind, https                                                        \
    }

static const struct qind_spelling qind_spellings[] = {
    SPELLING("FTPSTART", QIND_FTPSTART, false),
    SPELLING("FTPEND", QIND_FTPEND, false),
    SPELLING("HTTPSTART", QIND_HTTPSTART, false),
    SPELLING("HTTPEND", QIND_HTTPEND, false),
    SPELLING("HTTPEPEND", QIND_HTTPEND, false), /* the application note's table says so */
    SPELLING("HTTPSSTART", QIND_HTTPSTART, true),
    SPELLING("HTTPSEND", QIND_HTTPEND, true),
    SPELLING("DOWNLOADING", QIND_DOWNLOADING, false),
    SPELLING("START", QIND_START, false),
    SPELLING("UPDATING", QIND_UPDATING, false),
    SPELLING("END", QIND_END, false),
    SPELLING("RESTORE", QIND_RESTORE, false),
    SPELLING("FILESTART", QIND_FILESTART, false),
    SPELLING("FILEEND", QIND_FILEEND, false),
    SPELLING("LAST UPGRADE WAS NOT FINISHED,CONTINUE UPGRADE", QIND_RESUME, false),
};

/* A field as a number (a percent may end with '%'); -1 when it is none. */
static int qind_number(struct fields_span f)
{
    uint32_t v;

    return fields_number(f, QIND_NUMBER_CAP, true, &v) ? (int)v : -1;
}

static const struct qind_spelling *qind_find_spelling(struct fields_span name)
{
    size_t count = sizeof qind_spellings / sizeof qind_spellings[0];
    size_t len = (size_t)(name.end - name.begin);

    for (size_t i = 0; i < count; i++) {
        /* The length first: most spellings differ in it, and it costs nothing. */
        if (qind_spellings[i].len == len && fields_is_nocase(name, qind_spellings[i].name))
            return &qind_spellings[i];
    }
    return NULL;
}

/* Fills out from the fields after "FOTA": the kind, then its number if any. */
static void qind_fota_fields(struct fields *it, struct qind *out)
{
    const struct qind_spelling *spelling = qind_find_spelling(fields_next(it));

    if (spelling == NULL) {
        out->kind = QIND_UNKNOWN;
        return;
    }
    out->kind = (enum qind_kind)spelling->kind;
    out->https = spelling->https;
    if (fields_more(it))
        out->number = qind_number(fields_next(it));
}

bool qind_parse_tolerant(const char *line, struct qind *out)
{
    struct qind scratch;
    if (out == NULL)
        out = &scratch;
    out->kind = QIND_NONE;
    out->number = -1;
    out->https = false;
    if (line == NULL)
        return false;

    struct fields_span whole = fields_trim(line, line + strlen(line));
    if (fields_is(whole, "RDY")) {
        out->kind = QIND_RDY;
        return true;
    }
    struct fields it = {whole.begin, whole.end};
    if (!fields_after(&it, "+QIND") || !fields_is_nocase(fields_next(&it), "FOTA"))
        return false;
    qind_fota_fields(&it, out);
    return true;
}

/* The spelling nearly every line has: +QIND: "FOTA","KIND" or +QIND: "FOTA","KIND",N
 * with an upper-case kind. Read in one pass; false sends the line the tolerant way,
 * which gives the same answer for these lines (the fuzzer checks it). */
static bool qind_parse_canonical(const char *line, struct qind *out)
{
    static const char head[] = "+QIND: \"FOTA\",\"";
    const char *kind = line + sizeof head - 1;
    const char *quote;
    const struct qind_spelling *spelling = NULL;

    if (strncmp(line, head, sizeof head - 1) != 0 || (quote = strchr(kind, '"')) == NULL)
        return false;
    for (size_t i = 0; i < sizeof qind_spellings / sizeof qind_spellings[0]; i++) {
        if (qind_spellings[i].len == (size_t)(quote - kind) &&
            memcmp(kind, qind_spellings[i].name, qind_spellings[i].len) == 0) {
            spelling = &qind_spellings[i];
            break;
        }
    }
    if (spelling == NULL || (quote[1] != '\0' && quote[1] != ','))
        return false;
    out->number = -1;
    if (quote[1] == ',') { /* digits, perhaps '%', and the end of the line */
        const char *digits = quote + 2, *after = digits;
        while (*after >= '0' && *after <= '9')
            after++;
        if (after[*after == '%'] != '\0')
            return false;
        out->number = qind_number((struct fields_span){digits, after});
        if (out->number < 0)
            return false;
    }
    out->kind = (enum qind_kind)spelling->kind;
    out->https = spelling->https;
    return true;
}

bool qind_parse(const char *line, struct qind *out)
{
    struct qind scratch;

    if (out == NULL)
        out = &scratch;
    if (line != NULL && qind_parse_canonical(line, out))
        return true;
    return qind_parse_tolerant(line, out);
}

const char *qind_kind_name(enum qind_kind kind)
{
    switch (kind) {
    case QIND_NONE:
        return "NONE";
    case QIND_RDY:
        return "RDY";
    case QIND_FTPSTART:
        return "FTPSTART";
    case QIND_FTPEND:
        return "FTPEND";
    case QIND_HTTPSTART:
        return "HTTPSTART";
    case QIND_HTTPEND:
        return "HTTPEND";
    case QIND_DOWNLOADING:
        return "DOWNLOADING";
    case QIND_START:
        return "START";
    case QIND_UPDATING:
        return "UPDATING";
    case QIND_END:
        return "END";
    case QIND_RESTORE:
        return "RESTORE";
    case QIND_FILESTART:
        return "FILESTART";
    case QIND_FILEEND:
        return "FILEEND";
    case QIND_UNKNOWN:
        return "UNKNOWN";
    case QIND_RESUME:
        return "RESUME";
    }
    return "INVALID";
}
