#pragma once
// Reading one chunk of a file being downloaded (PROTOCOL.md §11.3): first what the page cache
// holds, which never waits for the disk and so may run on an I/O thread, then, on a file worker,
// whatever needs the disk.

#include <cstddef>
#include <cstdint>

namespace asyncsvr::protocols {

struct read_result {
  std::size_t bytes = 0;  // bytes read before the end of the file or an error
  int error = 0;          // errno of the read that failed; 0 if none did
};

// Reads what the page cache holds of `size` bytes at `offset` without ever waiting for the disk
// (preadv2 with RWF_NOWAIT); stops at the first byte that would need it, at the end of the file,
// on any error, and at once on file systems that cannot tell (tmpfs). Returns the bytes read.
std::size_t read_cached(int fd, std::uint64_t offset, char* out, std::size_t size) noexcept;

// Whether the file lives in memory (tmpfs, ramfs): reading it waits for a disk only if the
// system swapped it out, so it may be read on an I/O thread.
bool is_memory_backed(int fd) noexcept;

// Reads `size` bytes at `offset`, waiting for the disk as needed; stops early only at the end
// of the file (it shrank) or on an error. Blocks: file workers only.
read_result read_at(int fd, std::uint64_t offset, char* out, std::size_t size) noexcept;

}  // namespace asyncsvr::protocols
