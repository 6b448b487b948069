# Warnings on everywhere; -Werror with CDCP_WERROR (CI and the test script).
function(cdcp_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wconversion -Wsign-conversion -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough)
  if(CDCP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
