# The library's compile-time choices (src/build_config.h says what each does), declared
# once for the library's build and for builds of the core of their own (the firmware's).
# Each becomes a compile definition that the library and the tests reaching its private
# headers must both see: dfota_config_definitions() gives the list.

# The families of src/family_table.c that a build may leave out (generic always stays).
set(DFOTA_KNOWN_FAMILIES em060k ec200u eg915u ec800k ep06 ec2x eg18 rm500q bg96)

# Declares the options with the defaults given (a firmware's are not the library's).
macro(dfota_declare_options url_max upload family_sources preflight log ftp local meanings
      families)
  set(DFOTA_URL_MAX ${url_max} CACHE STRING "Longest target (URL or local path) in bytes, 100-4000")
  option(DFOTA_WITH_UPLOAD "The host-side upload of a package into the module" ${upload})
  option(DFOTA_WITH_FAMILY_SOURCES "Keep each family's source text (dfota families)"
         ${family_sources})
  option(DFOTA_WITH_PREFLIGHT "The checks before AT+QFOTADL (SIM, network, URC port...)"
         ${preflight})
  option(DFOTA_WITH_LOG "Lines for the on_log callback" ${log})
  option(DFOTA_WITH_FTP "ftp:// targets" ${ftp})
  option(DFOTA_WITH_LOCAL "Targets in the module's file system (needed by the upload)" ${local})
  option(DFOTA_WITH_CODE_MEANINGS "The meanings of the modules' error codes, in texts" ${meanings})
  set(DFOTA_FAMILIES "${families}" CACHE STRING
      "The families built in: all, or a list of ${DFOTA_KNOWN_FAMILIES} (generic always)")
endmacro()

# Sets out_var to the compile definitions of the options as set.
function(dfota_config_definitions out_var)
  set(defs DFOTA_URL_MAX=${DFOTA_URL_MAX})
  foreach(opt UPLOAD FAMILY_SOURCES PREFLIGHT LOG FTP LOCAL CODE_MEANINGS)
    if(DFOTA_WITH_${opt})
      list(APPEND defs DFOTA_WITH_${opt}=1)
    else()
      list(APPEND defs DFOTA_WITH_${opt}=0)
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
