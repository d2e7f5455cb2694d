/* The AT+QFUPL checksum. The bulk runs eight bytes at a time: XOR works on each byte
 * alone, so words loaded in any byte order XOR into the right bytes, and the pairs are
 * read back from those bytes in order, whatever the host's endianness. */
#include "upload/qfupl_sum.h"

#include <string.h>

#include "at/fields.h"

void qfupl_sum_init(struct qfupl_sum *sum)
{
    sum->value = 0;
    sum->odd = false;
}

static void qfupl_sum_byte(struct qfupl_sum *sum, uint8_t byte)
{
    sum->value = (uint16_t)(sum->value ^ (sum->odd ? byte : byte << 8));
    sum->odd = !sum->odd;
}

/* XOR of the big-endian pairs of 8-byte words; data starts on a pair boundary. */
static uint16_t qfupl_sum_words(const uint8_t *data, size_t words)
{
    uint64_t acc = 0, w;
    uint8_t b[8];

    for (size_t i = 0; i < words; i++) {
        memcpy(&w, data + 8 * i, 8);
        acc ^= w;
    }
    memcpy(b, &acc, 8);
    return (uint16_t)(((b[0] ^ b[2] ^ b[4] ^ b[6]) << 8) | (b[1] ^ b[3] ^ b[5] ^ b[7]));
}

void qfupl_sum_update(struct qfupl_sum *sum, const uint8_t *data, size_t len)
{
    size_t words;

    if (len > 0 && sum->odd) {
        qfupl_sum_byte(sum, data[0]);
        data++;
        len--;
    }
    words = len / 8;
    sum->value ^= qfupl_sum_words(data, words);
    for (size_t i = 8 * words; i < len; i++)
        qfupl_sum_byte(sum, data[i]);
}

uint16_t qfupl_sum_value(const struct qfupl_sum *sum)
{
    return sum->value;
}

void qfupl_sum_format(uint16_t value, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = 0;
    int shift = 12;

    while (shift > 0 && ((value >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        out[n++] = digits[(value >> shift) & 0xf];
    out[n] = '\0';
}

bool qfupl_sum_parse(const char *text, size_t len, uint16_t *value)
{
    uint32_t v;

    if (!fields_hex((struct fields_span){text, text + len}, 4, &v))
        return false;
    *value = (uint16_t)v;
    return true;
}
