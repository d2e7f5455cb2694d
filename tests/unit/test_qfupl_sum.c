/* The AT+QFUPL checksum: known vectors, odd sizes, an empty tail, every split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "upload/qfupl_sum.h"

static uint16_t sum_of(const void *data, size_t len)
{
    struct qfupl_sum sum;

    qfupl_sum_init(&sum);
    qfupl_sum_update(&sum, data, len);
    return qfupl_sum_value(&sum);
}

/* The definition, one pair at a time, to compare the fast path with. */
static uint16_t sum_reference(const uint8_t *data, size_t len)
{
    uint16_t v = 0;

    for (size_t i = 0; i < len; i += 2)
        v ^= (uint16_t)(data[i] << 8 | (i + 1 < len ? data[i + 1] : 0));
    return v;
}

/* Values worked out by hand from the definition. */
static void test_known_vectors(void **state)
{
    static uint8_t ramp[1025];

    (void)state;
    assert_int_equal(sum_of("", 0), 0x0000);
    assert_int_equal(sum_of("A", 1), 0x4100);                /* odd last byte is high */
    assert_int_equal(sum_of("AB", 2), 0x4142);               /* big-endian pair */
    assert_int_equal(sum_of("0123456789", 10), 0x3839);      /* 3031^3233^3435^3637^3839 */
    assert_int_equal(sum_of("012345678", 9), 0x3800);        /* ... ^3800 */
    assert_int_equal(sum_of("\x12\x34\x12\x34", 4), 0x0000); /* a pair twice cancels */
    for (size_t i = 0; i < 1024; i++)
        ramp[i] = (uint8_t)i;
    ramp[1024] = 0xff;
    /* 0..255 four times: each pair value twice per 512 bytes, so all cancel but the tail */
    assert_int_equal(sum_of(ramp, 1025), 0xff00);
    assert_int_equal(sum_of(ramp, 1024), 0x0000);
}

/* Every size 0..64 (odd ones too, across the 8-byte fast path) against the definition. */
static void test_sizes_match_definition(void **state)
{
    uint8_t data[64];
    uint32_t x = 2463534242u;

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    for (size_t len = 0; len <= sizeof(data); len++) {
        assert_int_equal(sum_of(data, len), sum_reference(data, len));
        /* the same bytes at an odd address */
        uint8_t shifted[sizeof(data) + 1];
        memcpy(shifted + 1, data, len);
        assert_int_equal(sum_of(shifted + 1, len), sum_reference(data, len));
    }
}

/* Any split of the data into chunks gives the same checksum: two chunks at every cut,
 * chunks of each size 1..11, and empty chunks (an empty tail) anywhere. */
static void test_chunk_splits(void **state)
{
    uint8_t data[101];
    uint16_t whole;

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 37 + 11);
    whole = sum_reference(data, sizeof(data));
    for (size_t cut = 0; cut <= sizeof(data); cut++) {
        struct qfupl_sum sum;
        qfupl_sum_init(&sum);
        qfupl_sum_update(&sum, data, cut);
        qfupl_sum_update(&sum, data + cut, 0);
        qfupl_sum_update(&sum, data + cut, sizeof(data) - cut);
        qfupl_sum_update(&sum, data + sizeof(data), 0);
        assert_int_equal(qfupl_sum_value(&sum), whole);
    }
    for (size_t chunk = 1; chunk <= 11; chunk++) {
        struct qfupl_sum sum;
        qfupl_sum_init(&sum);
        for (size_t off = 0; off < sizeof(data); off += chunk) {
            size_t n = sizeof(data) - off < chunk ? sizeof(data) - off : chunk;
            qfupl_sum_update(&sum, data + off, n);
        }
        assert_int_equal(qfupl_sum_value(&sum), whole);
    }
}

static void test_format(void **state)
{
    char text[QFUPL_SUM_TEXT_MAX];

    (void)state;
    qfupl_sum_format(0, text);
    assert_string_equal(text, "0");
    qfupl_sum_format(0x3a3a, text);
    assert_string_equal(text, "3a3a");
    qfupl_sum_format(0x00af, text);
    assert_string_equal(text, "af");
    qfupl_sum_format(0x0f00, text);
    assert_string_equal(text, "f00");
    qfupl_sum_format(0xffff, text);
    assert_string_equal(text, "ffff");
}

static void test_parse(void **state)
{
    uint16_t v = 1;

    (void)state;
    assert_true(qfupl_sum_parse("3a3a", 4, &v));
    assert_int_equal(v, 0x3a3a);
    assert_true(qfupl_sum_parse("3A3A", 4, &v));
    assert_int_equal(v, 0x3a3a);
    assert_true(qfupl_sum_parse("0", 1, &v));
    assert_int_equal(v, 0);
    assert_true(qfupl_sum_parse("00af", 4, &v));
    assert_int_equal(v, 0xaf);
    assert_false(qfupl_sum_parse("", 0, &v));
    assert_false(qfupl_sum_parse("10000", 5, &v));
    assert_false(qfupl_sum_parse("3g", 2, &v));
    assert_false(qfupl_sum_parse("-1", 2, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors), cmocka_unit_test(test_sizes_match_definition),
        cmocka_unit_test(test_chunk_splits),  cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
