// Upload protocol (PROTOCOL.md §10): the tree commands, staged and resumable uploads, takeover,
// and what a concurrent reader sees meanwhile. Real files in the server's temporary file root.

#include <boost/test/unit_test.hpp>

#include "asyncsvr/files/file_store.hpp"
#include "asyncsvr/files/staging_area.hpp"
#include "file_helpers.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Upload, Data…, Eof on one connection; returns the Eof reply.
asyncsvr::client::message upload_whole(asyncsvr::client::connection& c, std::string_view dir,
                                       std::string_view name, std::string_view bytes) {
  const auto opened = c.call("Upload", {{"DirName", dir}, {"FileName", name}});
  if (!opened.ok()) return opened;
  send_data(c, bytes.substr(static_cast<std::size_t>(opened.integer("FileSize"))));
  return c.call("Eof", {{"FileSize", std::to_string(bytes.size())}});
}

std::vector<std::string> items(const asyncsvr::client::message& reply) {
  std::vector<std::string> out;
  for (const auto v : reply.values("Item"))
    out.emplace_back(v);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(upload_protocol)

BOOST_AUTO_TEST_CASE(worked_example_of_section_16_3) {
  test_server server;
  fs::create_directory(server.file_root() / "docs");
  auto c = server.login(upload);
  const auto opened = c.call("Upload", {{"DirName", "docs"}, {"FileName", "a.txt"}});
  BOOST_TEST(opened.text == "[Response]\r\nCommand=Upload\r\nCode=0\r\nFileSize=0");
  c.send("Data", {}, {"hello", 5});
  const auto done = c.call("Eof", {{"FileSize", "5"}});
  BOOST_TEST(done.text == "[Response]\r\nCommand=Eof\r\nCode=0\r\nFileSize=5");
  BOOST_TEST(read_file(server.file_root() / "docs/a.txt") == "hello");
}

BOOST_AUTO_TEST_CASE(commands_need_login) {
  test_server server;
  auto c = server.connect(upload);
  for (const char* command :
       {"Dir", "CreateDir", "DeleteDir", "FileList", "DeleteFile", "Upload", "Eof"}) {
    BOOST_TEST(c.call(command).result() == result_code::not_login, command);
  }
  // §10.8: a refused Data is answered once, as Data, and the connection ends.
  c.send("Data", {}, {"x", 1});
  const auto refused = c.receive();
  BOOST_TEST(refused.command == "Data");
  BOOST_TEST(refused.result() == result_code::not_login);
  BOOST_TEST(c.closed_by_server(5s));
}

BOOST_AUTO_TEST_CASE(dir_and_file_list) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directories(root / "b/inner");
  fs::create_directory(root / "a");
  write_file(root / "b/two.bin", "22");
  write_file(root / "b/one.txt", "1");
  write_file(root / "b/bad:name", "hidden");
  fs::create_symlink("/etc", root / "b/link");
  auto c = server.login(upload);

  BOOST_TEST(items(c.call("Dir", {{"ParentDir", ""}})) == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(items(c.call("Dir", {{"ParentDir", "b\\"}})) == std::vector<std::string>{"inner"});
  BOOST_TEST(items(c.call("FileList", {{"DirName", "b"}})) ==
             (std::vector<std::string>{"one.txt\x01"
                                       "1",
                                       "two.bin\x01"
                                       "2"}));
  BOOST_TEST(c.call("Dir").result() == result_code::parameter_error);
  BOOST_TEST(c.call("Dir", {{"ParentDir", "missing"}}).result() == result_code::dir_not_exist);
  BOOST_TEST(c.call("FileList", {{"DirName", "b/one.txt"}}).result() ==
             result_code::dir_not_exist);  // §19.7
  BOOST_TEST(c.call("Dir", {{"ParentDir", "../"}}).result() == result_code::path_not_allowed);
  BOOST_TEST(c.call("FileList", {{"DirName", "b/link"}}).result() == result_code::path_not_allowed);
}

BOOST_AUTO_TEST_CASE(listings_are_truncated_to_fit_a_frame) {
  test_server server([](asyncsvr::server_config& c) { c.max_packet_size = 1024; });
  for (int i = 0; i < 100; ++i)
    write_file(server.file_root() / ("file-" + std::to_string(1000 + i)), "x");
  auto c = server.login(upload);
  const auto reply = c.call("FileList", {{"DirName", ""}});
  BOOST_REQUIRE(reply.ok());
  BOOST_TEST(reply.value("Truncated").value_or("") == "1");
  BOOST_TEST(items(reply).size() > 10u);
  BOOST_TEST(items(reply).size() < 100u);
  BOOST_TEST(reply.text.size() + 4 <= 1024u);
}

BOOST_AUTO_TEST_CASE(create_dir) {
  test_server server;
  const auto root = server.file_root();
  write_file(root / "plain", "x");
  auto c = server.login(upload);
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}, {"DirName", "new"}}).ok());
  BOOST_TEST(fs::is_directory(root / "new"));
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}, {"DirName", "new"}}).ok());  // exists: fine
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", "new"}, {"DirName", "deeper"}}).ok());
  BOOST_TEST(fs::is_directory(root / "new/deeper"));
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}, {"DirName", "plain"}}).result() ==
             result_code::create_dir_error);
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", "nowhere"}, {"DirName", "x"}}).result() ==
             result_code::dir_not_exist);
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}, {"DirName", "a/b"}}).result() ==
             result_code::path_not_allowed);  // one level only
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}, {"DirName", ""}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", ""}}).result() == result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(delete_dir_is_not_recursive_by_default) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directories(root / "full/sub");
  fs::create_directory(root / "empty");
  write_file(root / "plain", "x");
  fs::create_symlink(root / "full", root / "link");
  auto c = server.login(upload);
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "empty"}}).ok());
  BOOST_TEST(!fs::exists(root / "empty"));
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "full"}}).result() ==
             result_code::delete_dir_error);
  BOOST_TEST(fs::exists(root / "full/sub"));
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "missing"}}).result() ==
             result_code::dir_not_exist);
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "plain"}}).result() ==
             result_code::dir_not_exist);
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "link"}}).result() ==
             result_code::path_not_allowed);  // §19.5
  BOOST_TEST(fs::is_symlink(root / "link"));
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", ".."}}).result() ==
             result_code::path_not_allowed);
}

