/* Hexadecimal digits as the module and sysfs write them (either case). Pure: no I/O. */
#ifndef DFOTA_HEX_H
#define DFOTA_HEX_H

/* The value of one hexadecimal digit, or -1 when c is none. Own code: <ctype.h> depends
 * on the locale. */
int hex_digit_value(char c);

#endif
