#include "asyncsvr/client/local_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace asyncsvr::client {

namespace {

int open_or_throw(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0666);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  }
  return fd;
}

}  // namespace

local_file local_file::open_for_reading(const std::filesystem::path& path) {
  return {open_or_throw(path, O_RDONLY), path};
}

local_file local_file::open_for_appending(const std::filesystem::path& path) {
  return {open_or_throw(path, O_WRONLY | O_CREAT | O_APPEND), path};
}

local_file::local_file(local_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

local_file::~local_file() {
  // Only reached without close() when an error is already on its way out; a second error from
  // close() would add nothing to it.
  if (fd_ >= 0) ::close(fd_);
}

void local_file::fail(std::string_view what) const {
  throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path_.string());
}

std::uint64_t local_file::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("cannot stat");
  return static_cast<std::uint64_t>(st.st_size);
}

std::size_t local_file::read_at(std::span<char> into, std::uint64_t offset) const {
  std::size_t done = 0;
  while (done < into.size()) {
    const auto n =
        ::pread(fd_, into.data() + done, into.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read");
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

void local_file::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void local_file::sync() {
  if (::fsync(fd_) != 0) fail("cannot sync");
}

void local_file::close() {
  if (::close(std::exchange(fd_, -1)) != 0) fail("cannot close");
}

}  // namespace asyncsvr::client
