#include "remove_tree.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace asyncsvr::files {
namespace {

// Deeper trees than this cannot be made through the protocol (32 components); refusing them
// bounds the recursion whatever someone built locally.
constexpr int max_depth = 64;

struct dir_closer {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};

int remove_at(int parent, const std::string& name, int depth) {
  if (depth > max_depth) return ELOOP;
  const int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  const std::unique_ptr<DIR, dir_closer> stream(::fdopendir(fd));
  if (!stream) {
    const int error = errno;
    ::close(fd);
    return error;
  }
  // Names first, removal after: unlinking while readdir walks the directory may skip entries.
  std::vector<std::pair<std::string, bool>> entries;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(stream.get());
    if (entry == nullptr) {
      if (errno != 0) return errno;
      break;
    }
    const std::string_view child = entry->d_name;
    if (child == "." || child == "..") continue;
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
      is_dir = S_ISDIR(st.st_mode);
    }
    entries.emplace_back(child, is_dir);
  }
  for (const auto& [child, is_dir] : entries) {
    const int error = is_dir ? remove_at(fd, child, depth + 1)
                             : (::unlinkat(fd, child.c_str(), 0) == 0 ? 0 : errno);
    if (error != 0) return error;
  }
  return ::unlinkat(parent, name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
}

}  // namespace

int remove_tree(int parent, std::string_view name) {
  return remove_at(parent, std::string(name), 0);
}

}  // namespace asyncsvr::files
