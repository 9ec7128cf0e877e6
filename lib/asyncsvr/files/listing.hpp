#pragma once
// Directory listings for Dir and FileList (PROTOCOL.md §10.2, §10.5): only entries a client
// could address (valid UTF-8 names that pass §7 rule 3), never links or special files, sorted by
// name bytes.

#include <cstdint>
#include <string>
#include <vector>

#include "asyncsvr/files/sandbox.hpp"

namespace asyncsvr::files {

struct listed_entry {
  std::string name;
  std::uint64_t size = 0;  // regular files only
};

// The subdirectories (`type` = directory) or regular files (`type` = regular) of an open
// directory. Does not close `dir`.
std::vector<listed_entry> list_directory(int dir, entry_type type, fs_error& error);

}  // namespace asyncsvr::files
