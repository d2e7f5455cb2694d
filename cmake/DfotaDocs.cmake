# Manual pages (scdoc), shell completion and the API reference (Doxygen).
# Without scdoc or Doxygen their part is skipped, unless DFOTA_REQUIRE_DOCS asks for
# everything (the package build does).
option(DFOTA_REQUIRE_DOCS "Fail when scdoc or Doxygen is missing" OFF)
set(DFOTA_INSTALL_APIDOCDIR ${CMAKE_INSTALL_DATADIR}/doc/libdfota-dev/html
    CACHE STRING "Where the API reference is installed")

function(dfota_docs_missing what tool package)
  if(DFOTA_REQUIRE_DOCS)
    message(FATAL_ERROR "${what} need ${tool} (Debian: apt-get install ${package})")
  endif()
  message(STATUS "${what} skipped: no ${tool} (Debian: apt-get install ${package})")
endfunction()

# ---- manual pages: dfota(1) with the tool, libdfota(3) with the development files
find_program(DFOTA_SCDOC scdoc)
configure_file(src/libdfota.3.scd.in ${PROJECT_BINARY_DIR}/man/libdfota.3.scd @ONLY)
set(DFOTA_MAN_dfota.1 ${PROJECT_SOURCE_DIR}/examples/cli/dfota.1.scd)
set(DFOTA_MAN_libdfota.3 ${PROJECT_BINARY_DIR}/man/libdfota.3.scd)
if(DFOTA_SCDOC)
  set(pages "")
  foreach(page dfota.1 libdfota.3)
    set(out ${PROJECT_BINARY_DIR}/man/${page}.gz)
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -DSCDOC=${DFOTA_SCDOC} -DIN=${DFOTA_MAN_${page}} -DOUT=${out}
              -P ${PROJECT_SOURCE_DIR}/cmake/DfotaScdoc.cmake
      DEPENDS ${DFOTA_MAN_${page}} ${PROJECT_SOURCE_DIR}/cmake/DfotaScdoc.cmake
      COMMENT "Manual page ${page}" VERBATIM)
    list(APPEND pages ${out})
  endforeach()
  add_custom_target(dfota_man ALL DEPENDS ${pages})
  if(DFOTA_BUILD_EXAMPLES)
    install(FILES ${PROJECT_BINARY_DIR}/man/dfota.1.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tool)
  endif()
  install(FILES ${PROJECT_BINARY_DIR}/man/libdfota.3.gz
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man3 COMPONENT dev)
else()
  dfota_docs_missing("manual pages" scdoc scdoc)
endif()

# ---- shell completion, with the tool
if(DFOTA_BUILD_EXAMPLES)
  install(FILES examples/cli/dfota.bash RENAME dfota
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT tool)
endif()

# ---- API reference over the public header; any Doxygen warning fails the build
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  set(DFOTA_DOXYGEN_INPUT
      "${PROJECT_SOURCE_DIR}/include/dfota.h ${PROJECT_BINARY_DIR}/include/dfota_version.h")
  set(DFOTA_DOXYGEN_OUTPUT ${PROJECT_BINARY_DIR}/apidoc)
  configure_file(cmake/Doxyfile.in ${PROJECT_BINARY_DIR}/Doxyfile @ONLY)
  add_custom_command(
    OUTPUT ${DFOTA_DOXYGEN_OUTPUT}/html/index.html
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${DFOTA_DOXYGEN_OUTPUT}
    COMMAND ${DOXYGEN_EXECUTABLE} ${PROJECT_BINARY_DIR}/Doxyfile
    DEPENDS ${PROJECT_SOURCE_DIR}/include/dfota.h ${PROJECT_BINARY_DIR}/include/dfota_version.h
            ${PROJECT_BINARY_DIR}/Doxyfile
    COMMENT "API reference (Doxygen)" VERBATIM)
  add_custom_target(dfota_apidoc ALL DEPENDS ${DFOTA_DOXYGEN_OUTPUT}/html/index.html)
  install(DIRECTORY ${DFOTA_DOXYGEN_OUTPUT}/html/ DESTINATION ${DFOTA_INSTALL_APIDOCDIR}
          COMPONENT dev)
else()
  dfota_docs_missing("the API reference" Doxygen doxygen)
endif()
