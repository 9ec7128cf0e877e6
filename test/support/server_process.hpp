#pragma once
// The built server binary (named by $ASYNCSVR_BINARY, which CMake sets for these tests) on a
// loopback port, as a child process: for crash, signal and service-manager tests.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace asyncsvr::test {

// A loopback port that was free a moment ago (bound to port 0, then released), for a server to
// bind next.
std::uint16_t free_port();

// Writes the users file data_dir/users with admin/admin and returns the command line of a server
// on 127.0.0.1:port serving data_dir, followed by `extra` options. Throws std::runtime_error when
// ASYNCSVR_BINARY is not set.
std::vector<std::string> server_command(const std::filesystem::path& data_dir, std::uint16_t port,
                                        const std::vector<std::string>& extra = {});

// True when something accepts connections on 127.0.0.1:port.
bool port_accepts(boost::asio::io_context& io, std::uint16_t port);

}  // namespace asyncsvr::test
