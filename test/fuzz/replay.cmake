# Every fuzz target's corpus replayed as a ctest with any compiler (test/fuzz/replay_main.cpp), so
# that CI runs the seeds and every saved crash input on each run; libFuzzer itself (clang only)
# builds from test/fuzz/CMakeLists.txt.
function(asyncsvr_fuzz_replay name)
  add_executable(${name}_replay ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzzer.cpp
                                ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
  target_link_libraries(${name}_replay PRIVATE ${ARGN} asyncsvr_warnings)
  add_test(NAME fuzz_replay_${name}
           COMMAND ${name}_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/${name})
  set_tests_properties(fuzz_replay_${name} PROPERTIES TIMEOUT 120 LABELS unit)
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
asyncsvr_for_each_fuzz_target(asyncsvr_fuzz_replay)
