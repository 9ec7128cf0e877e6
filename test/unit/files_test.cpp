// Unit tests for the file layer: the §7 path rules decided on text alone, the sandbox's walk
// beneath the root (rule 6) on a real temporary tree, listings, the staging area for partial
// uploads (§10.1) and the upload/writer claims (§10.1, §12.3).

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <ostream>
#include <sstream>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/result_code.hpp"
#include "asyncsvr/files/file_claims.hpp"
#include "asyncsvr/files/listing.hpp"
#include "asyncsvr/files/path_rules.hpp"
#include "asyncsvr/files/sandbox.hpp"
#include "asyncsvr/files/staging_area.hpp"
#include "asyncsvr/files/unique_fd.hpp"
#include "support/temp_dir.hpp"

namespace asyncsvr::files {

// Lets BOOST_TEST print the enum it compares (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& out, entry_type type) {
  constexpr const char* names[] = {"missing", "regular", "directory", "symlink", "other"};
  return out << names[static_cast<int>(type)];
}

}  // namespace asyncsvr::files

namespace files = asyncsvr::files;
namespace fs = std::filesystem;
using asyncsvr::codec::result_code;
using files::entry_type;
using files::fs_error;
using files::path_kind;
using files::unique_fd;
using namespace std::literals;

namespace {

constexpr path_kind all_kinds[] = {path_kind::dir, path_kind::name, path_kind::relpath};
// The kinds that may hold more than one component.
constexpr path_kind multi_kinds[] = {path_kind::dir, path_kind::relpath};

const char* kind_name(path_kind kind) {
  constexpr const char* names[] = {"dir", "name", "relpath"};
  return names[static_cast<int>(kind)];
}

// Control characters and NUL would garble the test log; they are shown as \xNN.
std::string printable(std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string shown;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      shown += "\\x";
      shown += hex[byte >> 4];
      shown += hex[byte & 15];
    } else {
      shown += c;
    }
  }
  if (shown.size() > 80) shown = shown.substr(0, 40) + "…(" + std::to_string(value.size()) + " B)";
  return shown;
}

bool has_separator(std::string_view value) {
  return value.find_first_of("/\\") != std::string_view::npos;
}

// `count` components of `width` bytes each, joined by `separator`.
std::string components(std::size_t count, std::size_t width = 1, std::string_view separator = "/") {
  std::string value;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) value += separator;
    value += std::string(width, static_cast<char>('a' + i % 26));
  }
  return value;
}

// A value of exactly `bytes` bytes made of five valid components (the last one takes the rest).
std::string value_of_size(std::size_t bytes) {
  std::string value = components(4, 200) + "/";
  value += std::string(bytes - value.size(), 'z');
  return value;
}

