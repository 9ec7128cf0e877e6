#pragma once
// RemoteStream protocol, flag 4 (PROTOCOL.md §12): random access to one file at a time per
// connection, beneath RemoteStream's root, with a position kept by the session. Writes go to the
// file in place; a read/write open holds the path's write lock (§12.3) until CloseFile, the next
// OpenFile or the end of the connection.

#include <cstdint>
#include <memory>
#include <string_view>

#include "asyncsvr/files/sandbox.hpp"
#include "asyncsvr/net/framed_session.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "stream_file.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t remote_stream_flag = 4;

class remote_stream_session final : public net::framed_session {
 public:
  using framed_session::framed_session;

 private:
  std::span<const net::command_spec> commands() const override;
  void on_close() override;

  void file_exists(const net::request& r);
  void open_file(const net::request& r);
  void close_file(const net::request& r);
  void get_size(const net::request& r);
  void set_size(const net::request& r);
  void get_position(const net::request& r);
  void set_position(const net::request& r);
  void seek(const net::request& r);
  void read(const net::request& r);
  void write(const net::request& r);

  // False, with NotOpenFile replied, when no file is open.
  bool require_open(const net::request& r);
  // Whether the open file may be written up to offset `end`; if not, replies NotOpenFile,
  // PermissionDenied (read-only open) or QuotaExceeded.
  bool may_write_up_to(const net::request& r, std::uint64_t end);
  void reply_fs_error(std::string_view command, const files::fs_error& error);
  void reply_count(std::string_view command, std::size_t count, std::span<const char> data = {});
  // Runs `work` on the file workers and `done` with its result back on the strand.
  template <class Work, class Done>
  void off_strand(Work work, Done done);

  std::shared_ptr<stream_file> file_;
  std::int64_t position_ = 0;
};

void register_remote_stream(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
