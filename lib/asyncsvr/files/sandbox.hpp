#pragma once
// PROTOCOL.md §7 rule 6: resolving a checked path beneath a root directory without ever leaving
// it.
//
// The walk opens one component at a time relative to the directory opened before it, each with
// O_NOFOLLOW, starting from a descriptor of the root held for the server's life. Symbolic links
// are therefore never followed, anywhere in a path (§7 allows refusing them all): a link is
// PathNotAllowed, whether its target lies inside the root or not. This was chosen over a
// canonical-prefix check because a prefix check looks at the path and then uses it, and a client
// (or anyone with write access to the tree) could swap a directory for a link in between; here
// every step is taken on a descriptor the kernel pinned, so there is nothing to race. openat2's
// RESOLVE_BENEATH would also allow links inside the root, but needs Linux 5.6 and gains clients
// nothing they cannot do without links.
//
// Thread-safety: a sandbox is immutable after construction; any thread may use it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "asyncsvr/codec/result_code.hpp"
#include "asyncsvr/files/unique_fd.hpp"

namespace asyncsvr::files {

// A file-system outcome as the protocol reports it: a result code, and for unexpected failures
// a short message naming the system error.
struct fs_error {
  codec::result_code code = codec::result_code::success;
  std::string message;

  explicit operator bool() const noexcept { return code != codec::result_code::success; }
};

// Maps errno from an operation on the last component to the protocol's codes.
fs_error error_from_errno(int error, codec::result_code when_missing);

enum class entry_type { missing, regular, directory, symlink, other };

struct entry_status {
  entry_type type = entry_type::missing;
  std::uint64_t size = 0;
};

class sandbox {
 public:
  // Creates the root directory if needed and opens it; throws std::filesystem::filesystem_error.
  explicit sandbox(const std::filesystem::path& root);

  const std::filesystem::path& path() const noexcept { return path_; }
  int root_fd() const noexcept { return root_.get(); }

  // Opens the directory `canonical` names ("" = the root). A missing component or one that is
  // not a directory is DirNotExist (§19.7); a symbolic link is PathNotAllowed.
  unique_fd open_dir(std::string_view canonical, fs_error& error) const;

 private:
  std::filesystem::path path_;
  unique_fd root_;
};

// What is at `name` inside `dir`, without following a link.
entry_status status_at(int dir, std::string_view name);

// Opens `name` inside `dir` without following a link; `flags` as for open(2). Maps a link to
// PathNotAllowed, a directory to NotAFile and a missing file to FileNotExist.
unique_fd open_file_at(int dir, std::string_view name, int flags, fs_error& error,
                       mode_t mode = 0644);

}  // namespace asyncsvr::files
