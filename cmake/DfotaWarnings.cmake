# The project's own code builds without a single warning.
function(dfota_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wundef
                                             -Werror)
  endif()
endfunction()
