// cat and stat: reading a file through the RemoteStream protocol (§12).

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>

#include "asyncsvr/client/progress.hpp"
#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/remote_path.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "commands.hpp"

namespace asyncsvr::cli {

namespace {

// Bytes asked for per Read; the server reduces it to remote_stream_max_read (§12.5).
constexpr std::uint64_t read_size = 1024 * 1024;
// Room for the Read reply's text within max_packet_size.
constexpr std::uint64_t reply_text_reserve = 256;

client::connection connect(const command_context& context) {
  return client::open_session(context.io, context.options.account, remote_stream_protocol);
}

// Read-only: §12.2's Mode 0 never creates the file.
void open_for_reading(client::connection& c, const std::string& path) {
  client::expect_success(c.call("OpenFile", {{"FileName", path}, {"Mode", "0"}}), "open " + path);
}

void close_file(client::connection& c, const std::string& path) {
  client::expect_success(c.call("CloseFile"), "close " + path);
}

}  // namespace

void run_cat(const command_context& context) {
  const auto path = client::trim_remote_path(context.options.args.front());
  auto c = connect(context);
  open_for_reading(c, path);
  const auto count = std::to_string(
      std::min(read_size, context.options.account.options.max_packet_size - reply_text_reserve));
  for (;;) {
    const auto reply = c.call("Read", {{"Count", count}});
    client::expect_success(reply, "read " + path);
    if (reply.payload.empty()) break;  // the end of the file (§12.5: Count=0)
    std::cout.write(reply.payload.data(), static_cast<std::streamsize>(reply.payload.size()));
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
  }
  if (!std::cout.flush()) throw std::runtime_error("cannot write to standard output");
  close_file(c, path);
}

void run_stat(const command_context& context) {
  const auto path = client::trim_remote_path(context.options.args.front());
  auto c = connect(context);
  // FileExists first: it tells a missing file from a directory (§12.1).
  client::expect_success(c.call("FileExists", {{"FileName", path}}), "stat " + path);
  open_for_reading(c, path);
  const auto reply = c.call("GetSize");
  client::expect_success(reply, "size of " + path);
  const auto size = static_cast<std::uint64_t>(reply.integer("Size"));
  close_file(c, path);
  std::cout << path << ": regular file, " << size << " bytes (" << client::format_bytes(size)
            << ")\n";
}

}  // namespace asyncsvr::cli
