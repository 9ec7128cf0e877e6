#pragma once
// Paths on the server as a user types them ("inbox/2024/report.pdf") and as the requests take
// them: a directory (DirName, ParentDir) and one name (FileName, DirName), PROTOCOL.md §4.3.
// Leading and trailing separators ('/' and '\', both separators in §7) are dropped, so "/inbox/"
// is the directory "inbox" under the file root, which is what the user sees as "/". Nothing else
// is checked here: the server applies §7 and answers PathNotAllowed.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace asyncsvr::client {

struct remote_path {
  std::string dir;   // "" = the file root
  std::string name;  // one component
};

// A path as requests take it: "/inbox/" → "inbox", "/" → "" (the root).
std::string trim_remote_path(std::string_view path);

// Splits at the last separator: "a/b/c" → {"a/b", "c"}, "c" → {"", "c"}, "/a/b/" → {"a", "b"}.
// Throws std::invalid_argument when no name is left ("" or "/").
remote_path split_remote_path(std::string_view path);

// `name` inside `dir`: "a" + "b" → "a/b", "" + "b" → "b".
std::string join_remote_path(std::string_view dir, std::string_view name);

}  // namespace asyncsvr::client
