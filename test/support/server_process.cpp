#include "server_process.hpp"

#include <cstdlib>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/auth/user_store.hpp"
#include "file_helpers.hpp"

namespace asyncsvr::test {

namespace fs = std::filesystem;
using boost::asio::ip::tcp;

std::uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

std::vector<std::string> server_command(const fs::path& data_dir, std::uint16_t port,
                                        const std::vector<std::string>& extra) {
  const char* binary = std::getenv("ASYNCSVR_BINARY");
  if (binary == nullptr) throw std::runtime_error("ASYNCSVR_BINARY must name the server binary");
  write_file(
      data_dir / "users",
      auth::format_user_line("admin", auth::role::admin, "admin", auth::min_iterations) + "\n");
  fs::permissions(data_dir / "users", fs::perms::owner_read | fs::perms::owner_write);
  std::vector<std::string> args{binary,
                                "--listen=127.0.0.1",
                                "--port=" + std::to_string(port),
                                "--status-port=0",
                                "--threads=2",
                                "--log-level=warning",
                                "--data-dir=" + data_dir.string(),
                                "--users-file=" + (data_dir / "users").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool port_accepts(boost::asio::io_context& io, std::uint16_t port) {
  tcp::socket probe(io);
  boost::system::error_code ec;
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

}  // namespace asyncsvr::test
