#pragma once
// Who may write which file (PROTOCOL.md §10.1, §12.3): at most one upload owns a target path,
// RemoteStream write handles lock a path, and the two exclude each other. Keys are canonical
// relative paths (path_rules.hpp), so two spellings of one file meet in one entry.
//
// Thread-safety: every member may be called from any thread.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::files {

// A session that owns an upload and can be made to give it up.
class upload_owner {
 public:
  virtual ~upload_owner() = default;
  // Asks the owner to stop its upload (discard its unprocessed frames, flush and close its
  // partial, and end its connection with UploadTakenOver); `released` is called once the partial
  // is closed, on whichever thread that happens.
  virtual void surrender(std::function<void()> released) = 0;
};

class file_claims {
 public:
  struct upload_claim {
    codec::result_code error = codec::result_code::success;
    std::shared_ptr<upload_owner> previous;  // still alive, must be made to surrender
  };

  // Makes `owner` the owner of `canonical` unless a RemoteStream writer holds it (FileIsInUse).
  upload_claim claim_upload(const std::string& canonical, std::weak_ptr<upload_owner> owner);
  // Gives up ownership if `owner` still has it (a takeover may have moved it on).
  void release_upload(const std::string& canonical, const upload_owner* owner) noexcept;
  // Takes the RemoteStream write lock; false when an upload or another writer holds the path.
  bool lock_writer(const std::string& canonical);
  void unlock_writer(const std::string& canonical) noexcept;
  bool write_locked(std::string_view canonical) const;
  // The paths with an upload in progress.
  std::vector<std::string> owned_uploads() const;

 private:
  struct claim {
    std::weak_ptr<upload_owner> uploader;
    bool writer = false;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using claim_map = std::unordered_map<std::string, claim, string_hash, std::equal_to<>>;
  void erase_if_unclaimed(claim_map::iterator it) noexcept;

  mutable std::mutex mutex_;
  claim_map claims_;
};

}  // namespace asyncsvr::files
