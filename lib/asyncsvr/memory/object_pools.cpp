#include "asyncsvr/memory/object_pools.hpp"

#include <new>
#include <sys/mman.h>

namespace asyncsvr::memory {

// The header occupies the slab's first chunk-aligned bytes; the slab is aligned to its size, so
// any object's slab is found by masking the object's address.
struct object_pools::slab {
  slab* prev = nullptr;
  slab* next = nullptr;
  void* free_list = nullptr;  // chunks that were freed, linked through their first word
  std::uint32_t chunk_size = 0;
  std::uint32_t capacity = 0;
  std::uint32_t used = 0;
  std::uint32_t untouched = 0;  // index of the first chunk never handed out
  std::uint32_t first_offset = 0;
};

namespace {
constexpr std::uintptr_t slab_mask = ~std::uintptr_t{object_pools::slab_size - 1};
}  // namespace

object_pools::slab* object_pools::map_slab(std::size_t chunk_size) {
  // Map twice the size and cut off what lies outside an aligned window.
  void* raw =
      ::mmap(nullptr, 2 * slab_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = (begin + slab_size - 1) & slab_mask;
  if (aligned > begin) ::munmap(raw, aligned - begin);
  const auto tail = begin + 2 * slab_size - (aligned + slab_size);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + slab_size), tail);

  auto* s = new (reinterpret_cast<void*>(aligned)) slab;
  s->chunk_size = static_cast<std::uint32_t>(chunk_size);
  s->first_offset =
      static_cast<std::uint32_t>((sizeof(slab) + chunk_size - 1) / chunk_size * chunk_size);
  s->capacity = static_cast<std::uint32_t>((slab_size - s->first_offset) / chunk_size);
  return s;
}

void object_pools::unmap_slab(slab* s) noexcept {
  ::munmap(s, slab_size);
}

void object_pools::push_front(slab*& head, slab* s) noexcept {
  s->prev = nullptr;
  s->next = head;
  if (head) head->prev = s;
  head = s;
}

void object_pools::unlink(slab*& head, slab* s) noexcept {
  if (s->prev) s->prev->next = s->next;
  if (s->next) s->next->prev = s->prev;
  if (head == s) head = s->next;
  s->prev = s->next = nullptr;
}

object_pools::~object_pools() {
  // Every object is gone by now (the server destroys its sessions first); the slabs left are
  // the spares and, if something leaked, partial slabs that nobody can use any more.
  for (auto& c : classes_) {
    while (c.partial) {
      slab* s = c.partial;
      unlink(c.partial, s);
      unmap_slab(s);
    }
    if (c.spare) unmap_slab(c.spare);
  }
}

void* object_pools::allocate(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (bytes > largest) return ::operator new(bytes);
  const std::size_t index = (bytes - 1) / granularity;
  auto& c = classes_[index];
  std::lock_guard lock(c.mutex);
  slab* s = c.partial;
  if (!s) {
    if (c.spare) {
      s = c.spare;
      c.spare = nullptr;
    } else {
      s = map_slab((index + 1) * granularity);
      ++c.slabs;
    }
    push_front(c.partial, s);
  }
  void* chunk = s->free_list;
  if (chunk) {
    s->free_list = *static_cast<void**>(chunk);
  } else {
    chunk =
        reinterpret_cast<char*>(s) + s->first_offset + std::size_t{s->untouched} * s->chunk_size;
    ++s->untouched;
  }
  if (++s->used == s->capacity) unlink(c.partial, s);
  ++c.objects;
  return chunk;
}

void object_pools::deallocate(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  if (bytes == 0) bytes = 1;
  if (bytes > largest) {
    ::operator delete(p);
    return;
  }
  auto& c = classes_[(bytes - 1) / granularity];
  auto* s = reinterpret_cast<slab*>(reinterpret_cast<std::uintptr_t>(p) & slab_mask);
  std::lock_guard lock(c.mutex);
  const bool was_full = s->used == s->capacity;
  *static_cast<void**>(p) = s->free_list;
  s->free_list = p;
  --s->used;
  --c.objects;
  if (was_full) push_front(c.partial, s);
  if (s->used > 0) return;
  unlink(c.partial, s);
  if (!c.spare) {
    c.spare = s;
    return;
  }
  --c.slabs;
  unmap_slab(s);
}

object_pools_stats object_pools::stats() const {
  object_pools_stats out;
  for (const auto& c : classes_) {
    std::lock_guard lock(c.mutex);
    out.slabs += c.slabs;
    out.objects += c.objects;
  }
  out.slab_bytes = out.slabs * slab_size;
  return out;
}

}  // namespace asyncsvr::memory
