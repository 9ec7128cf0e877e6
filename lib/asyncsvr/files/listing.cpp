#include "listing.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <string_view>

#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/files/path_rules.hpp"

namespace asyncsvr::files {
namespace {

struct dir_closer {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};

}  // namespace

std::vector<listed_entry> list_directory(int dir, entry_type type, fs_error& error) {
  std::vector<listed_entry> entries;
  // fdopendir takes ownership of its descriptor, so it gets a fresh one of the same directory.
  const int own = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (own < 0) {
    error = error_from_errno(errno, codec::result_code::dir_not_exist);
    return entries;
  }
  const std::unique_ptr<DIR, dir_closer> stream(::fdopendir(own));
  if (!stream) {
    error = error_from_errno(errno, codec::result_code::dir_not_exist);
    ::close(own);
    return entries;
  }
  for (;;) {
    errno = 0;  // readdir reports its errors only through errno
    const dirent* entry = ::readdir(stream.get());
    if (entry == nullptr) {
      if (errno != 0) error = error_from_errno(errno, codec::result_code::dir_not_exist);
      break;
    }
    const std::string_view name = entry->d_name;
    if (!codec::is_valid_utf8(name) || !is_addressable_name(name)) continue;
    // d_type is a hint some file systems leave unknown; lstat decides in every case that
    // matters, which also gives the size.
    if (entry->d_type != DT_UNKNOWN && entry->d_type != DT_REG && entry->d_type != DT_DIR) {
      continue;
    }
    const entry_status status = status_at(::dirfd(stream.get()), name);
    if (status.type != type) continue;
    entries.push_back({std::string(name), status.size});
  }
  std::sort(entries.begin(), entries.end(),
            [](const listed_entry& a, const listed_entry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace asyncsvr::files
