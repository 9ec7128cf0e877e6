#include "stream_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asyncsvr/files/path_rules.hpp"

namespace asyncsvr::protocols {
namespace {

using codec::result_code;

files::fs_error from_errno() {
  return files::error_from_errno(errno, result_code::unknown_error);
}

// §12.2 lists the codes OpenFile may answer with. A refusal by the file system itself (access
// rights, read-only mount, no space for the new entry) has no code of its own there, so it is an
// UnknownError whose message still names the system's reason.
files::fs_error as_open_error(files::fs_error error) {
  switch (error.code) {
    case result_code::file_not_exist:
    case result_code::dir_not_exist:
    case result_code::not_a_file:
    case result_code::path_not_allowed:
    case result_code::file_is_in_use:
    case result_code::unknown_error:
      return error;
    default:
      return {result_code::unknown_error, std::move(error.message)};
  }
}

}  // namespace

std::shared_ptr<stream_file> stream_file::open(files::file_store& store,
                                               const std::string& canonical, open_mode mode,
                                               files::fs_error& error) {
  const files::unique_fd dir = store.stream_root().open_dir(files::parent_of(canonical), error);
  if (!dir) {
    error = as_open_error(std::move(error));
    return nullptr;
  }
  std::shared_ptr<stream_file> file(new stream_file());
  int flags = O_RDONLY;
  if (mode == open_mode::read_write) {
    auto& claims = store.stream_claims();
    // The lock comes before the file is created, so a path an upload owns is never touched.
    if (!claims.lock_writer(canonical)) {
      error = {result_code::file_is_in_use, "the file is being written by another session"};
      return nullptr;
    }
    file->claims_ = &claims;
    file->locked_path_ = canonical;
    flags = O_RDWR | O_CREAT;
  }
  file->fd_ = files::open_file_at(dir.get(), files::leaf_of(canonical), flags, error);
  if (!file->fd_) {
    error = as_open_error(std::move(error));
    return nullptr;  // releases the lock taken above
  }
  return file;
}

stream_file::~stream_file() {
  if (claims_) claims_->unlock_writer(locked_path_);
}

std::int64_t stream_file::size(files::fs_error& error) const {
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) {
    error = from_errno();
    return 0;
  }
  return st.st_size;
}

std::size_t stream_file::read_at(std::int64_t position, std::span<char> into,
                                 files::fs_error& error) const {
  std::size_t done = 0;
  while (done < into.size()) {
    const ssize_t n = ::pread(fd_.get(), into.data() + done, into.size() - done,
                              static_cast<off_t>(position) + static_cast<off_t>(done));
    if (n == 0) break;  // end of file
    if (n < 0) {
      if (errno == EINTR) continue;
      error = from_errno();
      return 0;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

files::fs_error stream_file::write_at(std::int64_t position, std::span<const char> data) const {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done,
                               static_cast<off_t>(position) + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return from_errno();
    }
    if (n == 0) return {result_code::unknown_error, "the file system accepted no bytes"};
    done += static_cast<std::size_t>(n);
  }
  return {};
}

files::fs_error stream_file::resize(std::uint64_t size) const {
  while (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
    if (errno != EINTR) return from_errno();
  }
  return {};
}

}  // namespace asyncsvr::protocols
