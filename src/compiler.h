/* What the compiler can do beyond C11, in one place: the rest of the library is plain
 * C11 and builds with any C11 compiler (.ci/run builds it with gcc and clang, and the
 * portable core with -std=c11 -pedantic-errors). Each macro has a plain C11 meaning
 * where the compiler has no such feature. */
#ifndef DFOTA_COMPILER_H
#define DFOTA_COMPILER_H

#if defined(__GNUC__) || defined(__clang__)
/* The function formats like printf: argument fmt_at is the format, the values follow. */
#define DFOTA_PRINTF(fmt_at, args_at) __attribute__((format(printf, fmt_at, args_at)))
/* Not inlined: keeps the function's stack frame out of its callers'. */
#define DFOTA_NOINLINE __attribute__((noinline))
/* May go unused in a build that leaves parts out: no mistake. */
#define DFOTA_MAYBE_UNUSED __attribute__((unused))
#else
#define DFOTA_PRINTF(fmt_at, args_at)
#define DFOTA_NOINLINE
#define DFOTA_MAYBE_UNUSED
#endif

/* The index of the lowest set bit of a nonzero machine word (size_t), where the compiler
 * counts it in one instruction; DFOTA_HAVE_CTZ says whether it does. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <limits.h>
#include <stdint.h>
#define DFOTA_HAVE_CTZ 1
#if SIZE_MAX > ULONG_MAX
#define DFOTA_CTZ(word) ((unsigned)__builtin_ctzll(word))
#else
#define DFOTA_CTZ(word) ((unsigned)__builtin_ctzl(word))
#endif
#endif

#endif
