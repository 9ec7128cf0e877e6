# ASYNCSVR_SANITIZE is a comma-separated list handed to -fsanitize (for example address,undefined
# or thread). It applies to every target so that the library and its tests agree on the runtime.
set(ASYNCSVR_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined or thread")
if(ASYNCSVR_SANITIZE)
  add_compile_options(-fsanitize=${ASYNCSVR_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ASYNCSVR_SANITIZE})
endif()
