/* libFuzzer harness for the +QIND "FOTA" parser (src/qind.c).
 *
 * The input, cut at its first NUL, is one line. Checks: the result is in range (kind a
 * known enum value, number -1 or 0..99999999, https only on the HTTP kinds), a refused
 * line leaves the neutral result, every kind has a name, the parse does not depend on
 * the CR/LF and blanks around the line, a NULL out is accepted, and the fast reading of
 * the usual spelling agrees with the general parser. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at/qind.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static void check_result(bool ok, const struct qind *q)
{
    CHECK(q->kind >= QIND_NONE && q->kind <= QIND_RESUME);
    CHECK(q->number == -1 || (q->number >= 0 && q->number <= 99999999));
    CHECK(qind_kind_name(q->kind) != NULL);
    if (!ok) {
        CHECK(q->kind == QIND_NONE);
        CHECK(q->number == -1);
        CHECK(!q->https);
    } else {
        CHECK(q->kind != QIND_NONE);
    }
    if (q->https)
        CHECK(q->kind == QIND_HTTPSTART || q->kind == QIND_HTTPEND);
    if (q->kind == QIND_RDY || q->kind == QIND_UNKNOWN)
        CHECK(q->number == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* room for the line and "\r\n" "\r\n" around it */
    char *line = malloc(size + 1);
    char *framed = malloc(size + 5);
    struct qind q;
    struct qind again;

    if (line == NULL || framed == NULL)
        abort();
    memcpy(line, data, size);
    line[size] = '\0';

    memset(&q, 0x5a, sizeof(q));
    bool ok = qind_parse(line, &q);
    check_result(ok, &q);

    /* the same line framed as it arrives, with stray CR/LF and blanks around it */
    size_t len = strlen(line);
    framed[0] = '\r';
    framed[1] = '\n';
    memcpy(framed + 2, line, len);
    framed[len + 2] = ' ';
    framed[len + 3] = '\r';
    framed[len + 4] = '\0';
    memset(&again, 0xa5, sizeof(again));
    bool ok_again = qind_parse(framed, &again);
    check_result(ok_again, &again);
    CHECK(ok_again == ok);
    CHECK(again.kind == q.kind && again.number == q.number && again.https == q.https);

    CHECK(qind_parse(line, NULL) == ok);

    /* the one-pass reading of the usual spelling agrees with the general parser */
    struct qind general;
    memset(&general, 0x3c, sizeof(general));
    CHECK(qind_parse_tolerant(line, &general) == ok);
    CHECK(general.kind == q.kind && general.number == q.number && general.https == q.https);

    free(framed);
    free(line);
    return 0;
}
