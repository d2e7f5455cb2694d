/* The checksum a Quectel module reports after AT+QFUPL: a 16-bit XOR over the data taken
 * as big-endian byte pairs; an odd last byte is the high byte of a pair whose low byte
 * is 0. Computed incrementally, over chunks of any sizes (odd splits included), so it
 * can run while the data is sent. A leaf: it knows nothing of ports or commands. */
#ifndef DFOTA_QFUPL_SUM_H
#define DFOTA_QFUPL_SUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QFUPL_SUM_TEXT_MAX 5 /* "ffff" and its NUL */

struct qfupl_sum {
    uint16_t value;
    bool odd; /* an odd number of bytes so far: the next byte is a low byte */
};

/* Starts a checksum over no data (value 0). */
void qfupl_sum_init(struct qfupl_sum *sum);

/* Adds len bytes that follow the data added so far. */
void qfupl_sum_update(struct qfupl_sum *sum, const uint8_t *data, size_t len);

/* The checksum of everything added so far (an odd last byte already counts as high). */
uint16_t qfupl_sum_value(const struct qfupl_sum *sum);

/* Writes value as the module prints it: lowercase hex without leading zeros ("0",
 * "3a3a"). out holds at least QFUPL_SUM_TEXT_MAX bytes. */
void qfupl_sum_format(uint16_t value, char *out);

/* Reads a checksum as the module prints it: 1 to 4 hex digits, either case. Returns
 * false for anything else. */
bool qfupl_sum_parse(const char *text, size_t len, uint16_t *value);

#endif
