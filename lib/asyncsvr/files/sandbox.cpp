#include "sandbox.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <system_error>

#include "asyncsvr/files/path_rules.hpp"

namespace asyncsvr::files {
namespace {

using codec::result_code;

// A checked component as the NUL-terminated string the system calls want, without allocating.
class c_name {
 public:
  explicit c_name(std::string_view name) noexcept {
    const std::size_t n = std::min(name.size(), max_component_bytes);
    std::memcpy(text_.data(), name.data(), n);
    text_[n] = '\0';
  }
  const char* get() const noexcept { return text_.data(); }

 private:
  std::array<char, max_component_bytes + 1> text_;
};

fs_error unexpected(int error) {
  return {result_code::unknown_error, std::generic_category().message(error)};
}

}  // namespace

fs_error error_from_errno(int error, result_code when_missing) {
  switch (error) {
    case 0:
      return {};
    case ENOENT:
      return {when_missing, {}};
    case ELOOP:
      return {result_code::path_not_allowed, "symbolic links are not followed"};
    case EISDIR:
      return {result_code::not_a_file, "is a directory"};
    case ENOTDIR:
      return {result_code::dir_not_exist, {}};
    case EACCES:
    case EPERM:
    case EROFS:
      return {result_code::permission_denied, std::generic_category().message(error)};
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return {result_code::quota_exceeded, std::generic_category().message(error)};
    default:
      return unexpected(error);
  }
}

sandbox::sandbox(const std::filesystem::path& root) : path_(root) {
  std::filesystem::create_directories(root);
  root_.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_) {
    throw std::filesystem::filesystem_error("cannot open directory", root,
                                            std::error_code(errno, std::generic_category()));
  }
}

unique_fd sandbox::open_dir(std::string_view canonical, fs_error& error) const {
  // The root itself is handed out as a fresh descriptor so that every caller owns what it gets.
  unique_fd current(::openat(root_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!current) {
    error = unexpected(errno);
    return {};
  }
  std::size_t pos = 0;
  while (pos < canonical.size()) {
    std::size_t slash = canonical.find('/', pos);
    if (slash == std::string_view::npos) slash = canonical.size();
    const c_name component(canonical.substr(pos, slash - pos));
    pos = slash + 1;
    unique_fd next(
        ::openat(current.get(), component.get(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      error = error_from_errno(errno, result_code::dir_not_exist);
      // O_NOFOLLOW with O_DIRECTORY reports a link as ELOOP on Linux but as ENOTDIR elsewhere.
      if (errno == ENOTDIR &&
          status_at(current.get(), component.get()).type == entry_type::symlink) {
        error = error_from_errno(ELOOP, result_code::dir_not_exist);
      }
      if (error.code == result_code::not_a_file) error.code = result_code::dir_not_exist;
      return {};
    }
    current = std::move(next);
  }
  return current;
}

entry_status status_at(int dir, std::string_view name) {
  struct stat st {};
  if (::fstatat(dir, c_name(name).get(), &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
  entry_status status;
  status.size = static_cast<std::uint64_t>(st.st_size);
  if (S_ISREG(st.st_mode)) {
    status.type = entry_type::regular;
  } else if (S_ISDIR(st.st_mode)) {
    status.type = entry_type::directory;
  } else if (S_ISLNK(st.st_mode)) {
    status.type = entry_type::symlink;
  } else {
    status.type = entry_type::other;
  }
  return status;
}

unique_fd open_file_at(int dir, std::string_view name, int flags, fs_error& error, mode_t mode) {
  // O_NONBLOCK keeps a FIFO planted in the tree from blocking the open; it changes nothing for
  // regular files.
  unique_fd fd(
      ::openat(dir, c_name(name).get(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode));
  if (!fd) {
    error = error_from_errno(errno, result_code::file_not_exist);
    // A FIFO opened for writing with no reader, a socket, or a device without a driver fails
    // with ENXIO or the like rather than opening; each is still no file, not an unknown error.
    if (error.code == result_code::unknown_error &&
        status_at(dir, name).type == entry_type::other) {
      error = {result_code::not_a_file, "not a regular file"};
    }
    return {};
  }
  // Opening read-only succeeds on directories and devices; only regular files are files here.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    error = unexpected(errno);
    return {};
  }
  if (!S_ISREG(st.st_mode)) {
    error = {result_code::not_a_file, "not a regular file"};
    return {};
  }
  return fd;
}

}  // namespace asyncsvr::files
