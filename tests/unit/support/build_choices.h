/* What the tests expect where this build's choices (src/build_config.h) change what the
 * library does, spelled once: a case reads the same in every build and its expectation
 * follows the build. Include after cmocka.h and string.h. */
#ifndef DFOTA_BUILD_CHOICES_H
#define DFOTA_BUILD_CHOICES_H

#include "build_config.h"

/* The checks before AT+QFOTADL: the commands on the port, and the CHECK events a module
 * that passes them all gives (session_rig's checks). */
#if DFOTA_WITH_PREFLIGHT
#define BUILT_PREFLIGHT_SENT "AT+CPIN?\rAT+CEREG?\rAT+CSQ\rAT+QURCCFG=\"urcport\"\r"
#define BUILT_PREFLIGHT_CHECKS "sim:ok network:ok signal:ok urcport:ok "
#else
#define BUILT_PREFLIGHT_SENT ""
#define BUILT_PREFLIGHT_CHECKS ""
#endif

/* A code's meaning in a text: the text in a build with the meanings, "" in one without
 * (the code itself is said in both). */
#if DFOTA_WITH_TEXTS
#define BUILT_MEANING(text) text
#else
#define BUILT_MEANING(text) ""
#endif

/* The log holds text; a build without log lines calls on_log never, so its log stays
 * empty. */
#if DFOTA_WITH_TEXTS
#define BUILT_LOG_HAS(log, text) assert_non_null(strstr((log), (text)))
#else
#define BUILT_LOG_HAS(log, text) assert_string_equal((log), "")
#endif

#endif
