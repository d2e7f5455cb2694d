# dfota_version.h: the header's version macros from the one version in CMakeLists.txt
# (project(dfota VERSION ...)). Every target of the build sees it beside dfota.h; it is
# installed beside dfota.h.
set(DFOTA_VERSION_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(dfota_version_header dir)
  configure_file(${DFOTA_VERSION_CMAKE_DIR}/dfota_version.h.in ${dir}/dfota_version.h
                 @ONLY)
endfunction()

# The version written in the top-level CMakeLists.txt, for projects of their own that
# build parts of the tree (tests/fuzz run alone).
function(dfota_read_project_version out)
  file(STRINGS ${DFOTA_VERSION_CMAKE_DIR}/../CMakeLists.txt line
       REGEX "^project\\(dfota VERSION [0-9]+[.][0-9]+[.][0-9]+" LIMIT_COUNT 1)
  string(REGEX MATCH "[0-9]+[.][0-9]+[.][0-9]+" version "${line}")
  if(NOT version)
    message(FATAL_ERROR "no 'project(dfota VERSION x.y.z' in the top-level CMakeLists.txt")
  endif()
  set(${out} ${version} PARENT_SCOPE)
endfunction()
