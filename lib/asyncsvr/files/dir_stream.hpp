#pragma once
// Reading a directory's entries from a descriptor: the directory is opened relative to another
// without following a link, on a descriptor of the stream's own (fdopendir takes ownership of the
// one it is given, so the caller's stays open), and readdir's errors, which it reports only
// through errno, are kept.
//
// Thread-safety: none; one thread uses a stream.

#include <dirent.h>
#include <memory>

namespace asyncsvr::files {

class dir_stream {
 public:
  // Opens `name` inside `dir` ("." for `dir` itself); check error() before reading.
  dir_stream(int dir, const char* name);

  // The next entry other than "." and "..", or null at the end or on a failure (then error()).
  const dirent* next() noexcept;
  // errno of the failed open or read; 0 if none failed.
  int error() const noexcept { return error_; }
  // A descriptor of the directory, for the *at() calls on its entries.
  int fd() const noexcept { return ::dirfd(stream_.get()); }

 private:
  struct closer {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
  };
  std::unique_ptr<DIR, closer> stream_;
  int error_ = 0;
};

}  // namespace asyncsvr::files
