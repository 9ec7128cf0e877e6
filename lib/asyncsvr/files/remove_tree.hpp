#pragma once
// Recursive directory removal for DeleteDir with delete_dir_recursive (PROTOCOL.md §10.4):
// symbolic links inside are removed themselves and never followed.

#include <string_view>

namespace asyncsvr::files {

// Removes the directory `name` inside `parent` and everything beneath it. Returns 0 or the errno
// of the first failure (what was removed before it stays removed).
int remove_tree(int parent, std::string_view name);

}  // namespace asyncsvr::files