BOOST_AUTO_TEST_CASE(recursive_delete_dir_removes_links_not_their_targets) {
  test_server server([](asyncsvr::server_config& c) { c.delete_dir_recursive = true; });
  const auto root = server.file_root();
  const auto outside = server.data_dir() / "outside";
  fs::create_directories(outside);
  write_file(outside / "sentinel", "keep");
  fs::create_directories(root / "tree/a/b");
  write_file(root / "tree/a/b/file", "x");
  fs::create_symlink(outside, root / "tree/a/escape");
  auto c = server.login(upload);
  BOOST_TEST(c.call("DeleteDir", {{"ParentDir", ""}, {"DirName", "tree"}}).ok());
  BOOST_TEST(!fs::exists(root / "tree"));
  BOOST_TEST(read_file(outside / "sentinel") == "keep");
}

BOOST_AUTO_TEST_CASE(delete_file_checks_every_item_before_deleting_any) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directory(root / "d");
  write_file(root / "d/a", "a");
  write_file(root / "d/b", "b");
  fs::create_directory(root / "d/sub");
  auto c = server.login(upload);
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "d"}}).result() == result_code::parameter_error);
  BOOST_TEST(
      c.call("DeleteFile", {{"DirName", "d"}, {"Item", "a"}, {"Item", "missing"}}).result() ==
      result_code::file_not_exist);
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "d"}, {"Item", "a"}, {"Item", "sub"}}).result() ==
             result_code::not_a_file);
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "d"}, {"Item", "a"}, {"Item", "../x"}}).result() ==
             result_code::path_not_allowed);
  BOOST_TEST(fs::exists(root / "d/a"));
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "nowhere"}, {"Item", "a"}}).result() ==
             result_code::dir_not_exist);
  BOOST_REQUIRE(server.context().files.claims().lock_writer("d/b"));
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "d"}, {"Item", "b"}}).result() ==
             result_code::file_is_in_use);
  server.context().files.claims().unlock_writer("d/b");
  BOOST_TEST(c.call("DeleteFile", {{"DirName", "d"}, {"Item", "a"}, {"Item", "b"}}).ok());
  BOOST_TEST(!fs::exists(root / "d/a"));
  BOOST_TEST(!fs::exists(root / "d/b"));
}

