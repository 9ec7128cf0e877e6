#include "dir_stream.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace asyncsvr::files {

dir_stream::dir_stream(int dir, const char* name) {
  const int fd = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    error_ = errno;
    return;
  }
  stream_.reset(::fdopendir(fd));
  if (!stream_) {
    error_ = errno;
    ::close(fd);
  }
}

const dirent* dir_stream::next() noexcept {
  if (!stream_ || error_ != 0) return nullptr;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(stream_.get());
    if (entry == nullptr) {
      error_ = errno;
      return nullptr;
    }
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
      return entry;
    }
  }
}

}  // namespace asyncsvr::files
