# Turns one scdoc source into a compressed manual page:
#   cmake -DSCDOC=... -DIN=page.scd -DOUT=page.1.gz -P DfotaScdoc.cmake
get_filename_component(roff ${OUT} NAME_WLE)
get_filename_component(dir ${OUT} DIRECTORY)
execute_process(COMMAND ${SCDOC} INPUT_FILE ${IN} OUTPUT_FILE ${dir}/${roff}
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "scdoc ${IN}: ${err}")
endif()
execute_process(COMMAND gzip -9nf ${dir}/${roff} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${dir}/${roff} failed")
endif()
