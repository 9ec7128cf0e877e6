#include "remote_stream_session.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include <boost/asio/thread_pool.hpp>

#include "asyncsvr/files/path_rules.hpp"
#include "asyncsvr/log/log.hpp"

// Where the work runs. Read, Write and SetSize go to the file workers (file_store::workers()): a
// read that misses the page cache, a write held back by dirty-page throttling or a truncation
// that frees gigabytes may block for milliseconds or more, and an I/O thread blocked that long
// serves no other session meanwhile. The session suspends its requests until the result is back
// on its strand, so replies keep request order and the position is only ever touched on the
// strand. Everything else stays on the strand: opening walks at most 32 cached directory entries,
// fstat reads an inode the open descriptor already pins, and positions are arithmetic.

namespace asyncsvr::protocols {
namespace {

using codec::result_code;
using net::presence;

constexpr std::int64_t max_int32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t max_int64 = std::numeric_limits<std::int64_t>::max();

struct read_result {
  memory::buffer data;
  std::size_t count = 0;
  files::fs_error error;
};

}  // namespace

template <class Work, class Done>
void remote_stream_session::off_strand(Work work, Done done) {
  suspend_requests();
  // `done` runs even if the session closed meanwhile: send() then queues nothing, and resuming a
  // closed session does nothing.
  run_off_strand(context().files.workers().get_executor(), std::move(work),
                 [this, done = std::move(done)](auto result) mutable {
                   done(result);
                   resume_requests();
                 });
}

std::span<const net::command_spec> remote_stream_session::commands() const {
  using self = remote_stream_session;
  using net::access;
  using net::payload;
  static constexpr net::command_spec table[] = {
      {"FileExists", access::login, payload::none, &call<&self::file_exists>},
      {"OpenFile", access::login, payload::none, &call<&self::open_file>},
      {"SetSize", access::login, payload::none, &call<&self::set_size>},
      {"GetSize", access::login, payload::none, &call<&self::get_size>},
      {"SetPosition", access::login, payload::none, &call<&self::set_position>},
      {"GetPosition", access::login, payload::none, &call<&self::get_position>},
      {"Read", access::login, payload::none, &call<&self::read>},
      {"Write", access::login, payload::allowed, &call<&self::write>},
      {"Seek", access::login, payload::none, &call<&self::seek>},
      {"CloseFile", access::login, payload::none, &call<&self::close_file>},
  };
  return table;
}

void remote_stream_session::on_close() {
  file_.reset();  // the write lock must not wait for the session object to be destroyed
}

void remote_stream_session::file_exists(const net::request& r) {
  net::key_reader keys(r);
  const auto name = keys.text("FileName", presence::required);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  const auto path = files::check_path(*name, files::path_kind::relpath);
  if (!path.ok()) return reply_error(r, path.error);

  files::fs_error error;
  const auto dir = context().files.stream_root().open_dir(files::parent_of(path.canonical), error);
  if (!dir) {
    // §12.1 only tells whether a file is there: in a missing directory, it is not.
    if (error.code == result_code::dir_not_exist) error = {result_code::file_not_exist, {}};
    return reply_fs_error(r.command, error);
  }
  switch (files::status_at(dir.get(), files::leaf_of(path.canonical)).type) {
    case files::entry_type::regular:
      return reply_ok(r);
    case files::entry_type::missing:
      return reply_error(r, result_code::file_not_exist);
    case files::entry_type::symlink:  // §19.5: a link is refused, not followed or reported on
      return reply_error(r, result_code::path_not_allowed, "symbolic links are not followed");
    case files::entry_type::directory:
    case files::entry_type::other:
      return reply_error(r, result_code::not_a_file);
  }
}

void remote_stream_session::open_file(const net::request& r) {
  net::key_reader keys(r);
  const auto name = keys.text("FileName", presence::required);
  const auto mode = keys.integer("Mode", presence::required, 0, 1);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  const auto path = files::check_path(*name, files::path_kind::relpath);
  if (!path.ok()) return reply_error(r, path.error);

  // §12.2: the previous file is closed first, whatever becomes of this open; reopening the same
  // path for writing then finds its lock free.
  file_.reset();
  position_ = 0;
  files::fs_error error;
  file_ = stream_file::open(context().files, path.canonical, static_cast<open_mode>(*mode), error);
  if (!file_) return reply_fs_error(r.command, error);
  reply_ok(r);
}

void remote_stream_session::close_file(const net::request& r) {
  if (!require_open(r)) return;
  file_.reset();
  position_ = 0;
  reply_ok(r);
}

void remote_stream_session::get_size(const net::request& r) {
  if (!require_open(r)) return;
  files::fs_error error;
  const auto size = file_->size(error);
  if (error) return reply_fs_error(r.command, error);
  send(begin_reply(r).add("Size", size).text());
}

void remote_stream_session::set_size(const net::request& r) {
  net::key_reader keys(r);
  const auto size = keys.integer("Size", presence::required, 0, max_int64);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (!may_write_up_to(r, static_cast<std::uint64_t>(*size))) return;
  off_strand(
      [file = file_, size = *size] { return file->resize(static_cast<std::uint64_t>(size)); },
      [this, command = r.command](const files::fs_error& error) {
        if (error) return reply_fs_error(command, error);
        send(codec::begin_response(scratch(), command, result_code::success).text());
      });
}

void remote_stream_session::get_position(const net::request& r) {
  if (!require_open(r)) return;
  send(begin_reply(r).add("Position", position_).text());
}

void remote_stream_session::set_position(const net::request& r) {
  net::key_reader keys(r);
  const auto position = keys.integer("Position", presence::required, 0, max_int64);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (!require_open(r)) return;
  position_ = *position;  // §19.9: past the end is allowed
  reply_ok(r);
}

void remote_stream_session::seek(const net::request& r) {
  net::key_reader keys(r);
  const auto offset = keys.integer("Offset", presence::required,
                                   std::numeric_limits<std::int64_t>::min(), max_int64);
  const auto origin = keys.integer("SeekOrigin", presence::required, 0, 2);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (!require_open(r)) return;
  std::int64_t base = 0;
  if (*origin == 1) base = position_;
  if (*origin == 2) {
    files::fs_error error;
    base = file_->size(error);
    if (error) return reply_fs_error(r.command, error);
  }
  // The base is never negative, so only a positive offset can overflow.
  if (*offset > max_int64 - base || base + *offset < 0) {
    return reply_error(r, result_code::parameter_error, "the new position would be out of range");
  }
  position_ = base + *offset;
  send(begin_reply(r).add("Offset", position_).text());
}

void remote_stream_session::read(const net::request& r) {
  net::key_reader keys(r);
  const auto wanted = keys.integer("Count", presence::required, 1, max_int32);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (!require_open(r)) return;

  // §12.5, §8.3: a large request is reduced to remote_stream_max_read, and further so that the
  // reply (its text longest with a ten-digit Count) fits in max_packet_size. Nothing is read
  // past the largest offset a position can name, where pread would refuse the whole request.
  const auto& config = context().config;
  const std::size_t reply_text = codec::begin_response(scratch(), r.command, result_code::success)
                                     .add("Count", max_int32)
                                     .text()
                                     .size();
  const std::uint64_t frame_room =
      config.max_packet_size > 4 + reply_text ? config.max_packet_size - 4 - reply_text : 0;
  const auto count = static_cast<std::size_t>(
      std::min({static_cast<std::uint64_t>(*wanted), config.remote_stream_max_read, frame_room,
                static_cast<std::uint64_t>(max_int64 - position_)}));
  if (count == 0) return reply_count(r.command, 0);

  off_strand(
      [file = file_, position = position_, data = context().pool.acquire(count), count]() mutable {
        read_result result;
        result.count = file->read_at(position, {data.data(), count}, result.error);
        result.data = std::move(data);
        return result;
      },
      [this, command = r.command](const read_result& result) {
        if (result.error) return reply_fs_error(command, result.error);
        position_ += static_cast<std::int64_t>(result.count);
        reply_count(command, result.count, {result.data.data(), result.count});
      });
}

void remote_stream_session::write(const net::request& r) {
  net::key_reader keys(r);
  const auto count = keys.integer("Count", presence::optional, 0, max_int32);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  const std::size_t length = r.payload.size();
  if (count && static_cast<std::uint64_t>(*count) != length) {
    return reply_error(r, result_code::parameter_error, "Count differs from the payload length");
  }
  // Positions are at most 2^63 - 1 and payloads far below 2^63, so the sum cannot wrap.
  if (!may_write_up_to(r, static_cast<std::uint64_t>(position_) + length)) return;
  if (length == 0) return reply_count(r.command, 0);

  // The payload lives in the receive buffer only while this handler runs.
  auto data = context().pool.acquire(length);
  std::memcpy(data.data(), r.payload.data(), length);
  off_strand(
      [file = file_, position = position_, data = std::move(data), length] {
        return file->write_at(position, {data.data(), length});
      },
      [this, command = r.command, length](const files::fs_error& error) {
        // After a failure the file may hold part of the data; the position stays where the
        // write began, so the client can find out with GetSize and write again.
        if (error) return reply_fs_error(command, error);
        position_ += static_cast<std::int64_t>(length);
        reply_count(command, length);
      });
}

bool remote_stream_session::require_open(const net::request& r) {
  if (file_) return true;
  reply_error(r, result_code::not_open_file);
  return false;
}

bool remote_stream_session::may_write_up_to(const net::request& r, std::uint64_t end) {
  if (!require_open(r)) return false;
  if (!file_->writable()) {
    reply_error(r, result_code::permission_denied, "the file is open read-only (Mode=0)");
    return false;
  }
  const auto limit = context().config.upload_max_file_size;
  if (end > static_cast<std::uint64_t>(max_int64) || (limit != 0 && end > limit)) {
    reply_error(r, result_code::quota_exceeded, "the file would exceed its size limit");
    return false;
  }
  return true;
}

void remote_stream_session::reply_fs_error(std::string_view command, const files::fs_error& error) {
  if (error.code == result_code::unknown_error) {
    LOG_WARN(id()) << "RemoteStream " << command << " failed: " << error.message;
  }
  reply_error(command, error.code, error.message);
}

void remote_stream_session::reply_count(std::string_view command, std::size_t count,
                                        std::span<const char> data) {
  auto reply = codec::begin_response(scratch(), command, result_code::success);
  send(reply.add("Count", static_cast<std::uint64_t>(count)).text(), data);
}

void register_remote_stream(net::protocol_registry& registry) {
  registry.add(remote_stream_flag, "RemoteStream",
               net::make_factory<remote_stream_session>(remote_stream_flag));
}

}  // namespace asyncsvr::protocols
