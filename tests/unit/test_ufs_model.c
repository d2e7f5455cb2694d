/* The file system model shared by the simulator and the fake UFS (tests/support), driven
 * directly: the answers a test elsewhere only sees through the library's own checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ufs_model.h"

#define TOTAL 10000

/* The model, and what it said through its hooks. */
struct heard {
    struct ufs_model m;
    char lines[512];
    int acks;
};

static void heard_say(void *user, const char *line)
{
    struct heard *h = user;
    size_t used = strlen(h->lines);

    snprintf(h->lines + used, sizeof(h->lines) - used, "%s|", line);
}

static void heard_ack(void *user)
{
    ((struct heard *)user)->acks++;
}

static int heard_setup(void **state)
{
    struct heard *h = calloc(1, sizeof(*h));
    const struct ufs_model_io io = {heard_say, heard_ack, NULL, h};

    assert_non_null(h);
    ufs_model_init(&h->m, &io, TOTAL);
    *state = h;
    return 0;
}

static int heard_teardown(void **state)
{
    free(*state);
    return 0;
}

/* No space is the documented 420 (not 423, "file too large"); nothing is taken. */
static void test_no_space_is_420(void **state)
{
    struct heard *h = *state;
    struct ufs_model *m = &h->m;

    assert_true(ufs_model_add(m, "old.bin", TOTAL - 400, false));
    assert_true(ufs_model_command(m, "+QFUPL=\"pkg.bin\",401,5,1", 0));
    assert_string_equal(h->lines, "+CME ERROR: 420|");
    assert_int_equal(UFS_MODEL_NO_SPACE, 420);
    assert_int_equal(m->free_bytes, 400);
    assert_null(ufs_model_find(m, "pkg.bin"));
    assert_false(ufs_model_takes_input(m));
}

static void test_listing_and_delete(void **state)
{
    struct heard *h = *state;
    struct ufs_model *m = &h->m;

    assert_true(ufs_model_add(m, "a.bin", 10, false));
    assert_true(ufs_model_add(m, "UFS:b.bin", 20, true));
    assert_false(ufs_model_add(m, "a.bin", 1, false));          /* taken */
    assert_false(ufs_model_add(m, "c.bin", TOTAL - 29, false)); /* does not fit */
    assert_true(ufs_model_command(m, "+QFLDS=\"UFS\"", 0));
    assert_true(ufs_model_command(m, "+QFLST=\"*\"", 0));
    assert_true(ufs_model_command(m, "+QFDEL=\"b.bin\"", 0));
    assert_true(ufs_model_command(m, "+QFDEL=\"UFS:a.bin\"", 0));
    assert_true(ufs_model_command(m, "+QFDEL=\"a.bin\"", 0));
    assert_string_equal(h->lines, "+QFLDS: 9970,10000|OK|"
                                  "+QFLST: \"UFS:a.bin\",10|+QFLST: \"UFS:b.bin\",20|OK|"
                                  "ERROR|OK|+CME ERROR: 405|");
    assert_int_equal(m->free_bytes, TOTAL - 20);
    assert_false(ufs_model_command(m, "+QFOTADL=?", 0));
}

/* An upload in ack mode: an 'A' per full block, the checksum, the space taken. */
static void test_upload_acks_and_sum(void **state)
{
    struct heard *h = *state;
    struct ufs_model *m = &h->m;
    uint8_t data[2049];
    char expect[96];

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13 + 1);
    assert_true(ufs_model_command(m, "+QFUPL=\"f.bin\",2049,5,1", 0));
    assert_true(ufs_model_takes_input(m));
    assert_int_equal(ufs_model_input(m, data, sizeof(data), 10), sizeof(data));
    assert_int_equal(h->acks, 2);
    snprintf(expect, sizeof(expect), "CONNECT|+QFUPL: 2049,%x|OK|",
             (unsigned)ufs_model_checksum(data, sizeof(data), 0, 0));
    assert_string_equal(h->lines, expect);
    assert_int_equal(ufs_model_find(m, "f.bin")->size, 2049);
    assert_int_equal(m->free_bytes, TOTAL - 2049);
    assert_false(ufs_model_takes_input(m));
}

/* The data stops: 421 at the module's own deadline, the partial file kept. */
static void test_data_timeout_is_421(void **state)
{
    struct heard *h = *state;
    struct ufs_model *m = &h->m;
    uint8_t data[100] = {0};

    assert_true(ufs_model_command(m, "+QFUPL=\"f.bin\",1000,2,0", 0));
    assert_int_equal(ufs_model_input(m, data, sizeof(data), 500), sizeof(data));
    assert_int_equal(ufs_model_deadline(m), 2500);
    ufs_model_tick(m, 2499);
    assert_string_equal(h->lines, "CONNECT|");
    ufs_model_tick(m, 2500);
    assert_string_equal(h->lines, "CONNECT|+CME ERROR: 421|");
    assert_int_equal(ufs_model_find(m, "f.bin")->size, 100);
    assert_int_equal(m->free_bytes, TOTAL - 100);
    assert_int_equal(ufs_model_deadline(m), UINT64_MAX);
}

static void test_empty_upload_ends_at_once(void **state)
{
    struct heard *h = *state;
    struct ufs_model *m = &h->m;

    assert_true(ufs_model_command(m, "+QFUPL=\"e.bin\",0", 0));
    assert_string_equal(h->lines, "CONNECT|+QFUPL: 0,0|OK|");
    assert_false(ufs_model_takes_input(m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_space_is_420, heard_setup, heard_teardown),
        cmocka_unit_test_setup_teardown(test_listing_and_delete, heard_setup, heard_teardown),
        cmocka_unit_test_setup_teardown(test_upload_acks_and_sum, heard_setup, heard_teardown),
        cmocka_unit_test_setup_teardown(test_data_timeout_is_421, heard_setup, heard_teardown),
        cmocka_unit_test_setup_teardown(test_empty_upload_ends_at_once, heard_setup,
                                        heard_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
