# Debian packages with CPack, one per install component:
#
#   cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build build -j2
#   (cd build && cpack -G DEB)
#
# Each package is one dfota_deb_package() line below. A new package (the fleet pieces,
# dfota-mender and dfota-swupdate) installs its files with COMPONENT <name> and adds its
# own line, e.g.
#   dfota_deb_package(mender dfota-mender "Mender Update Module for ..." "..." "dfota")
# and gets its copyright and changelog files from dfota_deb_docs() like the others.
# Runtime dependencies on shared libraries are computed by dpkg-shlibdeps
# (CPACK_DEBIAN_PACKAGE_SHLIBDEPS); those on other packages of this project are exact.
set(DFOTA_PACKAGE_MAINTAINER "The dfota authors <maintainers@dfota.invalid>"
    CACHE STRING "Maintainer field of the Debian packages")

set(DFOTA_DEB_COMPONENTS "")
set(DFOTA_DEB_VERSION ${PROJECT_VERSION})

# component: install component; name: package name; summary: one line; description: the
# long description (lines of at most 79 characters); depends: other packages of this
# project it needs, at the same version (dpkg-shlibdeps leaves them out: it sees this
# build's libdfota.so as a private library).
function(dfota_deb_package component name summary description depends)
  string(TOUPPER ${component} C)
  set(deps "")
  foreach(dep ${depends})
    list(APPEND deps "${dep} (= ${DFOTA_DEB_VERSION})")
  endforeach()
  list(JOIN deps ", " deps)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME ${name} PARENT_SCOPE)
  set(CPACK_DEBIAN_${C}_FILE_NAME DEB-DEFAULT PARENT_SCOPE)
  set(CPACK_DEBIAN_${C}_PACKAGE_DEPENDS "${deps}" PARENT_SCOPE)
  set(CPACK_COMPONENT_${C}_DESCRIPTION "${summary}\n${description}" PARENT_SCOPE)
  set(DFOTA_DEB_COMPONENTS ${DFOTA_DEB_COMPONENTS} ${component} PARENT_SCOPE)
  dfota_deb_docs(${component} ${name})
endfunction()

# /usr/share/doc/<package>/copyright (machine-readable, from LICENSE) and changelog.gz
# (Debian's format, from the "Releases" section of README.md), as Debian policy wants in
# every package.
function(dfota_deb_docs component name)
  set(dir ${PROJECT_BINARY_DIR}/deb-docs/${name})
  file(READ ${PROJECT_SOURCE_DIR}/LICENSE license)
  string(REGEX MATCH "Copyright \\(c\\) ([^\n]+)" _ "${license}")
  set(holder "${CMAKE_MATCH_1}")
  string(REGEX REPLACE "^MIT License\n\n[^\n]*\n\n" "" terms "${license}")
  string(REGEX REPLACE "\n\n" "\n.\n" terms "${terms}")
  string(REGEX REPLACE "\n([^\n])" "\n \\1" terms "${terms}")
  file(WRITE ${dir}/copyright
       "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
       "Upstream-Name: dfota\n\n"
       "Files: *\nCopyright: ${holder}\nLicense: Expat\n\n"
       "License: Expat\n ${terms}")
  add_custom_command(
    OUTPUT ${dir}/changelog.gz
    COMMAND ${CMAKE_COMMAND} -DREADME=${PROJECT_SOURCE_DIR}/README.md -DPACKAGE=${name}
            -DVERSION=${DFOTA_DEB_VERSION} "-DMAINTAINER=${DFOTA_PACKAGE_MAINTAINER}"
            -DOUT=${dir}/changelog -P ${PROJECT_SOURCE_DIR}/cmake/DfotaChangelog.cmake
    COMMAND gzip -9nf ${dir}/changelog
    DEPENDS ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/cmake/DfotaChangelog.cmake
    COMMENT "Debian changelog of ${name} from README.md" VERBATIM)
  add_custom_target(deb_changelog_${component} ALL DEPENDS ${dir}/changelog.gz)
  # Only in the packages (cpack installs each component by name), not in a plain
  # cmake --install.
  install(FILES ${dir}/copyright ${dir}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${component}
          EXCLUDE_FROM_ALL)
endfunction()

