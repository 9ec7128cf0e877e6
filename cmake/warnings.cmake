# One interface target carries the project's warning policy so every target opts in the same way.
add_library(asyncsvr_warnings INTERFACE)
target_compile_options(asyncsvr_warnings INTERFACE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                                   $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
                                                   $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast>)
# GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string at -O2/-O3 (GCC bugs
# 105329 and 105651); they are not in our code and cannot be fixed there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(asyncsvr_warnings INTERFACE -Wno-restrict)
endif()
