#pragma once
// The one file a RemoteStream connection has open (PROTOCOL.md §12): its descriptor and, when it
// was opened for writing, the path's write lock (§12.3), which lives exactly as long as the
// object. A session shares it with the worker running an operation on it, so a session that
// closes mid-operation cannot hand the lock to another writer before that operation has ended.
//
// Thread-safety: open() and the destructor from any thread; the I/O members are positional
// (pread/pwrite/ftruncate), keep no state of their own and may run on any thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "asyncsvr/files/file_store.hpp"
#include "asyncsvr/files/unique_fd.hpp"

namespace asyncsvr::protocols {

enum class open_mode { read = 0, read_write = 1 };  // OpenFile's Mode values

class stream_file {
 public:
  // §12.2: opens `canonical` (a checked relpath) beneath RemoteStream's root. read_write takes
  // the write lock (FileIsInUse when an upload or another writer holds the path) and creates a
  // missing file empty; nothing is ever truncated. Returns null with `error` set on failure.
  static std::shared_ptr<stream_file> open(files::file_store& store, const std::string& canonical,
                                           open_mode mode, files::fs_error& error);

  ~stream_file();
  stream_file(const stream_file&) = delete;
  stream_file& operator=(const stream_file&) = delete;

  bool writable() const noexcept { return claims_ != nullptr; }

  std::int64_t size(files::fs_error& error) const;
  // Reads up to into.size() bytes at `position`; fewer only at the end of the file.
  std::size_t read_at(std::int64_t position, std::span<char> into, files::fs_error& error) const;
  // Writes all of `data` at `position` (a gap past the end reads back as zeros).
  files::fs_error write_at(std::int64_t position, std::span<const char> data) const;
  files::fs_error resize(std::uint64_t size) const;

 private:
  stream_file() = default;

  files::unique_fd fd_;
  files::file_claims* claims_ = nullptr;  // set while this file holds the write lock
  std::string locked_path_;
};

}  // namespace asyncsvr::protocols