dfota_deb_package(runtime libdfota${DFOTA_SOVERSION}
  "Quectel DFOTA firmware upgrades over the AT port (library)"
  "libdfota drives a Quectel LTE module's DFOTA firmware upgrade over its serial
AT port: it sends AT+QFOTADL and follows the module through the download, its
reboots and the update to one result with the module's own error code.
This package contains the shared library." "")
dfota_deb_package(dev libdfota-dev
  "Quectel DFOTA firmware upgrades over the AT port (development files)"
  "libdfota drives a Quectel LTE module's DFOTA firmware upgrade over its serial
AT port.
This package contains the header, the static library, the pkg-config file, the
CMake package, the libdfota(3) manual page and the API reference."
  "libdfota${DFOTA_SOVERSION}")
dfota_deb_package(tool dfota
  "Quectel DFOTA firmware upgrades over the AT port (command-line tool)"
  "dfota upgrades the firmware of a Quectel LTE module by DFOTA over its AT port,
follows an upgrade already under way, and reads the module's model and firmware
version. It draws a progress bar on a terminal or prints JSON lines for scripts
and update agents.
This package contains the tool, its manual page and its shell completion."
  "libdfota${DFOTA_SOVERSION}")

dfota_deb_package(mender dfota-mender
  "Quectel DFOTA firmware upgrades over the AT port (Mender Update Module)"
  "The Mender Update Module quectel-dfota deploys a Quectel LTE module's firmware
as a Mender artifact: it checks the module runs the artifact's from firmware,
runs the dfota tool's upgrade and checks the result, with rollback checks.
This package contains the Update Module, a Mender inventory script reporting
the module's model, firmware and family, and /etc/dfota/mender.conf."
  "dfota")
dfota_deb_package(swupdate dfota-swupdate
  "Quectel DFOTA firmware upgrades over the AT port (SWUpdate handlers)"
  "SWUpdate Lua handlers for a Quectel LTE module's firmware: the image type
dfota uploads the package carried in the .swu into the module and upgrades it
with the dfota tool; the script type dfota-url has the module download it.
This package contains swupdate_handlers.lua and an example sw-description."
  "dfota")

# The -dev package's pkg-config file and CMake package name libserialport, which the
# shared library itself links (found by dpkg-shlibdeps).
if(DFOTA_WITH_LIBSERIALPORT)
  set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${CPACK_DEBIAN_DEV_PACKAGE_DEPENDS}, libserialport-dev")
endif()
set(CPACK_DEBIAN_TOOL_PACKAGE_RECOMMENDS "bash-completion")
# The Update Module reads JSON (the artifact's meta-data, dfota --json) with jq; the
# config file is the admin's to edit, kept across upgrades.
set(CPACK_DEBIAN_MENDER_PACKAGE_DEPENDS "${CPACK_DEBIAN_MENDER_PACKAGE_DEPENDS}, jq")
set(CPACK_DEBIAN_MENDER_PACKAGE_RECOMMENDS "mender-client")
set(CPACK_DEBIAN_SWUPDATE_PACKAGE_RECOMMENDS "swupdate")
set(CPACK_DEBIAN_MENDER_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_SWUPDATE_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_MENDER_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SWUPDATE_PACKAGE_ARCHITECTURE all)
file(WRITE ${PROJECT_BINARY_DIR}/deb-control/mender/conffiles "/etc/dfota/mender.conf\n")
set(CPACK_DEBIAN_MENDER_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/deb-control/mender/conffiles)

set(CPACK_DEBIAN_TOOL_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# The shared library's shlibs file, so that packages built against it get
# "libdfota0 (>= version)" from dpkg-shlibdeps, and its ldconfig trigger. (CPack also
# writes postinst/postrm scripts calling ldconfig: see cmake/README.md, "Lintian".)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
file(WRITE ${PROJECT_BINARY_DIR}/deb-control/runtime/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/deb-control/runtime/triggers)

set(CPACK_PACKAGE_NAME dfota)
set(CPACK_PACKAGE_VENDOR "The dfota authors")
# Empty: each package's description begins with its own synopsis.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_VERSION ${DFOTA_DEB_VERSION})
set(CPACK_PACKAGE_CONTACT "${DFOTA_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DFOTA_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_VERSION ${DFOTA_DEB_VERSION})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The tool links libdfota.so.0 from this build: dpkg-shlibdeps finds it there and takes
# its dependency from libdfota0's shlibs file.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${DFOTA_DEB_COMPONENTS})
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
