#include "remove_tree.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "asyncsvr/files/dir_stream.hpp"

namespace asyncsvr::files {
namespace {

// Deeper trees than this cannot be made through the protocol (32 components); refusing them
// bounds the recursion whatever someone built locally.
constexpr int max_depth = 64;

int remove_at(int parent, const std::string& name, int depth) {
  if (depth > max_depth) return ELOOP;
  dir_stream stream(parent, name.c_str());
  // Names first, removal after: unlinking while readdir walks the directory may skip entries.
  std::vector<std::pair<std::string, bool>> entries;
  while (const dirent* entry = stream.next()) {
    const std::string_view child = entry->d_name;
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(stream.fd(), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
      is_dir = S_ISDIR(st.st_mode);
    }
    entries.emplace_back(child, is_dir);
  }
  if (stream.error() != 0) return stream.error();
  for (const auto& [child, is_dir] : entries) {
    const int error = is_dir ? remove_at(stream.fd(), child, depth + 1)
                             : (::unlinkat(stream.fd(), child.c_str(), 0) == 0 ? 0 : errno);
    if (error != 0) return error;
  }
  return ::unlinkat(parent, name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
}

}  // namespace

int remove_tree(int parent, std::string_view name) {
  return remove_at(parent, std::string(name), 0);
}

}  // namespace asyncsvr::files
