# One CTest run of a fuzzer: FUZZER over CORPUS (read only) for a fixed number of runs with
# a fixed seed. WORK, emptied first, receives the new inputs and any crash artifact.
foreach(var FUZZER WORK CORPUS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_test.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/new ${WORK}/artifacts)
execute_process(COMMAND ${FUZZER} -runs=20000 -seed=1 -detect_leaks=1 -print_final_stats=1
                        -artifact_prefix=${WORK}/artifacts/ ${WORK}/new ${CORPUS}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducer in ${WORK}/artifacts/")
endif()
