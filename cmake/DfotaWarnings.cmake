# The project's own code builds without a single warning. Warnings are errors only where
# the project asks for it (DFOTA_WERROR: CI and developers): a newer compiler's new
# warning must never break a user's or a distribution's build.
option(DFOTA_WERROR "Treat warnings in dfota's own code as errors (CI, developers)" OFF)

function(dfota_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wundef)
    if(DFOTA_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
