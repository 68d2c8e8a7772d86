# CTest check of the by-file registration (VMCSIM_TESTS_BY_FILE): every source file that holds
# a test case, by the test binary's own filename tags, has its CTest test, so no case is left
# out of the suite because its file was not recognised when CMake configured.
#   cmake -DTEST_BINARY=<path> -DREGISTERED=<stem;stem;...> -P check_test_shards.cmake
execute_process(COMMAND ${TEST_BINARY} "-#" --list-tags
                OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0 AND listing STREQUAL "")
  message(FATAL_ERROR "${TEST_BINARY} -# --list-tags failed (${status})")
endif()
string(REGEX MATCHALL "\\[#[^]]+\\]" tags "${listing}")
set(missing)
foreach(tag ${tags})
  string(REGEX REPLACE "^\\[#(.*)\\]$" "\\1" stem "${tag}")
  list(FIND REGISTERED "${stem}" at)
  if(at EQUAL -1)
    list(APPEND missing "${stem}")
  endif()
endforeach()
if(tags STREQUAL "")
  message(FATAL_ERROR "${TEST_BINARY} lists no filename tags")
endif()
if(missing)
  message(FATAL_ERROR "test sources with cases but no CTest test: ${missing}")
endif()
