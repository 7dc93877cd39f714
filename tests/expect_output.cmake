# Runs a command and passes only when it exits 0, its output (stdout and
# stderr together) matches REGEX (CMake regex: '.' also matches newlines),
# and no sanitizer reported anything. CTest's PASS_REGULAR_EXPRESSION alone
# ignores the exit code, so a crash after the matching line would pass.
#   cmake -DREGEX=<regex> -P expect_output.cmake COMMAND [ARGS...]
set(cmd "")
set(after_script FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_script)
    string(REPLACE ";" "\\;" arg "${CMAKE_ARGV${i}}") # one argument, even with a ';' in it
    list(APPEND cmd "${arg}")
  elseif(CMAKE_ARGV${i} MATCHES "expect_output\\.cmake$")
    set(after_script TRUE)
  endif()
endforeach()
if(NOT cmd OR NOT DEFINED REGEX)
  message(FATAL_ERROR "usage: cmake -DREGEX=<regex> -P expect_output.cmake COMMAND [ARGS...]")
endif()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "exited with '${rc}', expected 0")
endif()
if(out MATCHES "ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|runtime error: ")
  message(FATAL_ERROR "a sanitizer reported an error (above)")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "the output does not match: ${REGEX}")
endif()
