# CTest check that a command fails in the expected way: a non-zero exit status and EXPECT (a
# regular expression) in its output. WILL_FAIL alone would also pass on a crash.
#   cmake "-DCOMMAND=<program;args...>" -DEXPECT=<regex> -P check_fails_with.cmake
execute_process(COMMAND ${COMMAND} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(status EQUAL 0)
  message(FATAL_ERROR "expected a failure, but it exited 0:\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "it failed (${status}) without saying '${EXPECT}':\n${out}${err}")
endif()
