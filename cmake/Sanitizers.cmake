# -DCDCP_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang or gcc).
option(CDCP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(CDCP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
