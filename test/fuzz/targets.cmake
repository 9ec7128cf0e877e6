# Every fuzz target and the library it tests, as NAME=LIBRARY: one list for the libFuzzer build
# (test/fuzz/CMakeLists.txt) and for the corpus replay in ctest (test/fuzz/replay.cmake).
# session runs a whole in-process server, so it needs test/support.
set(asyncsvr_fuzz_targets
    text_block=asyncsvr_codec
    path_rules=asyncsvr_files
    frame_decoder=asyncsvr_codec
    users_file=asyncsvr_auth
    session=asyncsvr_test_support)

# asyncsvr_for_each_fuzz_target(FUNCTION): calls FUNCTION(NAME LIBRARY) for each of them.
function(asyncsvr_for_each_fuzz_target fn)
  foreach(target IN LISTS asyncsvr_fuzz_targets)
    string(REPLACE "=" ";" parts "${target}")
    cmake_language(CALL ${fn} ${parts})
  endforeach()
endfunction()
