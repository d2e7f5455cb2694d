/* USB identity parsing and the choice of the module's port among enumerated ports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "os/usb_id.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void parse_accepts_vid_pid(void **state)
{
    (void)state;
    struct usb_id id;
    char msg[128] = "";
    assert_true(usb_id_parse("2c7c:030b", &id, msg, sizeof msg));
    assert_int_equal(id.vid, 0x2c7c);
    assert_int_equal(id.pid, 0x030b);
    assert_string_equal(id.serial, "");
}

static void parse_accepts_upper_case_short_ids_and_serial(void **state)
{
    (void)state;
    struct usb_id id;
    assert_true(usb_id_parse("2C7C:125:a1b2c3d4", &id, NULL, 0));
    assert_int_equal(id.vid, 0x2c7c);
    assert_int_equal(id.pid, 0x0125);
    assert_string_equal(id.serial, "a1b2c3d4");
}

static void parse_rejects_malformed_identities(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2c7c",
        "2c7c:",
        ":030b",
        "2c7cc:030b",
        "2c7c:030bb",
        "xyz1:030b",
        "2c7c:030g",
        "2c7c:030b:",
        "2c7c:030b:has space",
        "0x2c7c:030b",
        "2c7c;030b",
        "2c7c:030b:\t1",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        struct usb_id id;
        char msg[128] = "";
        if (usb_id_parse(bad[i], &id, msg, sizeof msg))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_true(strlen(msg) > 0);
    }
}

static void parse_rejects_too_long_serial_and_null(void **state)
{
    (void)state;
    char text[16 + USB_ID_SERIAL_MAX];
    strcpy(text, "2c7c:030b:");
    memset(text + 10, 'A', USB_ID_SERIAL_MAX);
    text[10 + USB_ID_SERIAL_MAX] = '\0';
    struct usb_id id;
    assert_false(usb_id_parse(text, &id, NULL, 0));
    text[10 + USB_ID_SERIAL_MAX - 1] = '\0'; /* 63 characters fit */
    assert_true(usb_id_parse(text, &id, NULL, 0));
    assert_false(usb_id_parse(NULL, &id, NULL, 0));
}

static struct usb_id identity(const char *text)
{
    struct usb_id id;
    assert_true(usb_id_parse(text, &id, NULL, 0));
    return id;
}

/* After the reboot an FTDI adapter holds ttyUSB2; the module came back as ttyUSB3-6. */
static const struct usb_candidate reenumerated[] = {
    {"/dev/ttyUSB0", 0x0403, 0x6001, "FT1", 0}, {"/dev/ttyACM0", 0x1234, 0x0001, NULL, 0},
    {"/dev/ttyUSB2", 0x0403, 0x6001, "FT2", 0}, {"/dev/ttyUSB6", 0x2c7c, 0x030b, "M1", 3},
    {"/dev/ttyUSB4", 0x2c7c, 0x030b, "M1", 1},  {"/dev/ttyUSB5", 0x2c7c, 0x030b, "M1", 2},
    {"/dev/ttyUSB3", 0x2c7c, 0x030b, "M1", 0},
};

static void pick_finds_the_wanted_interface_under_its_new_name(void **state)
{
    (void)state;
    struct usb_id id = identity("2c7c:030b");
    int i = usb_id_pick(&id, 3, reenumerated, COUNT(reenumerated));
    assert_int_equal(i, 3);
    assert_string_equal(reenumerated[i].path, "/dev/ttyUSB6");
}

static void pick_defaults_to_interface_two(void **state)
{
    (void)state;
    struct usb_id id = identity("2c7c:030b");
    int i = usb_id_pick(&id, -1, reenumerated, COUNT(reenumerated));
    assert_int_equal(i, 5);
    assert_string_equal(reenumerated[i].path, "/dev/ttyUSB5");
}

static void pick_falls_back_when_wanted_interface_is_gone(void **state)
{
    (void)state;
    struct usb_id id = identity("2c7c:030b");
    assert_int_equal(usb_id_pick(&id, 7, reenumerated, COUNT(reenumerated)), 5);
}

/* The AT port moved from ttyUSB2 to ttyUSB3 because another device took ttyUSB2. */
static void pick_finds_moved_at_port(void **state)
{
    (void)state;
    static const struct usb_candidate ports[] = {
        {"/dev/ttyUSB0", 0x2c7c, 0x0125, NULL, 0}, {"/dev/ttyUSB1", 0x2c7c, 0x0125, NULL, 1},
        {"/dev/ttyUSB2", 0x067b, 0x2303, NULL, 0}, {"/dev/ttyUSB3", 0x2c7c, 0x0125, NULL, 2},
        {"/dev/ttyUSB4", 0x2c7c, 0x0125, NULL, 3},
    };
    struct usb_id id = identity("2c7c:0125");
    int i = usb_id_pick(&id, 2, ports, COUNT(ports));
    assert_int_equal(i, 3);
    assert_string_equal(ports[i].path, "/dev/ttyUSB3");
}

static void pick_filters_by_serial(void **state)
{
    (void)state;
    static const struct usb_candidate ports[] = {
        {"/dev/ttyUSB2", 0x2c7c, 0x0125, "AAAA", 2},
        {"/dev/ttyUSB7", 0x2c7c, 0x0125, NULL, 2},
        {"/dev/ttyUSB12", 0x2c7c, 0x0125, "BBBB", 2},
    };
    struct usb_id id = identity("2c7c:0125:BBBB");
    assert_int_equal(usb_id_pick(&id, -1, ports, COUNT(ports)), 2);
    id = identity("2c7c:0125:CCCC");
    assert_int_equal(usb_id_pick(&id, -1, ports, COUNT(ports)), -1);
}

static void pick_orders_paths_by_number(void **state)
{
    (void)state;
    static const struct usb_candidate ports[] = {
        {"/dev/ttyUSB10", 0x2c7c, 0x0296, NULL, -1},
        {"/dev/ttyUSB9", 0x2c7c, 0x0296, NULL, -1},
    };
    struct usb_id id = identity("2c7c:0296");
    assert_int_equal(usb_id_pick(&id, -1, ports, COUNT(ports)), 1);
}

static void pick_without_match_returns_minus_one(void **state)
{
    (void)state;
    struct usb_id id = identity("2c7c:0800");
    assert_int_equal(usb_id_pick(&id, 2, reenumerated, COUNT(reenumerated)), -1);
    assert_int_equal(usb_id_pick(&id, -1, NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_accepts_vid_pid),
        cmocka_unit_test(parse_accepts_upper_case_short_ids_and_serial),
        cmocka_unit_test(parse_rejects_malformed_identities),
        cmocka_unit_test(parse_rejects_too_long_serial_and_null),
        cmocka_unit_test(pick_finds_the_wanted_interface_under_its_new_name),
        cmocka_unit_test(pick_defaults_to_interface_two),
        cmocka_unit_test(pick_falls_back_when_wanted_interface_is_gone),
        cmocka_unit_test(pick_finds_moved_at_port),
        cmocka_unit_test(pick_filters_by_serial),
        cmocka_unit_test(pick_orders_paths_by_number),
        cmocka_unit_test(pick_without_match_returns_minus_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
