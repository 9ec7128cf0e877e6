#include "listing.hpp"

#include <algorithm>
#include <string_view>

#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/files/dir_stream.hpp"
#include "asyncsvr/files/path_rules.hpp"

namespace asyncsvr::files {

std::vector<listed_entry> list_directory(int dir, entry_type type, fs_error& error) {
  std::vector<listed_entry> entries;
  dir_stream stream(dir, ".");
  while (const dirent* entry = stream.next()) {
    const std::string_view name = entry->d_name;
    if (!codec::is_valid_utf8(name) || !is_addressable_name(name)) continue;
    // d_type is a hint some file systems leave unknown; lstat decides in every case that
    // matters, which also gives the size.
    if (entry->d_type != DT_UNKNOWN && entry->d_type != DT_REG && entry->d_type != DT_DIR) {
      continue;
    }
    const entry_status status = status_at(stream.fd(), name);
    if (status.type != type) continue;
    entries.push_back({std::string(name), status.size});
  }
  if (stream.error() != 0) {
    error = error_from_errno(stream.error(), codec::result_code::dir_not_exist);
    return {};
  }
  std::sort(entries.begin(), entries.end(),
            [](const listed_entry& a, const listed_entry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace asyncsvr::files