// Every component below breaks one clause of rule 3 (or is rule 4's 256-byte boundary), so it is
// refused alone, as a name, and anywhere inside a longer path.
std::vector<std::string> hostile_components() {
  std::vector<std::string> values{
      ".", "..",
      // ':' — drive letters and alternate data streams
      "C:", "c:foo", "a:b", "file.txt:stream", ":", "name:",
      // trailing dot or space
      "a.", "a..", "...", "a ", " ", "a. ", "a .", "dir.  ",
      // reserved device names, alone or followed by '.' and anything, in any ASCII case
      "CON", "con", "Con.txt", "con.txt", "PRN", "prn.log", "AUX", "AUX.tar.gz", "NUL", "nul.x",
      "NUL.txt", "COM1", "com5.dat", "COM9", "LPT1", "lpt3.doc", "LPT9.x", "cOm7.a.b",
      // rule 3's last clause
      std::string(files::max_component_bytes + 1, 'x'),
      // DEL
      "a\x7fz", "\x7f", "tail\x7f"};
  for (const char c : "<>\"|?*"sv) {
    values.push_back("a"s + c + "b");
    values.push_back(std::string(1, c));
  }
  // Every C0 control, U+0000 included, inside a name and at its end.
  for (int c = 0; c < 0x20; ++c) {
    values.push_back("a"s + static_cast<char>(c) + "b");
    values.push_back("x"s + static_cast<char>(c));
  }
  return values;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(path_rules)

BOOST_AUTO_TEST_CASE(refuses_hostile_components_in_every_position) {
  const auto values = hostile_components();
  BOOST_TEST(values.size() >= 100U);
  for (const auto& component : values) {
    BOOST_TEST_CONTEXT("component '" << printable(component) << "'") {
      BOOST_TEST(!files::is_addressable_name(component));
      for (const auto kind : all_kinds) {
        BOOST_TEST_CONTEXT(kind_name(kind)) {
          const auto checked = files::check_path(component, kind);
          BOOST_TEST(checked.error == result_code::path_not_allowed);
          BOOST_TEST(checked.canonical.empty());
        }
      }
      // A hostile component is no better for having valid neighbours.
      for (const auto& value : {"ok/" + component, component + "/ok", "ok\\" + component + "\\ok",
                                "a/b/" + component + "/"}) {
        for (const auto kind : multi_kinds) {
          BOOST_TEST_CONTEXT(kind_name(kind) << " '" << printable(value) << "'") {
            const auto checked = files::check_path(value, kind);
            BOOST_TEST(checked.error == result_code::path_not_allowed);
            BOOST_TEST(checked.canonical.empty());
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_absolute_values_and_dot_segments) {
  const std::string values[] = {// rule 1: a leading separator of either kind
                                "/etc/passwd", "/a", "/a/", "\\a\\b", "\\\\server\\share", "\\x",
                                "//server/share", "\\C:\\Windows",
                                // §19.5: values made only of separators are absolute too
                                "/", "\\", "//", "\\\\", "/\\", "\\/", "////", "/\\/\\/\\",
                                // rule 3: '.' and '..' anywhere
                                "..", "../a", "..\\a", "a/..", "a/../b", "a\\..\\b", "a/b/../../..",
                                "./a", "a/./b", "a/b/.", "a//..//b", ".\\"};
  for (const auto& value : values) {
    for (const auto kind : all_kinds) {
      BOOST_TEST_CONTEXT(kind_name(kind) << " '" << value << "'") {
        const auto checked = files::check_path(value, kind);
        BOOST_TEST(checked.error == result_code::path_not_allowed);
        BOOST_TEST(checked.canonical.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(enforces_the_length_and_component_limits) {
  struct row {
    const char* what;
    std::string value;
    bool accepted;
  };
  const std::string trailing_separators = "a" + std::string(files::max_path_bytes - 1, '/');
  const row rows[] = {
      {"255-byte component", std::string(255, 'x'), true},
      {"256-byte component", std::string(256, 'x'), false},
      {"256-byte component after others", "a/b/" + std::string(256, 'x'), false},
      {"1024-byte value", value_of_size(1024), true},
      {"1025-byte value", value_of_size(1025), false},
      // The limit is on the value as sent, not on its canonical form.
      {"1024 bytes, mostly separators", trailing_separators, true},
      {"1025 bytes, mostly separators", trailing_separators + "/", false},
      {"32 components", components(32), true},
      {"33 components", components(33), false},
      {"33 components, backslashes", components(33, 1, "\\"), false},
      // Empty components are not components (rule 2).
      {"32 components, doubled separators", components(32, 1, "//") + "\\/", true},
      {"32 components of 31 bytes", components(32, 31), true},
  };
  for (const auto& r : rows) {
    for (const auto kind : multi_kinds) {
      BOOST_TEST_CONTEXT(kind_name(kind) << ": " << r.what << " (" << r.value.size() << " bytes)") {
        const auto checked = files::check_path(r.value, kind);
        if (r.accepted) {
          BOOST_TEST(checked.ok());
          BOOST_TEST(checked.canonical.size() <= r.value.size());
        } else {
          BOOST_TEST(checked.error == result_code::path_not_allowed);
        }
      }
    }
  }
  BOOST_TEST(files::check_path(std::string(255, 'n'), path_kind::name).ok());
}

BOOST_AUTO_TEST_CASE(name_is_exactly_one_component) {
  // Each is a fine relpath; only rule 5 refuses it as a name.
  for (const auto value :
       {"a/b"sv, "a\\b"sv, "a/"sv, "a\\"sv, "a//"sv, "a/b/"sv, "dir\\file.txt"sv}) {
    BOOST_TEST_CONTEXT("'" << value << "'") {
      BOOST_TEST(files::check_path(value, path_kind::relpath).ok());
      const auto checked = files::check_path(value, path_kind::name);
      BOOST_TEST(checked.error == result_code::path_not_allowed);
      BOOST_TEST(checked.canonical.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_values) {
  // §19.3: an empty name or relpath is a missing parameter; an empty dir is the root (rule 2).
  BOOST_TEST(files::check_path("", path_kind::name).error == result_code::parameter_error);
  BOOST_TEST(files::check_path("", path_kind::relpath).error == result_code::parameter_error);
  const auto root = files::check_path("", path_kind::dir);
  BOOST_TEST(root.ok());
  BOOST_TEST(root.canonical == "");
}

BOOST_AUTO_TEST_CASE(accepts_values_in_their_canonical_form) {
  struct row {
    std::string value;
    std::string canonical;
  };
  std::vector<row> rows{
      // rule 2: either separator, empty components dropped
      {"sub\\child\\", "sub/child"}, {"a//b", "a/b"},          {"a\\/b", "a/b"},
      {"a/b/c///", "a/b/c"},         {"a\\\\b\\\\c", "a/b/c"},
  };
  // Values that are their own canonical form.
  const std::string_view literal[] = {
      // §19.5: look-alikes are literal names, never decoded
      "%2e%2e",
      "%2e%2e/%2f",
      "%2e%2e%5cetc",
      "\xef\xbc\x8e\xef\xbc\x8e",  // two U+FF0E full-width dots
      "\xef\xbc\x8e\xef\xbc\x8e/x",
      "\xe2\x80\xa4\xe2\x80\xa4",  // two U+2024 one-dot leaders
      "x\xef\xbc\x9ay",            // U+FF1A full-width colon
      // UTF-8 names
      "na\xc3\xafve.txt",
      "\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e",
      "emoji \xf0\x9f\x98\x80.bin",
      // names that merely resemble the reserved ones
      "CONSOLE",
      "COM10",
      "LPT0",
      "COM0.txt",
      "COM",
      "NULL",
      "AUXILIARY.txt",
      "xCON",
      "CON_",
      "COM1x",
      "CON .txt",
      // dots and spaces are fine anywhere but at the end
      ".hidden",
      "..a",
      "a.b.c",
      " lead",
      "in side",
      // the ASCII punctuation rule 3 allows
      "~$#%&'`!@^()[]{};,=+-_",
  };
  for (const auto value : literal)
    rows.push_back({std::string(value), std::string(value)});
  for (const auto& r : rows) {
    for (const auto kind : all_kinds) {
      if (kind == path_kind::name && has_separator(r.value)) continue;
      BOOST_TEST_CONTEXT(kind_name(kind) << " '" << r.value << "'") {
        const auto checked = files::check_path(r.value, kind);
        BOOST_TEST(checked.ok());
        BOOST_TEST(checked.canonical == r.canonical);
        // The canonical form is itself valid, and canonical.
        const auto again = files::check_path(checked.canonical, kind);
        BOOST_TEST(again.ok());
        BOOST_TEST(again.canonical == r.canonical);
        if (!has_separator(r.canonical)) BOOST_TEST(files::is_addressable_name(r.canonical));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(joins_and_splits_canonical_paths) {
  struct row {
    std::string_view dir, name, joined;
  };
  const row rows[] = {{"", "a", "a"}, {"a", "b", "a/b"}, {"a/b", "c.txt", "a/b/c.txt"}};
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("'" << r.dir << "' + '" << r.name << "'") {
      BOOST_TEST(files::join_path(r.dir, r.name) == r.joined);
      BOOST_TEST(files::parent_of(r.joined) == r.dir);
      BOOST_TEST(files::leaf_of(r.joined) == r.name);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// The rest works on real files.

namespace {

using asyncsvr::test::temp_dir;

void write_file(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  BOOST_REQUIRE(out.good());
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string read_fd(int fd) {
  std::string text;
  char chunk[256];
  ssize_t n = 0;
  while ((n = ::pread(fd, chunk, sizeof chunk, static_cast<off_t>(text.size()))) > 0) {
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

void write_fd(int fd, std::string_view text) {
  BOOST_REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

void make_fifo(const fs::path& path) {
  BOOST_REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
}

// A socket file stays behind after its socket is closed, which is all these tests need.
void make_socket_file(const fs::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  BOOST_REQUIRE(text.size() < sizeof address.sun_path);
  std::copy(text.begin(), text.end(), address.sun_path);
  const unique_fd s(::socket(AF_UNIX, SOCK_STREAM, 0));
  BOOST_REQUIRE(static_cast<bool>(s));
  BOOST_REQUIRE(::bind(s.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
}

ino_t inode_of(int fd) {
  struct stat st {};
  BOOST_REQUIRE(::fstat(fd, &st) == 0);
  return st.st_ino;
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// A tree with every kind of entry the sandbox must handle, next to a directory outside it:
//   root/a/b/c/            root/file.txt ("hello")   root/a/plain
//   root/link_out  -> ../outside      root/link_in -> a         root/a/link_up -> ..
//   root/link_file -> file.txt        root/link_secret -> ../outside/secret
//   root/dangling  -> ../outside/created                         root/fifo   root/sock
struct sandbox_tree {
  temp_dir base;
  fs::path root = base.path / "root";
  fs::path outside = base.path / "outside";
  files::sandbox box{root};

  sandbox_tree() {
    fs::create_directories(root / "a" / "b" / "c");
    fs::create_directories(outside);
    write_file(root / "file.txt", "hello");
    write_file(root / "a" / "plain", "");
    write_file(outside / "secret", "secret");
    fs::create_directory_symlink("../outside", root / "link_out");
    fs::create_directory_symlink("a", root / "link_in");
    fs::create_directory_symlink("..", root / "a" / "link_up");
    fs::create_symlink("file.txt", root / "link_file");
    fs::create_symlink("../outside/secret", root / "link_secret");
    fs::create_symlink("../outside/created", root / "dangling");
    make_fifo(root / "fifo");
    make_socket_file(root / "sock");
  }

  unique_fd root_fd() {
    fs_error error;
    unique_fd fd = box.open_dir("", error);
    BOOST_REQUIRE(!error);
    return fd;
  }
};

struct open_result {
  unique_fd fd;
  fs_error error;
};

// open_file_at on another thread: an open that waits for a FIFO's other end would hang the test
// instead of failing it. If it has not returned in time, the test releases it by opening both
// ends of the FIFO itself (O_RDWR never waits), and fails.
open_result open_without_blocking(int dir, const std::string& name, int flags) {
  auto opening = std::async(std::launch::async, [dir, name, flags] {
    open_result result;
    result.fd = files::open_file_at(dir, name, flags, result.error);
    return result;
  });
  if (opening.wait_for(5s) == std::future_status::timeout) {
    BOOST_ERROR("open_file_at blocked on '" << name << "'");
    const unique_fd release(::openat(dir, name.c_str(), O_RDWR | O_NONBLOCK));
    return opening.get();
  }
  return opening.get();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sandbox, sandbox_tree)

BOOST_AUTO_TEST_CASE(open_dir_walks_directories_and_refuses_everything_else) {
  struct row {
    std::string_view canonical;
    result_code expected;
  };
  const row rows[] = {
      {"", result_code::success},
      {"a", result_code::success},
      {"a/b", result_code::success},
      {"a/b/c", result_code::success},
      {"missing", result_code::dir_not_exist},
      {"a/missing/c", result_code::dir_not_exist},
      {"a/b/c/missing", result_code::dir_not_exist},
      // §19.7: a regular file where a directory is needed, at the end or in the middle
      {"file.txt", result_code::dir_not_exist},
      {"a/plain", result_code::dir_not_exist},
      {"a/plain/b", result_code::dir_not_exist},
      {"fifo", result_code::dir_not_exist},
      {"sock/x", result_code::dir_not_exist},
      // Links are refused wherever they are and wherever they point, even inside the root.
      {"link_out", result_code::path_not_allowed},
      {"link_out/anything", result_code::path_not_allowed},
      {"link_in", result_code::path_not_allowed},
      {"link_in/b", result_code::path_not_allowed},
      {"a/link_up", result_code::path_not_allowed},
      {"a/link_up/a", result_code::path_not_allowed},
      {"link_file", result_code::path_not_allowed},
      {"dangling", result_code::path_not_allowed},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("'" << r.canonical << "'") {
      fs_error error;
      const unique_fd fd = box.open_dir(r.canonical, error);
      BOOST_TEST(error.code == r.expected);
      BOOST_TEST(static_cast<bool>(fd) == (r.expected == result_code::success));
      if (fd) BOOST_TEST(inode_of(fd.get()) == inode_of(root / r.canonical));
    }
  }
}

BOOST_AUTO_TEST_CASE(each_caller_owns_the_descriptor_it_gets) {
  const unique_fd first = root_fd();
  const unique_fd second = root_fd();
  BOOST_TEST(first.get() != second.get());
  BOOST_TEST(first.get() != box.root_fd());
  BOOST_TEST(inode_of(first.get()) == inode_of(root));
}

BOOST_AUTO_TEST_CASE(open_file_at_opens_only_regular_files) {
  struct row {
    std::string name;
    int flags;
    result_code expected;
  };
  const row rows[] = {
      {"file.txt", O_RDONLY, result_code::success},
      {"file.txt", O_WRONLY | O_APPEND, result_code::success},
      {"created_inside", O_WRONLY | O_CREAT, result_code::success},
      {"missing", O_RDONLY, result_code::file_not_exist},
      {"a", O_RDONLY, result_code::not_a_file},
      {"a", O_WRONLY, result_code::not_a_file},
      {"a", O_WRONLY | O_CREAT, result_code::not_a_file},
      // Special files: none of these may wait for a partner or be handed out.
      {"fifo", O_RDONLY, result_code::not_a_file},
      {"fifo", O_WRONLY, result_code::not_a_file},
      {"fifo", O_RDWR, result_code::not_a_file},
      {"sock", O_RDONLY, result_code::not_a_file},
      {"sock", O_WRONLY, result_code::not_a_file},
      // Links, to a file inside, to one outside, to nothing, to a directory.
      {"link_file", O_RDONLY, result_code::path_not_allowed},
      {"link_secret", O_RDONLY, result_code::path_not_allowed},
      {"link_secret", O_WRONLY | O_TRUNC, result_code::path_not_allowed},
      {"dangling", O_RDONLY, result_code::path_not_allowed},
      {"dangling", O_WRONLY | O_CREAT, result_code::path_not_allowed},
      {"link_out", O_RDONLY, result_code::path_not_allowed},
  };
  const unique_fd dir = root_fd();
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("'" << r.name << "' flags " << r.flags) {
      const auto opened = open_without_blocking(dir.get(), r.name, r.flags);
      BOOST_TEST(opened.error.code == r.expected, opened.error.message);
      BOOST_TEST(static_cast<bool>(opened.fd) == (r.expected == result_code::success));
      if (opened.fd) BOOST_TEST(inode_of(opened.fd.get()) == inode_of(root / r.name));
    }
  }
  // Nothing was created through the dangling link, and nothing outside was touched.
  BOOST_TEST(!fs::exists(fs::symlink_status(outside / "created")));
  BOOST_TEST(read_file(outside / "secret") == "secret");
  BOOST_TEST(fs::is_symlink(root / "dangling"));
}

BOOST_AUTO_TEST_CASE(open_file_at_works_below_the_root) {
  fs_error error;
  const unique_fd a = box.open_dir("a", error);
  BOOST_REQUIRE(!error);
  const unique_fd plain = files::open_file_at(a.get(), "plain", O_RDONLY, error);
  BOOST_TEST(!error);
  BOOST_TEST(inode_of(plain.get()) == inode_of(root / "a" / "plain"));
  const unique_fd up = files::open_file_at(a.get(), "link_up", O_RDONLY, error);
  BOOST_TEST(error.code == result_code::path_not_allowed);
}

BOOST_AUTO_TEST_CASE(status_at_does_not_follow_links) {
  struct row {
    std::string_view name;
    entry_type type;
    std::uint64_t size;
  };
  const row rows[] = {
      {"file.txt", entry_type::regular, 5}, {"a", entry_type::directory, 0},
      {"link_in", entry_type::symlink, 0},  {"link_file", entry_type::symlink, 0},
      {"dangling", entry_type::symlink, 0}, {"fifo", entry_type::other, 0},
      {"sock", entry_type::other, 0},       {"missing", entry_type::missing, 0},
  };
  const unique_fd dir = root_fd();
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("'" << r.name << "'") {
      const auto status = files::status_at(dir.get(), r.name);
      BOOST_TEST(status.type == r.type);
      if (r.type == entry_type::regular) BOOST_TEST(status.size == r.size);
    }
  }
}

BOOST_AUTO_TEST_CASE(sandbox_creates_a_missing_root) {
  const fs::path fresh = base.path / "fresh" / "root";
  const files::sandbox made(fresh);
  BOOST_TEST(fs::is_directory(fresh));
  BOOST_TEST(made.path() == fresh);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(listing)

BOOST_AUTO_TEST_CASE(lists_only_addressable_entries_sorted_by_bytes) {
  const temp_dir base;
  const fs::path root = base.path;
  struct file {
    std::string name;
    std::string content;
  };
  const file listed_files[] = {
      {"b.txt", "bbb"}, {"a.txt", ""}, {"Z", "zz"}, {"~tilde", "~"}, {"\xc3\xa9", "xy"}};
  const std::string listed_dirs[] = {"d1", "D2", "\xc3\xa9t\xc3\xa9"};
  // Names a client could not address (rule 3, or not UTF-8) are left out...
  for (const auto name : {"bad:name"sv, "trail."sv, "trail "sv, "CON"sv, "con.txt"sv, "q?"sv,
                          "ctl\x01"sv, "bad\xff"sv, "\xc3"sv}) {
    write_file(root / name, "hidden");
  }
  for (const auto name : {"bad:dir"sv, "dot."sv, "LPT1"sv, "over\xc0\xaf"sv}) {
    fs::create_directory(root / name);
  }
  // ...and so are links, whatever they point at, and special files.
  fs::create_symlink("a.txt", root / "link_file");
  fs::create_directory_symlink("d1", root / "link_dir");
  fs::create_directory_symlink("/", root / "link_out");
  make_fifo(root / "fifo");
  make_socket_file(root / "sock");
  for (const auto& f : listed_files)
    write_file(root / f.name, f.content);
  for (const auto& d : listed_dirs)
    fs::create_directory(root / d);

  const files::sandbox box(root);
  fs_error error;
  const unique_fd dir = box.open_dir("", error);
  BOOST_REQUIRE(!error);

  const auto regular = files::list_directory(dir.get(), entry_type::regular, error);
  BOOST_TEST(!error);
  std::vector<std::string> names;
  for (const auto& entry : regular)
    names.push_back(entry.name);
  // Byte order: upper case before lower case, '~' (0x7e) before any multi-byte character.
  const std::vector<std::string> expected_files{"Z", "a.txt", "b.txt", "~tilde", "\xc3\xa9"};
  BOOST_TEST(names == expected_files, boost::test_tools::per_element());
  for (const auto& entry : regular) {
    const auto it = std::find_if(std::begin(listed_files), std::end(listed_files),
                                 [&](const file& f) { return f.name == entry.name; });
    BOOST_REQUIRE(it != std::end(listed_files));
    BOOST_TEST(entry.size == it->content.size());
  }

  const auto dirs = files::list_directory(dir.get(), entry_type::directory, error);
  BOOST_TEST(!error);
  names.clear();
  for (const auto& entry : dirs)
    names.push_back(entry.name);
  const std::vector<std::string> expected_dirs{"D2", "d1", "\xc3\xa9t\xc3\xa9"};
  BOOST_TEST(names == expected_dirs, boost::test_tools::per_element());

  // The caller's descriptor is left open and usable.
  BOOST_TEST(files::status_at(dir.get(), "d1").type == entry_type::directory);
}

BOOST_AUTO_TEST_CASE(an_empty_directory_lists_nothing) {
  const temp_dir base;
  const files::sandbox box(base.path);
  fs_error error;
  const unique_fd dir = box.open_dir("", error);
  for (const auto type : {entry_type::regular, entry_type::directory}) {
    BOOST_TEST(files::list_directory(dir.get(), type, error).empty());
    BOOST_TEST(!error);
  }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// A file root and a staging directory side by side, on one file system.
struct staging_fixture {
  temp_dir base;
  fs::path root = base.path / "root";
  fs::path staging = base.path / "staging";
  files::sandbox box{root};
  files::staging_area area{staging, box};

  fs::path partial_path(std::string_view canonical) const {
    return staging / files::staging_area::partial_name(canonical);
  }

  unique_fd open_partial(std::string_view canonical) {
    fs_error error;
    unique_fd fd = area.open_partial(canonical, error);
    BOOST_REQUIRE(!error);
    return fd;
  }

  unique_fd open_dir(std::string_view canonical) {
    fs_error error;
    unique_fd fd = box.open_dir(canonical, error);
    BOOST_REQUIRE(!error);
    return fd;
  }

  // Backdates a file's modification time by `age`.
  static void age_file(const fs::path& file, std::chrono::seconds age) {
    const auto then = std::chrono::system_clock::now() - age;
    const auto since_epoch = then.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    timespec times[2]{};
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(seconds.count());
    BOOST_REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
  }
};

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(staging, staging_fixture)

BOOST_AUTO_TEST_CASE(partial_name_is_the_sha256_of_the_canonical_path) {
  struct row {
    std::string canonical;
    std::string_view digest;  // empty: checked for shape only
  };
  const row rows[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"a/b", {}},
      {value_of_size(files::max_path_bytes), {}},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("'" << printable(r.canonical) << "'") {
      const std::string name = files::staging_area::partial_name(r.canonical);
      BOOST_TEST(name == files::staging_area::partial_name(r.canonical));  // stable
      BOOST_REQUIRE(name.size() == 64U + ".part"sv.size());
      BOOST_TEST(name.ends_with(".part"));
      BOOST_TEST(is_lower_hex(std::string_view(name).substr(0, 64)));
      if (!r.digest.empty()) BOOST_TEST(name.substr(0, 64) == r.digest);
    }
  }
  BOOST_TEST(files::staging_area::partial_name("a/b") != files::staging_area::partial_name("a/c"));
}

BOOST_AUTO_TEST_CASE(open_partial_appends) {
  const std::string target = "dir/file.bin";
  BOOST_TEST(area.partial_size(target) == 0U);
  {
    const unique_fd fd = open_partial(target);
    BOOST_TEST(fs::is_regular_file(partial_path(target)));
    BOOST_TEST(area.partial_size(target) == 0U);
    write_fd(fd.get(), "abc");
  }
  BOOST_TEST(area.partial_size(target) == 3U);
  {
    // O_APPEND: even a descriptor moved back to the start writes at the end.
    const unique_fd fd = open_partial(target);
    BOOST_REQUIRE(::lseek(fd.get(), 0, SEEK_SET) == 0);
    write_fd(fd.get(), "de");
  }
  BOOST_TEST(area.partial_size(target) == 5U);
  BOOST_TEST(read_file(partial_path(target)) == "abcde");
  // The partial lives in staging only; nothing appears under the root.
  BOOST_TEST(fs::is_empty(root));
  // Partials hold other people's uploads: only the server's user may read them.
  BOOST_TEST(((fs::status(partial_path(target)).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write)));
}

BOOST_AUTO_TEST_CASE(publish_renames_the_partial_onto_the_target) {
  fs::create_directory(root / "a");
  for (const bool target_exists : {false, true}) {
    BOOST_TEST_CONTEXT((target_exists ? "replacing a file" : "new file")) {
      const fs::path target = root / "a" / "t.bin";
      fs::remove(target);
      unique_fd old_version;
      if (target_exists) {
        write_file(target, "old");
        old_version.reset(::open(target.c_str(), O_RDONLY | O_CLOEXEC));
      }
      const unique_fd partial = open_partial("a/t.bin");
      write_fd(partial.get(), "new data");
      const ino_t partial_inode = inode_of(partial.get());
      const unique_fd dir = open_dir("a");

      const fs_error error = area.publish(partial.get(), "a/t.bin", dir.get(), "t.bin");
      BOOST_TEST(!error, error.message);
      // A rename, not a copy: the target is the partial's inode, and the partial is gone.
      BOOST_TEST(inode_of(target) == inode_of(partial.get()));
      BOOST_TEST(inode_of(target) == partial_inode);
      BOOST_TEST(read_file(target) == "new data");
      BOOST_TEST(area.partial_size("a/t.bin") == 0U);
      BOOST_TEST(fs::is_empty(staging));
      // A reader of the previous version keeps reading it whole.
      if (old_version) BOOST_TEST(read_fd(old_version.get()) == "old");
    }
  }
}

BOOST_AUTO_TEST_CASE(publish_refuses_a_directory_with_the_targets_name) {
  for (const bool empty : {true, false}) {
    BOOST_TEST_CONTEXT((empty ? "empty directory" : "non-empty directory")) {
      const fs::path target = root / "t.bin";
      fs::remove_all(target);
      fs::create_directory(target);
      if (!empty) write_file(target / "inner", "keep");
      const unique_fd partial = open_partial("t.bin");
      write_fd(partial.get(), "data");
      const unique_fd dir = open_dir("");

      const fs_error error = area.publish(partial.get(), "t.bin", dir.get(), "t.bin");
      BOOST_TEST(error.code == result_code::not_a_file, error.message);
      // §10.9: the upload stays open, so its partial is kept, and the directory is untouched.
      BOOST_TEST(area.partial_size("t.bin") == 4U);
      BOOST_TEST(fs::is_directory(target));
      if (!empty) BOOST_TEST(read_file(target / "inner") == "keep");
      fs::remove(partial_path("t.bin"));
    }
  }
}

BOOST_AUTO_TEST_CASE(sweep_removes_only_old_partials_not_in_use) {
  const auto ttl = std::chrono::hours(1);
  const auto old_age = std::chrono::hours(2);
  for (const auto target : {"old"sv, "old_in_use"sv, "fresh"sv, "fresh_in_use"sv}) {
    write_fd(open_partial(target).get(), "x");
    if (target.starts_with("old")) age_file(partial_path(target), old_age);
  }
  // Old, but not partials: another file, and a directory that looks like one.
  write_file(staging / "notes.txt", "keep");
  age_file(staging / "notes.txt", old_age);
  const fs::path lookalike = staging / files::staging_area::partial_name("directory");
  fs::create_directory(lookalike);
  age_file(lookalike, old_age);

  std::vector<std::string> asked;
  const auto in_use = [&](std::string_view name) {
    asked.emplace_back(name);
    return name == files::staging_area::partial_name("old_in_use") ||
           name == files::staging_area::partial_name("fresh_in_use");
  };
  BOOST_TEST(area.sweep(ttl, in_use) == 1U);
  BOOST_TEST(!fs::exists(partial_path("old")));
  for (const auto kept : {"old_in_use"sv, "fresh"sv, "fresh_in_use"sv}) {
    BOOST_TEST(fs::exists(partial_path(kept)), kept);
  }
  BOOST_TEST(fs::exists(staging / "notes.txt"));
  BOOST_TEST(fs::is_directory(lookalike));
  // The callback is asked about partial names only.
  for (const auto& name : asked)
    BOOST_TEST(name.ends_with(".part"), name);

  // Once nothing is in use and everything is old enough, every partial goes.
  BOOST_TEST(area.sweep(std::chrono::seconds(0), [](std::string_view) { return false; }) == 3U);
  BOOST_TEST(fs::exists(staging / "notes.txt"));
}

BOOST_AUTO_TEST_CASE(staging_must_share_the_roots_file_system) {
  // The rename in publish works only within one file system.
  const fs::path elsewhere_base = "/dev/shm";
  struct stat shm {
  }, here{};
  if (::stat(elsewhere_base.c_str(), &shm) != 0 || ::stat(base.path.c_str(), &here) != 0 ||
      shm.st_dev == here.st_dev) {
    BOOST_TEST_MESSAGE("skipped: no second file system at " << elsewhere_base);
    return;
  }
  const temp_dir elsewhere(elsewhere_base);
  try {
    const files::staging_area other(elsewhere.path / "staging", box);
    BOOST_ERROR("accepted a staging directory on another file system");
  } catch (const fs::filesystem_error& e) {
    BOOST_TEST(e.code().value() == EXDEV, e.what());
    BOOST_TEST(e.path1() == elsewhere.path / "staging");
  }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct test_owner : files::upload_owner {
  void surrender(std::function<void()> released) override { released(); }
};

std::shared_ptr<files::upload_owner> make_owner() {
  return std::make_shared<test_owner>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_claims)

BOOST_AUTO_TEST_CASE(claim_returns_the_owner_it_takes_over_from) {
  files::file_claims claims;
  const auto a = make_owner(), b = make_owner(), c = make_owner();
  auto claim = claims.claim_upload("p", a);
  BOOST_TEST(claim.error == result_code::success);
  BOOST_TEST(!claim.previous);
  claim = claims.claim_upload("p", b);
  BOOST_TEST(claim.error == result_code::success);
  BOOST_TEST(claim.previous == a);
  claim = claims.claim_upload("p", c);
  BOOST_TEST(claim.previous == b);
  // Another path is another claim.
  claim = claims.claim_upload("q", a);
  BOOST_TEST(!claim.previous);
  auto owned = claims.owned_uploads();
  std::sort(owned.begin(), owned.end());
  BOOST_TEST(owned == (std::vector<std::string>{"p", "q"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_owner_that_is_gone_is_not_taken_over) {
  files::file_claims claims;
  auto a = make_owner();
  (void)claims.claim_upload("p", a);
  a.reset();
  BOOST_TEST(claims.owned_uploads().empty());
  const auto b = make_owner();
  const auto claim = claims.claim_upload("p", b);
  BOOST_TEST(claim.error == result_code::success);
  BOOST_TEST(!claim.previous);
}

BOOST_AUTO_TEST_CASE(release_by_a_non_owner_is_a_no_op) {
  files::file_claims claims;
  const auto a = make_owner(), b = make_owner(), c = make_owner();
  (void)claims.claim_upload("p", a);
  claims.release_upload("p", b.get());
  claims.release_upload("unknown", a.get());
  BOOST_TEST(claims.owned_uploads() == std::vector<std::string>{"p"},
             boost::test_tools::per_element());
  // After a takeover the old owner's release (from its own teardown) leaves the new one alone.
  (void)claims.claim_upload("p", b);
  claims.release_upload("p", a.get());
  BOOST_TEST(claims.claim_upload("p", c).previous == b);
  claims.release_upload("p", c.get());
  BOOST_TEST(claims.owned_uploads().empty());
  BOOST_TEST(!claims.claim_upload("p", a).previous);
}

BOOST_AUTO_TEST_CASE(writer_lock_and_uploads_exclude_each_other) {
  files::file_claims claims;
  const auto a = make_owner();
  // An upload in progress keeps writers out...
  (void)claims.claim_upload("p", a);
  BOOST_TEST(!claims.lock_writer("p"));
  BOOST_TEST(!claims.write_locked("p"));
  claims.release_upload("p", a.get());
  // ...and a writer keeps uploads and other writers out.
  BOOST_TEST(claims.lock_writer("p"));
  BOOST_TEST(claims.write_locked("p"));
  BOOST_TEST(!claims.lock_writer("p"));
  const auto refused = claims.claim_upload("p", a);
  BOOST_TEST(refused.error == result_code::file_is_in_use);
  BOOST_TEST(!refused.previous);
  BOOST_TEST(claims.owned_uploads().empty());
  // Other paths are unaffected.
  BOOST_TEST(!claims.write_locked("q"));
  BOOST_TEST(claims.claim_upload("q", a).error == result_code::success);
  claims.unlock_writer("p");
  BOOST_TEST(!claims.write_locked("p"));
  BOOST_TEST(claims.claim_upload("p", a).error == result_code::success);
  claims.unlock_writer("never locked");
  BOOST_TEST(!claims.write_locked("never locked"));
}

BOOST_AUTO_TEST_SUITE_END()
