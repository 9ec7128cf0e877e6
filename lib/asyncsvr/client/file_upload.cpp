#include "asyncsvr/client/file_upload.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "asyncsvr/client/local_file.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "asyncsvr/codec/command_text.hpp"

namespace asyncsvr::client {

namespace {

// The largest Data payload, `wanted` at most, whose frame fits max_packet_size: M − 4 − the
// text's length (§10.8).
std::size_t data_capacity(const options& settings, std::size_t wanted) {
  std::string text;
  codec::begin_request(text, "Data");
  const auto limit = settings.max_packet_size - 4 - text.size();
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, limit));
}

// Data has no reply (§10.8), so whatever the server sends during the upload is the reply to a
// failed Data or a Disconnect notice, and the connection is about to close.
[[noreturn]] void report_refusal(connection& c, const std::string& context) {
  const auto frame = c.receive();
  expect_success(frame, context);
  throw std::runtime_error(context + ": server sent " + frame.command + " during the upload");
}

void send_data(connection& c, std::span<const char> bytes, const std::string& context) {
  try {
    c.send("Data", {}, bytes);
  } catch (const error&) {
    // The server may have refused an earlier Data and closed (§10.8); its reply says why, which
    // the broken pipe does not.
    if (c.input_pending()) report_refusal(c, context);
    throw;
  }
}

// The frame answering Eof: its reply, or the reply to a Data that failed before it (§19.6), or a
// Disconnect notice.
message eof_reply(connection& c, const std::string& context) {
  auto reply = c.receive();
  if (codec::iequals(reply.command, "Eof") || codec::iequals(reply.command, "Data") ||
      reply.command == "Disconnect") {
    return reply;
  }
  throw std::runtime_error(context + ": server sent " + reply.command +
                           " instead of the Eof reply");
}

}  // namespace

std::uint64_t upload_file(reconnecting_session& session, const std::filesystem::path& local,
                          const remote_path& target, transfer_listener& listener,
                          std::size_t chunk_size) {
  auto file = local_file::open_for_reading(local);
  const auto total = file.size();
  const auto total_text = std::to_string(total);
  const auto context =
      "upload " + local.string() + " to " + join_remote_path(target.dir, target.name);
  // One buffer for the whole file: the loop below allocates nothing per chunk.
  std::vector<char> buffer(
      std::min<std::uint64_t>(data_capacity(session.who().options, chunk_size), total));
  std::uint64_t confirmed = 0;  // the largest resume offset the server reported

  return session.run(
      [&](connection& c) {
        const auto opened = c.call("Upload", {{"DirName", target.dir}, {"FileName", target.name}});
        expect_success(opened, context);
        const auto resume = opened.integer("FileSize");
        if (resume < 0 || static_cast<std::uint64_t>(resume) > total) {
          throw std::runtime_error(context + ": the server holds a partial upload of " +
                                   std::to_string(resume) + " bytes, but the local file has " +
                                   total_text + "; it is of some other content");
        }
        auto offset = static_cast<std::uint64_t>(resume);
        if (offset > confirmed) {
          confirmed = offset;
          session.made_progress();
        }
        listener.started(offset, total);
        while (offset < total) {
          if (c.input_pending()) report_refusal(c, context);
          const auto want = std::min<std::uint64_t>(buffer.size(), total - offset);
          const auto got = file.read_at({buffer.data(), static_cast<std::size_t>(want)}, offset);
          if (got == 0) throw std::runtime_error(local.string() + " shrank while being uploaded");
          send_data(c, {buffer.data(), got}, context);
          offset += got;
          listener.advanced(offset);
        }
        c.send("Eof", {{"FileSize", total_text}});
        const auto published = eof_reply(c, context);
        expect_success(published, context);
        return static_cast<std::uint64_t>(published.integer("FileSize"));
      },
      listener);
}

}  // namespace asyncsvr::client
