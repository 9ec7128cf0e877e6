// PROTOCOL.md §7 across every command that takes a path: each hostile value is refused with
// PathNotAllowed in every path key of Upload, Download and RemoteStream, links inside the root
// that point outside are never followed, and a sentinel outside the root is left untouched.

#include <boost/test/unit_test.hpp>

#include "file_helpers.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
namespace fs = std::filesystem;

namespace {

// Values hostile as a directory or a relative path (and so as a name too). Control characters
// other than TAB cannot get this far (§4.2 makes them a PacketFormatError); the unit tests cover
// them.
std::vector<std::string> hostile_paths() {
  std::vector<std::string> values{"..",
                                  "../",
                                  "../outside",
                                  "a/../../outside",
                                  "x/./y",
                                  ".",
                                  "./x",
                                  "/etc",
                                  "/",
                                  "\\",
                                  "//",
                                  "\\etc",
                                  "\\\\server\\share",
                                  "a\\..\\..\\outside",
                                  "C:",
                                  "C:\\Windows",
                                  "c:outside",
                                  "file.txt:stream",
                                  "a<b",
                                  "a>b",
                                  "a\"b",
                                  "a|b",
                                  "a?b",
                                  "a*b",
                                  "tab\there",
                                  "x/..",
                                  "..\\",
                                  "...",
                                  "a:b",
                                  "prn",
                                  "LPT1",
                                  "nul.tar.gz",
                                  "trailing.",
                                  "trailing ",
                                  "CON",
                                  "con.txt",
                                  "NUL",
                                  "Aux.log",
                                  "COM1",
                                  "lpt9.txt",
                                  "escape",
                                  "escape/sentinel",
                                  "escape_file",
                                  std::string(256, 'a')};
  std::string deep;
  for (int i = 0; i < 33; ++i)
    deep += "d/";
  values.push_back(deep);                    // 33 components
  values.push_back(std::string(1025, 'b'));  // over 1024 bytes
  return values;
}

// Values that are fine as paths but not as a single name.
const std::vector<std::string> hostile_names{"a/b", "a\\b", "sub/"};

struct path_key {
  std::string command;
  std::string key;
  bool is_name;
  std::vector<std::pair<std::string, std::string>> other_keys;
};

void expect_refused(asyncsvr::client::connection& c, const path_key& target,
                    const std::string& value) {
  std::vector<std::pair<std::string, std::string>> keys = target.other_keys;
  keys.emplace_back(target.key, value);
  std::vector<std::pair<std::string_view, std::string_view>> views(keys.begin(), keys.end());
  c.send(target.command, views);
  const auto reply = c.receive();
  BOOST_TEST(reply.result() == result_code::path_not_allowed,
             target.command << " " << target.key << "='" << value << "' got " << reply.code);
}

void check_protocol(test_server& server, std::uint8_t flag, const std::vector<path_key>& keys) {
  auto c = server.login(flag);
  for (const auto& target : keys) {
    for (const auto& value : hostile_paths())
      expect_refused(c, target, value);
    if (target.is_name) {
      for (const auto& value : hostile_names)
        expect_refused(c, target, value);
    }
  }
  BOOST_TEST(c.call("Active").ok());  // still served after hundreds of refusals
}

class hostile_tree {
 public:
  explicit hostile_tree(test_server& server)
      : outside_(server.data_dir() / "outside"), root_(server.file_root()) {
    fs::create_directories(outside_);
    write_file(outside_ / "sentinel", "untouched");
    fs::create_symlink(outside_, root_ / "escape");
    fs::create_symlink(outside_ / "sentinel", root_ / "escape_file");
    fs::create_directory(root_ / "d");
  }
  ~hostile_tree() {
    BOOST_TEST(read_file(outside_ / "sentinel") == "untouched");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(outside_))
      ++entries;
    BOOST_TEST(entries == 1u);
    BOOST_TEST(fs::is_symlink(root_ / "escape"));
    BOOST_TEST(fs::is_symlink(root_ / "escape_file"));
  }

 private:
  fs::path outside_;
  fs::path root_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_paths)

BOOST_AUTO_TEST_CASE(upload_protocol_refuses_them_all) {
  test_server server;
  const hostile_tree tree(server);
  check_protocol(server, upload,
                 {{"Dir", "ParentDir", false, {}},
                  {"FileList", "DirName", false, {}},
                  {"CreateDir", "ParentDir", false, {{"DirName", "new"}}},
                  {"CreateDir", "DirName", true, {{"ParentDir", ""}}},
                  {"DeleteDir", "ParentDir", false, {{"DirName", "d"}}},
                  {"DeleteDir", "DirName", true, {{"ParentDir", ""}}},
                  {"DeleteFile", "DirName", false, {{"Item", "f"}}},
                  {"DeleteFile", "Item", true, {{"DirName", ""}}},
                  {"Upload", "DirName", false, {{"FileName", "f"}}},
                  {"Upload", "FileName", true, {{"DirName", ""}}}});
}

BOOST_AUTO_TEST_CASE(download_protocol_refuses_them_all) {
  test_server server;
  const hostile_tree tree(server);
  check_protocol(
      server, download,
      {{"Dir", "ParentDir", false, {}},
       {"FileList", "DirName", false, {}},
       {"Download", "DirName", false, {{"FileName", "f"}, {"FileSize", "0"}, {"PacketSize", "4"}}},
       {"Download", "FileName", true, {{"DirName", ""}, {"FileSize", "0"}, {"PacketSize", "4"}}}});
}

BOOST_AUTO_TEST_CASE(remote_stream_protocol_refuses_them_all) {
  test_server server;
  const hostile_tree tree(server);
  check_protocol(server, remote_stream,
                 {{"FileExists", "FileName", false, {}},
                  {"OpenFile", "FileName", false, {{"Mode", "0"}}},
                  {"OpenFile", "FileName", false, {{"Mode", "1"}}}});
}

BOOST_AUTO_TEST_SUITE_END()
