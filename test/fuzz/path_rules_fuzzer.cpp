// libFuzzer target: arbitrary bytes as a path value of each kind through check_path, the gate
// every path from the network passes before any file-system access (PROTOCOL.md §7).
// Run: scripts/fuzz.sh path_rules 600
//
// The properties checked beyond "no crash, no sanitizer report": an accepted value's canonical
// form has only addressable components (no empty one, no `.`/`..`, no separator of either kind),
// at most 32 of them, is no longer than the value, and is its own canonical form; the three kinds
// agree with one another; a refusal carries the right code and no canonical form.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "asyncsvr/files/path_rules.hpp"

namespace {

using asyncsvr::codec::result_code;
using asyncsvr::files::checked_path;
using asyncsvr::files::path_kind;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_canonical(std::string_view value, path_kind kind, const checked_path& checked) {
  namespace files = asyncsvr::files;
  const std::string_view canonical = checked.canonical;
  check(canonical.size() <= value.size() && value.size() <= files::max_path_bytes);
  check(canonical.empty() == value.empty());  // only an empty dir is the root
  check(canonical.find('\\') == std::string_view::npos);
  std::size_t components = 0;
  std::size_t pos = 0;
  while (pos < canonical.size()) {
    std::size_t slash = canonical.find('/', pos);
    if (slash == std::string_view::npos) slash = canonical.size();
    const std::string_view component = canonical.substr(pos, slash - pos);
    // is_addressable_name refuses empty components, `.`, `..` and every rule 3 violation.
    check(files::is_addressable_name(component));
    ++components;
    pos = slash + 1;
  }
  check(canonical.empty() || canonical.back() != '/');
  check(components <= files::max_path_components);
  if (kind == path_kind::name) check(components == 1 && canonical == value);
  const checked_path again = files::check_path(canonical, kind);
  check(again.ok() && again.canonical == canonical);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace files = asyncsvr::files;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  struct outcome {
    path_kind kind;
    checked_path checked;
  };
  const outcome outcomes[] = {{path_kind::dir, files::check_path(value, path_kind::dir)},
                              {path_kind::name, files::check_path(value, path_kind::name)},
                              {path_kind::relpath, files::check_path(value, path_kind::relpath)}};
  for (const auto& [kind, checked] : outcomes) {
    if (checked.ok()) {
      check_canonical(value, kind, checked);
    } else {
      check(checked.canonical.empty());
      // ParameterError means "empty" (§19.3) and nothing else.
      check(checked.error ==
            (value.empty() ? result_code::parameter_error : result_code::path_not_allowed));
    }
  }
  const checked_path& dir = outcomes[0].checked;
  const checked_path& name = outcomes[1].checked;
  const checked_path& relpath = outcomes[2].checked;
  // A non-empty relpath and dir follow the same rules; a name is a relpath with one component.
  if (!value.empty()) {
    check(dir.error == relpath.error && dir.canonical == relpath.canonical);
  }
  if (name.ok()) check(relpath.ok() && relpath.canonical == name.canonical);
  return 0;
}
