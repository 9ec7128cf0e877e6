#include "staging_area.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>

#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/files/dir_stream.hpp"
#include "asyncsvr/log/log.hpp"

namespace asyncsvr::files {
namespace {

using codec::result_code;

constexpr std::string_view partial_suffix = ".part";

std::filesystem::filesystem_error io_failure(const char* what, const std::filesystem::path& p,
                                             int error) {
  return {what, p, std::error_code(error, std::generic_category())};
}

fs_error sync_failure(int error) {
  return {result_code::unknown_error,
          "cannot flush to disk: " + std::generic_category().message(error)};
}

}  // namespace

staging_area::staging_area(const std::filesystem::path& dir, const sandbox& root) : path_(dir) {
  std::filesystem::create_directories(dir);
  dir_.reset(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_) throw io_failure("cannot open staging directory", dir, errno);
  struct stat staging {
  }, files{};
  if (::fstat(dir_.get(), &staging) != 0) throw io_failure("cannot stat", dir, errno);
  if (::fstat(root.root_fd(), &files) != 0) throw io_failure("cannot stat", root.path(), errno);
  if (staging.st_dev != files.st_dev) {
    throw io_failure("staging_dir must be on the same file system as file_root", dir, EXDEV);
  }
}

std::string staging_area::partial_name(std::string_view canonical) {
  return auth::sha256_hex(canonical).append(partial_suffix);
}

unique_fd staging_area::open_partial(std::string_view canonical, fs_error& error) const {
  return open_file_at(dir_.get(), partial_name(canonical), O_WRONLY | O_CREAT | O_APPEND, error,
                      0600);
}

std::uint64_t staging_area::partial_size(std::string_view canonical) const {
  const entry_status status = status_at(dir_.get(), partial_name(canonical));
  return status.type == entry_type::regular ? status.size : 0;
}

fs_error staging_area::publish(int partial, std::string_view canonical, int target_dir,
                               std::string_view target_name) const {
  if (::fsync(partial) != 0) return sync_failure(errno);
  const std::string from = partial_name(canonical);
  const std::string to(target_name);
  if (::renameat(dir_.get(), from.c_str(), target_dir, to.c_str()) != 0) {
    const int error = errno;
    fs_error failure = error_from_errno(error, result_code::unknown_error);
    // Renaming a file onto a directory fails with EISDIR (or ENOTEMPTY/EEXIST on some systems).
    if (error == EISDIR || error == ENOTEMPTY || error == EEXIST) {
      failure = {result_code::not_a_file, "a directory has the target's name"};
    }
    return failure;
  }
  // The rename cannot be undone: every reader already sees the new file and the partial is gone.
  // Reporting a failure now would leave the upload open on a descriptor of the published file, so
  // further Data would change it in place and every retried Eof would fail; a directory that
  // will not sync is the disk's problem, for the log.
  if (::fsync(target_dir) != 0) {
    const int error = errno;  // the logger may change errno before the message is built
    LOG_WARN(0) << "published " << target_name
                << " but cannot flush its directory: " << std::generic_category().message(error);
  }
  return {};
}

std::size_t staging_area::sweep(std::chrono::system_clock::duration ttl,
                                const std::function<bool(std::string_view)>& in_use) const {
  dir_stream stream(dir_.get(), ".");
  const auto now = std::chrono::system_clock::now();
  std::size_t removed = 0;
  while (const dirent* entry = stream.next()) {
    const std::string_view name = entry->d_name;
    if (!name.ends_with(partial_suffix) || in_use(name)) continue;
    struct stat st {};
    if (::fstatat(stream.fd(), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    const auto modified = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(st.st_mtim.tv_sec) +
            std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (!S_ISREG(st.st_mode) || now - modified < ttl) continue;
    if (::unlinkat(stream.fd(), entry->d_name, 0) == 0) {
      ++removed;
    } else {
      LOG_WARN(0) << "cannot remove expired partial upload " << (path_ / entry->d_name) << ": "
                  << std::generic_category().message(errno);
    }
  }
  if (stream.error() != 0) {
    LOG_WARN(0) << "cannot sweep " << path_ << ": "
                << std::generic_category().message(stream.error());
  }
  return removed;
}

}  // namespace asyncsvr::files