BOOST_AUTO_TEST_CASE(upload_refusals) {
  test_server server([](asyncsvr::server_config& c) { c.upload_max_file_size = 1000; });
  const auto root = server.file_root();
  fs::create_directory(root / "dir");
  write_file(root / "plain", "x");
  auto c = server.login(upload);
  BOOST_TEST(c.call("Upload", {{"DirName", ""}}).result() == result_code::parameter_error);
  BOOST_TEST(c.call("Upload", {{"DirName", ""}, {"FileName", ""}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("Upload", {{"DirName", "/abs"}, {"FileName", "f"}}).result() ==
             result_code::path_not_allowed);
  // §6.4: ParameterError goes before PathNotAllowed.
  BOOST_TEST(c.call("Upload", {{"DirName", "/abs"}, {"FileName", ""}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("CreateDir", {{"ParentDir", "../x"}, {"DirName", ""}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("DeleteFile", {{"DirName", ""}, {"Item", "../x"}, {"Item", ""}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("Upload", {{"DirName", ""}, {"FileName", "a/b"}}).result() ==
             result_code::path_not_allowed);
  BOOST_TEST(c.call("Upload", {{"DirName", "missing"}, {"FileName", "f"}}).result() ==
             result_code::dir_not_exist);
  BOOST_TEST(c.call("Upload", {{"DirName", "plain"}, {"FileName", "f"}}).result() ==
             result_code::dir_not_exist);
  BOOST_TEST(c.call("Upload", {{"DirName", ""}, {"FileName", "dir"}}).result() ==
             result_code::not_a_file);
  BOOST_REQUIRE(server.context().files.claims().lock_writer("locked"));
  BOOST_TEST(c.call("Upload", {{"DirName", ""}, {"FileName", "locked"}}).result() ==
             result_code::file_is_in_use);
  // A partial beyond the limit (the limit was lowered since) cannot be resumed.
  write_file(server.data_dir() / ".staging" / asyncsvr::files::staging_area::partial_name("big"),
             std::string(1001, 'x'));
  BOOST_TEST(c.call("Upload", {{"DirName", ""}, {"FileName", "big"}}).result() ==
             result_code::quota_exceeded);
  BOOST_TEST(c.call("Eof").result() == result_code::not_open_file);
}

BOOST_AUTO_TEST_CASE(data_without_upload_ends_the_connection) {
  test_server server;
  auto c = server.login(upload);
  c.send("Data", {}, {"abc", 3});
  const auto refused = c.receive();
  BOOST_TEST(refused.command == "Data");
  BOOST_TEST(refused.result() == result_code::not_open_file);
  BOOST_TEST(c.closed_by_server(5s));
}

BOOST_AUTO_TEST_CASE(data_beyond_the_size_limit_keeps_the_prefix) {
  test_server server([](asyncsvr::server_config& c) { c.upload_max_file_size = 10; });
  auto c = server.login(upload);
  BOOST_REQUIRE(c.call("Upload", {{"DirName", ""}, {"FileName", "f"}}).ok());
  c.send("Data", {}, {"12345678", 8});
  c.send("Data", {}, {"90ab", 4});
  const auto refused = c.receive();
  BOOST_TEST(refused.command == "Data");
  BOOST_TEST(refused.result() == result_code::quota_exceeded);
  BOOST_TEST(c.closed_by_server(5s));
  auto again = server.login(upload);
  BOOST_TEST(again.call("Upload", {{"DirName", ""}, {"FileName", "f"}}).integer("FileSize") == 8);
  again.send("Data", {}, {"90", 2});
  BOOST_TEST(again.call("Eof").integer("FileSize") == 10);
  BOOST_TEST(read_file(server.file_root() / "f") == "1234567890");
}

BOOST_AUTO_TEST_CASE(eof_errors_keep_the_upload_open) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directory(root / "d");
  auto c = server.login(upload);
  BOOST_REQUIRE(c.call("Upload", {{"DirName", "d"}, {"FileName", "f"}}).ok());
  c.send("Data", {}, {"abc", 3});
  BOOST_TEST(c.call("Eof", {{"FileSize", "4"}}).result() == result_code::file_size_error);
  BOOST_TEST(c.call("Eof", {{"FileSize", "-1"}}).result() == result_code::parameter_error);
  fs::create_directory(root / "d/f");
  BOOST_TEST(c.call("Eof").result() == result_code::not_a_file);
  fs::remove(root / "d/f");
  fs::rename(root / "d", root / "moved");
  BOOST_TEST(c.call("Eof").result() == result_code::dir_not_exist);
  fs::rename(root / "moved", root / "d");
  c.send("Data", {}, {"d", 1});
  BOOST_TEST(c.call("Eof", {{"FileSize", "4"}}).integer("FileSize") == 4);
  BOOST_TEST(read_file(root / "d/f") == "abcd");
  BOOST_TEST(c.call("Eof").result() == result_code::not_open_file);  // completed and closed
}

BOOST_AUTO_TEST_CASE(completed_upload_replaces_the_existing_file) {
  test_server server;
  write_file(server.file_root() / "f", "old contents that are longer");
  auto c = server.login(upload);
  const auto reply = upload_whole(c, "", "f", "new");
  BOOST_TEST(reply.integer("FileSize") == 3);
  BOOST_TEST(read_file(server.file_root() / "f") == "new");
}

BOOST_AUTO_TEST_CASE(partial_content_is_never_visible) {
  test_server server;
  const auto root = server.file_root();
  write_file(root / "f", "version 1");
  auto c = server.login(upload);
  BOOST_REQUIRE(c.call("Upload", {{"DirName", ""}, {"FileName", "f"}}).ok());
  send_data(c, random_bytes(300 * 1024));
  auto reader = server.login(upload);
  // Active round-trips behind the Data frames, so they have all been written when it returns.
  BOOST_REQUIRE(c.call("Active").ok());
  BOOST_TEST(items(reader.call("FileList", {{"DirName", ""}})) == std::vector<std::string>{"f\x01"
                                                                                           "9"});
  BOOST_TEST(read_file(root / "f") == "version 1");
  auto fetch = server.login(download);
  BOOST_REQUIRE(
      fetch
          .call("Download",
                {{"DirName", ""}, {"FileName", "f"}, {"FileSize", "0"}, {"PacketSize", "1024"}})
          .ok());
  BOOST_TEST(fetch.receive().integer("FileSize") == 9);
  BOOST_TEST(fetch.receive().payload == "version 1");
  BOOST_TEST(c.call("Eof").integer("FileSize") == 300 * 1024);
  BOOST_TEST(items(reader.call("FileList", {{"DirName", ""}})) ==
             std::vector<std::string>{"f\x01"
                                      "307200"});
}

BOOST_AUTO_TEST_CASE(resume_after_a_reset_connection) {
  test_server server;
  const auto source = random_bytes(3 * 1024 * 1024 + 17, 7);
  {
    auto c = server.login(upload);
    BOOST_REQUIRE(c.call("Upload", {{"DirName", ""}, {"FileName", "big"}}).integer("FileSize") ==
                  0);
    send_data(c, std::string_view(source).substr(0, source.size() / 2));
    c.reset();  // RST: whatever the server had not read yet is lost, and that is fine
  }
  BOOST_REQUIRE(eventually([&] { return server.context().metrics.active_uploads.value() == 0; }));
  auto c = server.login(upload);
  const auto opened = c.call("Upload", {{"DirName", ""}, {"FileName", "big"}});
  const auto offset = static_cast<std::size_t>(opened.integer("FileSize"));
  BOOST_TEST(offset <= source.size() / 2);
  send_data(c, std::string_view(source).substr(offset));
  BOOST_TEST(c.call("Eof", {{"FileSize", std::to_string(source.size())}}).ok());
  BOOST_TEST(sha256_hex(read_file(server.file_root() / "big")) == sha256_hex(source));
}

BOOST_AUTO_TEST_CASE(idle_partials_expire_but_open_uploads_keep_theirs) {
  test_server server([](asyncsvr::server_config& c) { c.upload_partial_ttl = 2s; });
  {
    auto abandoned = server.login(upload);
    BOOST_REQUIRE(abandoned.call("Upload", {{"DirName", ""}, {"FileName", "gone"}}).ok());
    abandoned.send("Data", {}, {"abc", 3});
    BOOST_REQUIRE(abandoned.call("Active").ok());
  }
  auto open = server.login(upload);
  BOOST_REQUIRE(open.call("Upload", {{"DirName", ""}, {"FileName", "kept"}}).ok());
  open.send("Data", {}, {"12", 2});
  BOOST_REQUIRE(open.call("Active").ok());
  const auto staging = server.data_dir() / ".staging";
  const auto gone = staging / asyncsvr::files::staging_area::partial_name("gone");
  const auto kept = staging / asyncsvr::files::staging_area::partial_name("kept");
  BOOST_REQUIRE(fs::exists(gone));
  // Housekeeping runs every 2 s and sweeps once the partial is older than 2 s.
  BOOST_TEST(eventually([&] { return !fs::exists(gone); }, 15s));
  BOOST_TEST(fs::exists(kept));  // as old, but its upload is open
  open.send("Data", {}, {"34", 2});
  BOOST_TEST(open.call("Eof", {{"FileSize", "4"}}).ok());
  BOOST_TEST(read_file(server.file_root() / "kept") == "1234");
  auto again = server.login(upload);
  BOOST_TEST(again.call("Upload", {{"DirName", ""}, {"FileName", "gone"}}).integer("FileSize") ==
             0);
}

BOOST_AUTO_TEST_CASE(second_upload_takes_over_and_the_first_learns_why) {
  test_server server;
  const auto source = random_bytes(1024 * 1024, 3);
  auto first = server.login(upload);
  BOOST_REQUIRE(first.call("Upload", {{"DirName", ""}, {"FileName", "f"}}).ok());
  send_data(first, std::string_view(source).substr(0, 400 * 1024));
  BOOST_REQUIRE(first.call("Active").ok());  // every Data above is written

  auto second = server.login(upload);
  const auto opened = second.call("Upload", {{"DirName", ""}, {"FileName", "./f"}});
  BOOST_TEST(opened.result() == result_code::path_not_allowed);
  const auto taken = second.call("Upload", {{"DirName", "\\"}, {"FileName", "f"}});
  BOOST_TEST(taken.result() == result_code::path_not_allowed);  // a lone separator is absolute
  const auto resumed = second.call("Upload", {{"DirName", ""}, {"FileName", "f"}});
  BOOST_REQUIRE(resumed.ok());
  BOOST_TEST(resumed.integer("FileSize") == 400 * 1024);

  const auto notice = first.call("Eof");
  BOOST_TEST(notice.command == "Disconnect");
  BOOST_TEST(notice.result() == result_code::upload_taken_over);
  BOOST_TEST(first.closed_by_server(5s));

  send_data(second, std::string_view(source).substr(400 * 1024));
  BOOST_TEST(second.call("Eof", {{"FileSize", std::to_string(source.size())}}).ok());
  BOOST_TEST(sha256_hex(read_file(server.file_root() / "f")) == sha256_hex(source));
}

BOOST_AUTO_TEST_CASE(concurrent_uploads_of_different_files_are_intact) {
  test_server server;
  constexpr int uploads = 20;
  std::vector<asyncsvr::client::connection> clients;
  std::vector<std::string> sources;
  for (int i = 0; i < uploads; ++i) {
    clients.push_back(server.login(upload));
    sources.push_back(random_bytes(512 * 1024 + i, 100 + i));
    BOOST_REQUIRE(clients.back()
                      .call("Upload", {{"DirName", ""}, {"FileName", "f" + std::to_string(i)}})
                      .ok());
  }
  // Interleave the chunks of every upload, as many devices uploading at once would.
  for (std::size_t at = 0; at < sources[0].size() + uploads; at += data_chunk) {
    for (int i = 0; i < uploads; ++i) {
      if (at < sources[i].size())
        send_data(clients[i], std::string_view(sources[i]).substr(at, data_chunk));
    }
  }
  for (int i = 0; i < uploads; ++i) {
    BOOST_TEST(clients[i].call("Eof").integer("FileSize") ==
               static_cast<std::int64_t>(sources[i].size()));
    BOOST_TEST(sha256_hex(read_file(server.file_root() / ("f" + std::to_string(i)))) ==
               sha256_hex(sources[i]));
  }
  BOOST_TEST(server.context().metrics.active_uploads.value() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
