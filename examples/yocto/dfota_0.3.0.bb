SUMMARY = "Quectel DFOTA firmware upgrades over the AT port"
DESCRIPTION = "libdfota and the dfota tool: send AT+QFOTADL to a Quectel LTE module and \
follow the upgrade through the module's reboots to one result."
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=ca6713e147493338c2096fc9d6384ecc"

# The source: this checkout, through externalsrc (the recipe sits in examples/yocto).
# In a layer of your own, set EXTERNALSRC:pn-dfota in local.conf, or replace these two
# lines with SRC_URI = "git://...;protocol=https;branch=main" and SRCREV.
inherit externalsrc
EXTERNALSRC ?= "${@os.path.abspath(os.path.join('${THISDIR}', '..', '..'))}"

inherit cmake pkgconfig

# The POSIX termios backend is always built: it needs only the C library (glibc or
# musl). libserialport adds USB identity (--usb VID:PID) and finds the port again after
# re-enumeration; it needs a libserialport recipe in your layers. Without it:
#   PACKAGECONFIG:pn-dfota = ""
PACKAGECONFIG ??= "libserialport"
PACKAGECONFIG[libserialport] = "-DDFOTA_WITH_LIBSERIALPORT=ON,-DDFOTA_WITH_LIBSERIALPORT=OFF,libserialport"

EXTRA_OECMAKE = "-DDFOTA_WITH_POSIX=ON -DDFOTA_BUILD_TESTS=OFF -DDFOTA_BUILD_EXAMPLES=ON"

# The library in ${PN}, the tool in ${PN}-tool; headers, dfota.pc and the CMake
# package go to ${PN}-dev by the usual rules.
PACKAGES =+ "${PN}-tool"
FILES:${PN}-tool = "${bindir}/dfota"
RDEPENDS:${PN}-tool = "${PN}"
