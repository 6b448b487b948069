# -DCDCP_FUZZ=ON (clang only) builds the libFuzzer targets of fuzz/. Everything is then
# compiled with coverage for libFuzzer (-fsanitize=fuzzer-no-link) and with AddressSanitizer
# and UndefinedBehaviorSanitizer, so it can share a build with CDCP_SANITIZE.
option(CDCP_FUZZ "Build the libFuzzer targets of fuzz/ (clang)" OFF)
if(CDCP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CDCP_FUZZ needs clang (libFuzzer): configure with CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  if(NOT CDCP_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
  endif()
endif()
