#include "asyncsvr/client/file_download.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "asyncsvr/client/local_file.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "asyncsvr/codec/command_text.hpp"

namespace asyncsvr::client {

namespace {

// Room for a Data push's text ([Response], Command=Data, Code=0 — 32 bytes, §11.3) within
// max_packet_size, with a margin for keys a later server version may add.
constexpr std::uint64_t data_push_text_reserve = 256;

std::uint64_t packet_capacity(const options& settings, std::uint32_t wanted) {
  return std::min<std::uint64_t>(wanted, settings.max_packet_size - 4 - data_push_text_reserve);
}

// Checks that `frame` is a successful push named `command`.
void expect_push(const message& frame, std::string_view command, const std::string& context) {
  expect_success(frame, context);
  if (!codec::iequals(frame.command, command)) {
    throw std::runtime_error(context + ": server sent " + frame.command + " where " +
                             std::string(command) + " was due");
  }
}

}  // namespace

std::filesystem::path partial_download_path(const std::filesystem::path& local) {
  auto part = local;
  part += ".part";
  return part;
}

std::uint64_t download_file(reconnecting_session& session, const remote_path& source,
                            const std::filesystem::path& local, transfer_listener& listener,
                            std::uint32_t packet_size) {
  const auto part_path = partial_download_path(local);
  auto part = local_file::open_for_appending(part_path);
  const auto context = "download " + join_remote_path(source.dir, source.name);
  const auto packet = std::to_string(packet_capacity(session.who().options, packet_size));

  const auto total = session.run(
      [&](connection& c) {
        auto offset = part.size();
        const auto offset_text = std::to_string(offset);
        expect_success(c.call("Download", {{"DirName", source.dir},
                                           {"FileName", source.name},
                                           {"FileSize", offset_text},
                                           {"PacketSize", packet}}),
                       context);
        const auto announced = c.receive();
        expect_push(announced, "SendFile", context);
        const auto following = announced.integer("FileSize");
        if (following < 0) throw std::runtime_error(context + ": negative SendFile FileSize");
        auto remaining = static_cast<std::uint64_t>(following);
        const auto size = offset + remaining;
        listener.started(offset, size);
        std::string_view payload;
        while (remaining > 0) {
          expect_push(c.receive_in_place(payload), "Data", context);
          if (payload.size() > remaining) {
            throw std::runtime_error(context + ": server sent more bytes than it announced");
          }
          part.append(payload);
          remaining -= payload.size();
          offset += payload.size();
          session.made_progress();
          listener.advanced(offset);
        }
        return size;
      },
      listener);
  part.sync();
  part.close();
  std::filesystem::rename(part_path, local);
  return total;
}

}  // namespace asyncsvr::client
