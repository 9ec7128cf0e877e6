# `cmake --install` layout and the Debian package (docs/OPERATIONS.md):
#   bin/asyncsvr, bin/asyncsvr-cli
#   SYSCONFDIR/asyncsvr/asyncsvr.conf        (/etc/asyncsvr with the /usr prefix of the .deb)
#   lib/systemd/system/asyncsvr.service      (/usr/lib/systemd/system in the .deb)
#   share/doc/asyncsvr/                      README.md, OPERATIONS.md
include(GNUInstallDirs)

install(TARGETS asyncsvr asyncsvr-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The installed files name installed paths. `pairs` holds FROM|TO replacements, each of which
# must match, so a change to the source file cannot silently leave a development path behind.
function(asyncsvr_install_rewritten source destination)
  cmake_parse_arguments(R "" "" "PAIRS" ${ARGN})
  file(READ ${PROJECT_SOURCE_DIR}/${source} text)
  foreach(pair IN LISTS R_PAIRS)
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 from)
    list(GET pair 1 to)
    string(FIND "${text}" "${from}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "${source} no longer contains '${from}'; update cmake/packaging.cmake")
    endif()
    string(REPLACE "${from}" "${to}" text "${text}")
  endforeach()
  get_filename_component(name ${source} NAME)
  file(WRITE ${PROJECT_BINARY_DIR}/install/${name} "${text}")
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                                                              ${PROJECT_SOURCE_DIR}/${source})
  install(FILES ${PROJECT_BINARY_DIR}/install/${name} DESTINATION ${destination})
endfunction()

set(asyncsvr_conf_dir ${CMAKE_INSTALL_FULL_SYSCONFDIR}/asyncsvr)
set(asyncsvr_data_dir ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/asyncsvr)
# Every other setting stays commented out at its default, as in the source file.
asyncsvr_install_rewritten(etc/asyncsvr.conf ${asyncsvr_conf_dir} PAIRS
  "# users_file = etc/users|users_file = ${asyncsvr_conf_dir}/users"
  "# data_dir = data|data_dir = ${asyncsvr_data_dir}")
asyncsvr_install_rewritten(etc/asyncsvr.service lib/systemd/system PAIRS
  "ExecStart=/usr/bin/asyncsvr --config /etc/asyncsvr/asyncsvr.conf|ExecStart=${CMAKE_INSTALL_FULL_BINDIR}/asyncsvr --config ${asyncsvr_conf_dir}/asyncsvr.conf"
  "ReadWritePaths=/var/lib/asyncsvr|ReadWritePaths=${asyncsvr_data_dir}")
install(FILES README.md docs/OPERATIONS.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The .deb: scripts/package.sh configures with CMAKE_INSTALL_PREFIX=/usr, so the configuration
# lands in /etc and the data directory is /var/lib/asyncsvr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME asyncsvr)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "High-performance multi-protocol TCP server (Boost.Asio)")
set(CPACK_PACKAGE_CONTACT "asyncsvr maintainers <asyncsvr@localhost>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# dpkg-shlibdeps computes the Boost 1.81 and libssl3 dependencies from the binaries; postinst
# needs adduser.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# The configuration is a conffile: upgrades keep local edits (dpkg asks when both changed).
file(WRITE ${PROJECT_BINARY_DIR}/install/conffiles "${asyncsvr_conf_dir}/asyncsvr.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
                                       ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
                                       ${PROJECT_SOURCE_DIR}/packaging/deb/postrm
                                       ${PROJECT_BINARY_DIR}/install/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
