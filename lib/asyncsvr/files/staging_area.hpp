#pragma once
// Partial uploads (PROTOCOL.md §10.1): one file per target path in a directory outside the file
// root, so that nothing half-written is ever visible under it, and on the same file system, so
// that publishing a finished upload is one atomic rename.
//
// A partial is named after the SHA-256 of its target's canonical path: fixed length whatever the
// path's, and the same after a restart, which is what lets a client resume across server
// restarts. Its size is the resume offset.
//
// Thread-safety: every member may be called from any thread; exclusive use of one partial is
// the caller's business (file_claims).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "asyncsvr/files/sandbox.hpp"
#include "asyncsvr/files/unique_fd.hpp"

namespace asyncsvr::files {

class staging_area {
 public:
  // Creates the directory if needed; throws std::filesystem::filesystem_error when it cannot be
  // opened or is not on the same file system as `root`.
  staging_area(const std::filesystem::path& dir, const sandbox& root);

  // The partial of `canonical`, created empty if missing, opened for appending.
  unique_fd open_partial(std::string_view canonical, fs_error& error) const;
  // Bytes held for `canonical` (0 when there is no partial).
  std::uint64_t partial_size(std::string_view canonical) const;
  // Flushes `partial` to stable storage, renames it onto `target_name` in `target_dir` (replacing
  // what was there) and syncs that directory, so the new file survives a crash. An error means
  // the target is unchanged and the partial kept; once the rename is done the result is success
  // (a failed directory sync is only logged).
  fs_error publish(int partial, std::string_view canonical, int target_dir,
                   std::string_view target_name) const;
  // Removes partials untouched for longer than `ttl`, except those of paths `in_use` names.
  // Returns how many were removed.
  std::size_t sweep(std::chrono::system_clock::duration ttl,
                    const std::function<bool(std::string_view partial_name)>& in_use) const;

  static std::string partial_name(std::string_view canonical);

 private:
  std::filesystem::path path_;
  unique_fd dir_;
};

}  // namespace asyncsvr::files
