#include "file_reads.hpp"

#include <cerrno>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

namespace asyncsvr::protocols {

std::size_t read_cached(int fd, std::uint64_t offset, char* out, std::size_t size) noexcept {
  std::size_t done = 0;
  while (done < size) {
    iovec piece{out + done, size - done};
    const ssize_t n = ::preadv2(fd, &piece, 1, static_cast<off_t>(offset + done), RWF_NOWAIT);
    if (n < 0 && errno == EINTR) continue;
    // EAGAIN (not cached), EOPNOTSUPP (cannot tell) and real errors alike leave the rest to
    // read_at, which reports what is wrong.
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

bool is_memory_backed(int fd) noexcept {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;  // unknown: treat as a disk, the safe assumption
  return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

read_result read_at(int fd, std::uint64_t offset, char* out, std::size_t size) noexcept {
  read_result result;
  while (result.bytes < size) {
    const ssize_t n = ::pread(fd, out + result.bytes, size - result.bytes,
                              static_cast<off_t>(offset + result.bytes));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result.error = errno;
      break;
    }
    if (n == 0) break;
    result.bytes += static_cast<std::size_t>(n);
  }
  return result;
}

}  // namespace asyncsvr::protocols
