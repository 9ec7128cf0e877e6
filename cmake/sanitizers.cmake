# ASYNCSVR_SANITIZE is a comma-separated list handed to -fsanitize (for example address,undefined
# or thread). It applies to every target so that the library and its tests agree on the runtime.
set(ASYNCSVR_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined or thread")
if(ASYNCSVR_SANITIZE)
  add_compile_options(-fsanitize=${ASYNCSVR_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ASYNCSVR_SANITIZE})
  # UBSan's vptr check probes memory through a pipe; in a process that is out of descriptors
  # (the EMFILE test creates one on purpose) the probe fails and every check reports a false
  # "invalid vptr". The other UBSan checks stay on.
  if(ASYNCSVR_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize=vptr)
  endif()
  # GCC warns that TSan does not model the atomic_thread_fence inside Asio's strand; the fence is
  # correct and -Werror would stop the build.
  if(ASYNCSVR_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
endif()
