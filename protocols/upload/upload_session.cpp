#include "upload_session.hpp"

#include <cerrno>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/thread_pool.hpp>

#include "asyncsvr/files/file_store.hpp"

namespace asyncsvr::protocols {

using codec::result_code;

std::span<const net::command_spec> upload_session::commands() const {
  using net::access;
  using net::payload;
  static constexpr net::command_spec table[] = {
      {"Dir", access::login, payload::none, &call<&upload_session::dir>},
      {"CreateDir", access::login, payload::none, &call<&upload_session::create_dir>},
      {"DeleteDir", access::login, payload::none, &call<&upload_session::delete_dir>},
      {"FileList", access::login, payload::none, &call<&upload_session::file_list>},
      {"DeleteFile", access::login, payload::none, &call<&upload_session::delete_file>},
      {"Upload", access::login, payload::none, &call<&upload_session::upload>},
      // §10.8: a refused Data is answered once and ends the connection.
      {"Data", access::login, payload::allowed, &call<&upload_session::data>, true},
      {"Eof", access::login, payload::none, &call<&upload_session::eof>},
  };
  return table;
}

files::file_claims& upload_session::claims() noexcept {
  return context().files.claims();
}

void upload_session::upload(const net::request& r) {
  net::key_reader keys(r);
  const auto dir_value = keys.text("DirName", net::presence::required);
  const auto name_value = keys.text("FileName", net::presence::required);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  // The name first: an empty one is a ParameterError, which goes before any PathNotAllowed (§6.4).
  auto name = checked(r, *name_value, files::path_kind::name);
  if (!name) return;
  auto directory = checked(r, *dir_value, files::path_kind::dir);
  if (!directory) return;
  close_upload();  // §10.7: an upload already open here is closed first, its partial kept
  const files::unique_fd dir_fd = open_dir(r, *directory);
  if (!dir_fd) return;
  switch (files::status_at(dir_fd.get(), *name).type) {
    case files::entry_type::directory:
      return reply_error(r, result_code::not_a_file, "a directory has that name");
    case files::entry_type::symlink:
      return reply_error(r, result_code::path_not_allowed, "symbolic links are not followed");
    case files::entry_type::other:
      return reply_error(r, result_code::not_a_file, "not a regular file");
    case files::entry_type::missing:
    case files::entry_type::regular:
      break;
  }
  std::string target = files::join_path(*directory, *name);
  auto self = std::static_pointer_cast<upload_session>(shared_from_this());
  auto claim = claims().claim_upload(target, std::weak_ptr<files::upload_owner>(self));
  if (claim.error != result_code::success) {
    return reply_error(r, claim.error, "the file is open for writing through RemoteStream");
  }
  if (!claim.previous)
    return open_owned(std::move(target), std::move(*directory), std::move(*name));
  // §10.1 takeover: the previous owner stops and closes its partial before its size is measured,
  // so that the offset we reply with is final. Requests wait meanwhile to keep replies in order.
  suspend_requests();
  claim.previous->surrender(
      [self, target, directory = std::move(*directory), name = std::move(*name)] {
        self->run_on_strand([self, target, directory, name] {
          self->open_owned(target, directory, name);
          self->resume_requests();
        });
      });
}

void upload_session::open_owned(std::string target, std::string directory, std::string name) {
  const auto give_up = [&](result_code code, std::string_view message) {
    claims().release_upload(target, this);
    reply_error("Upload", code, message);
  };
  if (ending()) {
    claims().release_upload(target, this);
    return;
  }
  files::fs_error error;
  files::unique_fd partial = context().files.staging().open_partial(target, error);
  if (!partial) return give_up(error.code, error.message);
  struct stat st {};
  if (::fstat(partial.get(), &st) != 0) return give_up(result_code::unknown_error, "cannot stat");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  // A partial exactly at the limit may still be completed with Eof; only one beyond it (the
  // limit was lowered since) cannot.
  const auto limit = context().config.upload_max_file_size;
  if (limit != 0 && size > limit) {
    return give_up(result_code::quota_exceeded, "the partial is larger than upload_max_file_size");
  }
  upload_.emplace(open_upload{std::move(target), std::move(directory), std::move(name),
                              std::move(partial), size});
  context().metrics.active_uploads.add(1);
  auto reply = codec::begin_response(scratch(), "Upload", result_code::success);
  reply.add("FileSize", size);
  send(reply.text());
}

void upload_session::data(const net::request& r) {
  if (!upload_) return fail_data(result_code::not_open_file, "no upload is open");
  const auto limit = context().config.upload_max_file_size;
  if (limit != 0 && upload_->size + r.payload.size() > limit) {
    return fail_data(result_code::quota_exceeded, "the file would exceed upload_max_file_size");
  }
  std::size_t done = 0;
  while (done < r.payload.size()) {
    const ssize_t n =
        ::write(upload_->partial.get(), r.payload.data() + done, r.payload.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      upload_->size += done;
      const auto error = files::error_from_errno(errno, result_code::unknown_error);
      return fail_data(
          error.code == result_code::quota_exceeded ? error.code : result_code::unknown_error,
          error.message);
    }
    done += static_cast<std::size_t>(n);
  }
  upload_->size += done;
}

void upload_session::fail_data(result_code code, std::string_view message) {
  // §19.6: exactly one reply frame, then the connection closes without a Disconnect notice.
  close_upload();
  finish_with(codec::begin_response(scratch(), "Data", code, message).text());
}

void upload_session::eof(const net::request& r) {
  net::key_reader keys(r);
  const auto expected = keys.integer("FileSize", net::presence::optional, 0,
                                     std::numeric_limits<std::int64_t>::max());
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (!upload_) return reply_error(r, result_code::not_open_file, "no upload is open");
  if (expected && static_cast<std::uint64_t>(*expected) != upload_->size) {
    return reply_error(r, result_code::file_size_error,
                       "FileSize is " + std::to_string(*expected) + " but " +
                           std::to_string(upload_->size) + " bytes were received");
  }
  // The worker owns upload_ until published() runs: requests wait, and a takeover or the
  // connection's end waits for the publication (surrender(), on_close()).
  publishing_ = true;
  suspend_requests();
  run_off_strand(
      context().files.workers().get_executor(),
      [this] {
        const open_upload& upload = *upload_;
        const auto& store = context().files;
        files::fs_error error;
        const files::unique_fd directory = store.root().open_dir(upload.directory, error);
        if (directory) {
          error = store.staging().publish(upload.partial.get(), upload.target, directory.get(),
                                          upload.name);
        }
        return error;
      },
      [this](const files::fs_error& error) {
        published(error);
        resume_requests();
      });
}

void upload_session::published(const files::fs_error& error) {
  publishing_ = false;
  if (!ending()) {
    if (error) {
      reply_error("Eof", error.code, error.message);  // §10.9: the upload stays open
    } else {
      auto reply = codec::begin_response(scratch(), "Eof", result_code::success);
      reply.add("FileSize", upload_->size);
      send(reply.text());
    }
  }
  if (!error || ending()) close_upload();
  if (surrender_after_publish_) surrender(std::exchange(surrender_after_publish_, nullptr));
}

void upload_session::surrender(std::function<void()> released) {
  run_on_strand([this, released = std::move(released)]() mutable {
    if (publishing_) {
      surrender_after_publish_ = std::move(released);
      return;
    }
    close_upload();
    if (!ending()) {
      disconnect(result_code::upload_taken_over, "another connection took this upload over");
    }
    released();
  });
}

void upload_session::close_upload() noexcept {
  if (!upload_) return;
  claims().release_upload(upload_->target, this);
  upload_.reset();  // closes the partial; its bytes are in the page cache and stay there
  context().metrics.active_uploads.add(-1);
}

void upload_session::on_close() {
  if (!publishing_) close_upload();  // else published() closes it
}

void register_upload(net::protocol_registry& registry) {
  registry.add(upload_flag, "Upload", net::make_factory<upload_session>(upload_flag));
}

}  // namespace asyncsvr::protocols
