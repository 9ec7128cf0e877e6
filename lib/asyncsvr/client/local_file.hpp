#pragma once
// A file on the client's side of a transfer, through POSIX calls: bulk reads and writes go
// straight to the kernel without a stream buffer's extra copy, and every failure carries errno
// and the path (std::system_error).
//
// Thread-safety: none; one thread uses a local_file at a time.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <utility>

namespace asyncsvr::client {

class local_file {
 public:
  static local_file open_for_reading(const std::filesystem::path& path);
  // Opens for appending, creating the file (mode 0666 less the umask) when it does not exist.
  static local_file open_for_appending(const std::filesystem::path& path);

  local_file(local_file&& other) noexcept;
  local_file& operator=(local_file&&) = delete;
  local_file(const local_file&) = delete;
  local_file& operator=(const local_file&) = delete;
  ~local_file();

  std::uint64_t size() const;
  // Reads up to into.size() bytes at `offset`; fewer only at the end of the file.
  std::size_t read_at(std::span<char> into, std::uint64_t offset) const;
  void append(std::string_view bytes);
  // Flushes to stable storage, so that a rename after it never publishes a torn file.
  void sync();
  // Closes now, reporting what close() reports (deferred write errors on some file systems).
  void close();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  local_file(int fd, std::filesystem::path path) noexcept : fd_(fd), path_(std::move(path)) {}
  [[noreturn]] void fail(std::string_view what) const;

  int fd_;
  std::filesystem::path path_;
};

}  // namespace asyncsvr::client
