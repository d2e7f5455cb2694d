# The library's build choices (src/build_config.h, cmake/README.md "Build options") as
# this firmware for one board makes them; each can be turned back on with -D...=ON.
#   The board carries one module, an EM060K (the simulator's): one family row besides
#   the generic one, and URLs of up to 255 bytes (the Unisoc and most Qualcomm families;
#   EM060K's own is 100).
#   The module downloads its package itself over HTTP(S): no upload, no local package,
#   no FTP.
#   The firmware runs the module: it knows its SIM and network, and routes the URCs to
#   its own UART (AT+QURCCFG="urcport","uart1"), before it asks for an upgrade: no checks.
#   It reports the result and the module's code to its backend, not log lines or texts
#   for a person: no texts (log lines, code meanings, family sources).
# The firmware's build includes it; a host build of the core with the same choices takes
# it as an initial cache: cmake -C examples/firmware/choices.cmake -S . -B build-choices.
set(DFOTA_URL_MAX 255 CACHE STRING "")
set(DFOTA_FAMILIES em060k CACHE STRING "")
set(DFOTA_WITH_UPLOAD OFF CACHE BOOL "")
set(DFOTA_WITH_FTP OFF CACHE BOOL "")
set(DFOTA_WITH_PREFLIGHT OFF CACHE BOOL "")
set(DFOTA_WITH_TEXTS OFF CACHE BOOL "")
