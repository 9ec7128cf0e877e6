#include "file_claims.hpp"

namespace asyncsvr::files {

file_claims::upload_claim file_claims::claim_upload(const std::string& canonical,
                                                    std::weak_ptr<upload_owner> owner) {
  const std::lock_guard lock(mutex_);
  claim& entry = claims_[canonical];
  if (entry.writer) return {codec::result_code::file_is_in_use, nullptr};
  upload_claim result{codec::result_code::success, entry.uploader.lock()};
  entry.uploader = std::move(owner);
  return result;
}

void file_claims::release_upload(const std::string& canonical, const upload_owner* owner) noexcept {
  const std::lock_guard lock(mutex_);
  const auto it = claims_.find(canonical);
  if (it == claims_.end()) return;
  // An expired pointer may still be this owner's: release_upload runs from its destructor path.
  const auto current = it->second.uploader.lock();
  if (current && current.get() != owner) return;
  it->second.uploader.reset();
  erase_if_unclaimed(it);
}

bool file_claims::lock_writer(const std::string& canonical) {
  const std::lock_guard lock(mutex_);
  claim& entry = claims_[canonical];
  if (entry.writer || !entry.uploader.expired()) {
    erase_if_unclaimed(claims_.find(canonical));
    return false;
  }
  entry.writer = true;
  return true;
}

void file_claims::unlock_writer(const std::string& canonical) noexcept {
  const std::lock_guard lock(mutex_);
  const auto it = claims_.find(canonical);
  if (it == claims_.end()) return;
  it->second.writer = false;
  erase_if_unclaimed(it);
}

bool file_claims::write_locked(std::string_view canonical) const {
  const std::lock_guard lock(mutex_);
  const auto it = claims_.find(canonical);
  return it != claims_.end() && it->second.writer;
}

std::vector<std::string> file_claims::owned_uploads() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> paths;
  for (const auto& [path, entry] : claims_) {
    if (!entry.uploader.expired()) paths.push_back(path);
  }
  return paths;
}

void file_claims::erase_if_unclaimed(claim_map::iterator it) noexcept {
  if (!it->second.writer && it->second.uploader.expired()) claims_.erase(it);
}

}  // namespace asyncsvr::files
