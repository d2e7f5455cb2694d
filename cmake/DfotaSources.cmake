# The library's sources, listed by layer, lowest last (src/README.md draws the layers).
# Every build of the core takes them from here: the library's, the firmware's
# (examples/firmware) and the fuzzers' (tests/fuzz). Each list holds absolute paths.
get_filename_component(DFOTA_SOURCE_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

# The session and the public calls (src/).
set(DFOTA_LAYER_SESSION session.c config.c package.c log_repeat.c api_family.c api_text.c)
# The state machine (src/fsm/): no I/O, no clock reads.
set(DFOTA_LAYER_FSM fsm/fsm.c fsm/core.c fsm/runner.c fsm/settings.c fsm/ident.c fsm/phase_identify.c
    fsm/phase_preflight.c fsm/phase_upload.c fsm/phase_command.c fsm/phase_follow.c
    fsm/phase_verify.c fsm/phase_cleanup.c)
# The families as data, and their lookups (src/family/).
set(DFOTA_LAYER_FAMILY family/family.c family/family_rows.c)
# The module's file-system dialogue, names, checksum (src/upload/).
set(DFOTA_LAYER_UPLOAD upload/upload.c upload/upload_name.c upload/qfupl_sum.c)
# The AT engine, +QIND, the target's rules and redaction (src/at/).
set(DFOTA_LAYER_AT at/at.c at/qind.c at/target.c at/secret.c at/fields.c)
# The OS backends (src/os/): DFOTA_WITH_POSIX, then DFOTA_WITH_LIBSERIALPORT.
set(DFOTA_OS_POSIX_SOURCES os/port_clock.c os/port_linux.c os/port_posix.c os/port_watch.c
    os/port_sys.c os/port_file.c os/usb_id.c)
set(DFOTA_OS_SERIALPORT_SOURCES os/port_serialport.c)

foreach(layer LAYER_SESSION LAYER_FSM LAYER_FAMILY LAYER_UPLOAD LAYER_AT OS_POSIX_SOURCES
        OS_SERIALPORT_SOURCES)
  list(TRANSFORM DFOTA_${layer} PREPEND ${DFOTA_SOURCE_ROOT}/src/)
endforeach()
# The portable core: plain C11, no OS header (.ci/run checks it, the rank test its calls).
set(DFOTA_CORE_SOURCES ${DFOTA_LAYER_SESSION} ${DFOTA_LAYER_FSM} ${DFOTA_LAYER_FAMILY}
    ${DFOTA_LAYER_UPLOAD} ${DFOTA_LAYER_AT})
