#pragma once

#include <cstddef>

namespace asyncsvr::memory {

// A standard allocator that hands every request to a memory resource offering
// allocate(bytes) and deallocate(pointer, bytes); copies and rebinds share the resource.
template <class T, class Resource>
class resource_allocator {
 public:
  using value_type = T;

  explicit resource_allocator(Resource& resource) noexcept : resource_(&resource) {}
  template <class U>
  resource_allocator(const resource_allocator<U, Resource>& other) noexcept
      : resource_(other.resource()) {}

  T* allocate(std::size_t n) { return static_cast<T*>(resource_->allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { resource_->deallocate(p, n * sizeof(T)); }

  Resource* resource() const noexcept { return resource_; }
  template <class U>
  bool operator==(const resource_allocator<U, Resource>& other) const noexcept {
    return resource_ == other.resource();
  }

 private:
  Resource* resource_;
};

}  // namespace asyncsvr::memory
