#pragma once
// PROTOCOL.md §7 rules 1–5: what a path value from the network may look like, decided on the text
// alone, before any file-system access (rule 7: validation errors come before existence errors).
// Resolution against the disk (rule 6) is the sandbox's job.

#include <cstddef>
#include <string>
#include <string_view>

#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::files {

// The §4.3 value types that name paths.
enum class path_kind {
  dir,      // relative directory; empty = the root
  name,     // exactly one component
  relpath,  // relative file path; non-empty
};

inline constexpr std::size_t max_path_bytes = 1024;
inline constexpr std::size_t max_path_components = 32;
inline constexpr std::size_t max_component_bytes = 255;

struct checked_path {
  codec::result_code error = codec::result_code::success;
  // Components joined by '/', with empty components dropped; empty = the root. Two values name
  // the same file exactly when their canonical forms are equal (file systems here are
  // case-sensitive).
  std::string canonical;

  bool ok() const noexcept { return error == codec::result_code::success; }
};

// Validates a path value and returns its canonical form, or PathNotAllowed (ParameterError for an
// empty `name` or `relpath`, §19.3).
checked_path check_path(std::string_view value, path_kind kind);

// Rule 3 for one component: whether a client could address an entry of this name. Listings show
// only such names (and only valid UTF-8).
bool is_addressable_name(std::string_view component) noexcept;

// Joins a canonical directory and a checked name into a canonical path.
std::string join_path(std::string_view canonical_dir, std::string_view name);

// The canonical path's last component and what precedes it ("" for a top-level entry).
std::string_view parent_of(std::string_view canonical) noexcept;
std::string_view leaf_of(std::string_view canonical) noexcept;

}  // namespace asyncsvr::files
