# The library's compile-time choices (src/build_config.h says what each does), declared
# once for the library's build and for builds of the core of their own (the firmware's).
# Each becomes a compile definition that the library and the tests reaching its private
# headers must both see: dfota_config_definitions() gives the list.

# The families of src/family/family_rows.c that a build may leave out (generic always stays).
set(DFOTA_KNOWN_FAMILIES em060k ec200u eg915u ec800k ep06 ec2x eg18 rm500q bg96)
# The parts of the library a build may leave out: DFOTA_WITH_<part>.
set(DFOTA_OPTIONAL_PARTS UPLOAD PREFLIGHT TEXTS FTP)
# Choices of earlier versions, now parts of those above or always in.
# FORMER=NOW, or FORMER=- for a part every build has.
set(DFOTA_FORMER_PARTS LOCAL=UPLOAD LOG=TEXTS CODE_MEANINGS=TEXTS FAMILY_SOURCES=TEXTS)

# Declares the options with the defaults of the build at hand (a firmware's are not the
# library's): URL_MAX <bytes>, FAMILIES <all or a list>, OFF <parts off by default>; the
# other parts are on by default.
function(dfota_declare_options)
  cmake_parse_arguments(ARG "" "URL_MAX" "FAMILIES;OFF" ${ARGN})
  set(DFOTA_URL_MAX ${ARG_URL_MAX} CACHE STRING
      "Longest target (URL or local path) in bytes, 100-4000")
  set(DFOTA_FAMILIES "${ARG_FAMILIES}" CACHE STRING
      "The families built in: all, or a list of ${DFOTA_KNOWN_FAMILIES} (generic always)")
  set(UPLOAD_DOC "The host-side upload of a package, local targets, raw transfers")
  set(PREFLIGHT_DOC "The checks before AT+QFOTADL (SIM, network, URC port, package)")
  set(TEXTS_DOC "Log lines, the meanings of error codes, the families' sources")
  set(FTP_DOC "ftp:// targets")
  dfota_refuse_former_parts()
  foreach(part ${DFOTA_OPTIONAL_PARTS})
    if(part IN_LIST ARG_OFF)
      option(DFOTA_WITH_${part} "${${part}_DOC}" OFF)
    else()
      option(DFOTA_WITH_${part} "${${part}_DOC}" ON)
    endif()
  endforeach()
endfunction()

# A former choice left ON in a cache is dropped; one set OFF fails the configuration,
# naming the choice that took its place.
function(dfota_refuse_former_parts)
  foreach(pair ${DFOTA_FORMER_PARTS})
    string(REPLACE "=" ";" pair ${pair})
    list(GET pair 0 old)
    list(GET pair 1 now)
    if(DEFINED DFOTA_WITH_${old})
      if(NOT DFOTA_WITH_${old} AND NOT now STREQUAL "-")
        message(FATAL_ERROR "DFOTA_WITH_${old} is no build choice any more: it is part of "
                            "DFOTA_WITH_${now} (src/build_config.h)")
      elseif(NOT DFOTA_WITH_${old})
        message(FATAL_ERROR "DFOTA_WITH_${old} is no build choice any more: every build has it")
      endif()
      unset(DFOTA_WITH_${old} CACHE)
    endif()
  endforeach()
endfunction()

# Sets out_var to the compile definitions of the options as set.
function(dfota_config_definitions out_var)
  set(defs DFOTA_URL_MAX=${DFOTA_URL_MAX})
  foreach(part ${DFOTA_OPTIONAL_PARTS})
    if(DFOTA_WITH_${part})
      list(APPEND defs DFOTA_WITH_${part}=1)
    else()
      list(APPEND defs DFOTA_WITH_${part}=0)
    endif()
  endforeach()
  if(NOT DFOTA_FAMILIES STREQUAL "all")
    foreach(name ${DFOTA_FAMILIES})
      if(NOT name IN_LIST DFOTA_KNOWN_FAMILIES)
        message(FATAL_ERROR "DFOTA_FAMILIES: no family '${name}'; the families are "
                            "${DFOTA_KNOWN_FAMILIES} (generic is always built in), or all")
      endif()
    endforeach()
    foreach(name ${DFOTA_KNOWN_FAMILIES})
      string(TOUPPER ${name} upper)
      if(name IN_LIST DFOTA_FAMILIES)
        list(APPEND defs DFOTA_FAMILY_${upper}=1)
      else()
        list(APPEND defs DFOTA_FAMILY_${upper}=0)
      endif()
    endforeach()
  endif()
  set(${out_var} ${defs} PARENT_SCOPE)
endfunction()

# Sets out_var to ON when the build has every family row (DFOTA_FAMILIES all, or a list
# that names them all), as build_config.h's DFOTA_ALL_FAMILIES says it to the C code.
function(dfota_all_families out_var)
  set(all ON)
  foreach(family ${DFOTA_KNOWN_FAMILIES})
    if(NOT DFOTA_FAMILIES STREQUAL "all" AND NOT family IN_LIST DFOTA_FAMILIES)
      set(all OFF)
    endif()
  endforeach()
  set(${out_var} ${all} PARENT_SCOPE)
endfunction()
