// RemoteStream protocol (PROTOCOL.md §12): every command on success and on each error it lists,
// the §7 sandbox (hostile paths, symbolic links), §12.3 write locks and the §19.9 rules for
// positions past the end, checked against the real files under the root.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "file_helpers.hpp"
#include "test_server.hpp"

using asyncsvr::client::connection;
using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
namespace fs = std::filesystem;

namespace {

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>((i * 131 + 7) & 0xFF);
  return bytes;
}

result_code open_file(connection& c, std::string_view name, std::string_view mode) {
  return c.call("OpenFile", {{"FileName", name}, {"Mode", mode}}).result();
}

result_code file_exists(connection& c, std::string_view name) {
  return c.call("FileExists", {{"FileName", name}}).result();
}

// The result of Write with `data`, and the Count it reports on success.
std::pair<result_code, std::int64_t> write(connection& c, std::string_view data) {
  const auto reply = c.call("Write", {}, data);
  return {reply.result(), reply.ok() ? reply.integer("Count") : -1};
}

std::string read(connection& c, std::int64_t count) {
  const auto reply = c.call("Read", {{"Count", std::to_string(count)}});
  BOOST_REQUIRE(reply.ok());
  BOOST_REQUIRE(reply.integer("Count") == static_cast<std::int64_t>(reply.payload.size()));
  return reply.payload;
}

std::int64_t position(connection& c) {
  return c.call("GetPosition").integer("Position");
}

std::int64_t size(connection& c) {
  return c.call("GetSize").integer("Size");
}

result_code seek(connection& c, std::string_view offset, std::string_view origin) {
  return c.call("Seek", {{"Offset", offset}, {"SeekOrigin", origin}}).result();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(remote_stream_protocol)

BOOST_AUTO_TEST_CASE(every_command_but_login_and_active_needs_login) {
  test_server server;
  write_file(server.file_root() / "a.txt", "abc");
  auto c = server.connect(remote_stream);
  BOOST_TEST(c.call("Active").ok());
  for (const auto* command : {"FileExists", "OpenFile", "SetSize", "GetSize", "SetPosition",
                              "GetPosition", "Read", "Write", "Seek", "CloseFile"}) {
    BOOST_TEST_CONTEXT(command) {
      // §6.4: NotLogin comes before any look at the keys.
      const auto reply = c.call(command, {{"FileName", "a.txt"}, {"Mode", "1"}});
      BOOST_TEST(reply.result() == result_code::not_login);
      BOOST_TEST(reply.command == command);
    }
  }
  BOOST_TEST(c.call("Truncate").result() == result_code::not_exist_command);
  BOOST_TEST(read_file(server.file_root() / "a.txt") == "abc");
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(file_exists(c, "a.txt") == result_code::success);
}

BOOST_AUTO_TEST_CASE(file_exists_is_true_for_regular_files_only) {
  test_server server;
  write_file(server.file_root() / "a.txt", "abc");
  write_file(server.file_root() / "sub" / "b.txt", "b");
  auto c = server.login(remote_stream, false);
  BOOST_TEST(file_exists(c, "a.txt") == result_code::success);
  BOOST_TEST(file_exists(c, "sub/b.txt") == result_code::success);
  BOOST_TEST(file_exists(c, "sub\\b.txt") == result_code::success);  // §7 rule 1
  BOOST_TEST(file_exists(c, "sub//b.txt") == result_code::success);  // rule 2
  BOOST_TEST(file_exists(c, "missing.txt") == result_code::file_not_exist);
  BOOST_TEST(file_exists(c, "nodir/b.txt") == result_code::file_not_exist);
  BOOST_TEST(file_exists(c, "a.txt/b.txt") == result_code::file_not_exist);
  BOOST_TEST(file_exists(c, "sub") == result_code::not_a_file);
  BOOST_TEST(file_exists(c, "") == result_code::parameter_error);  // §19.3
  BOOST_TEST(c.call("FileExists").result() == result_code::parameter_error);
  BOOST_TEST(c.call("FileExists", {{"FileName", "a.txt"}, {"filename", "a.txt"}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("FileExists", {{"FileName", "a.txt"}}, std::string("x")).result() ==
             result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(hostile_paths_are_refused_before_any_file_access) {
  test_server server;
  const auto sentinel = server.data_dir() / "outside.txt";
  write_file(sentinel, "secret");
  write_file(server.file_root() / "a.txt", "abc");
  auto c = server.login(remote_stream);
  const std::vector<std::string> hostile{
      "..",
      "../outside.txt",
      "a/../../outside.txt",
      "sub/..",
      "./a.txt",
      "/a.txt",
      "\\a.txt",
      "/",
      "\\\\",
      sentinel.string(),
      "C:x",
      "C:\\outside.txt",
      "a.txt:stream",
      "x\ty",  // TAB passes the text block (§4.2) but is a control character in a path
      "a?b",
      "a*b",
      "a<b",
      "a|b",
      "a.",
      "a ",
      "CON",
      "nul.txt",
      "com1",
      "lpt9.log",
      std::string(256, 'n'),
      [] {
        std::string deep;
        for (int i = 0; i < 33; ++i)
          deep += "d/";
        return deep + "f";
      }(),
  };
  for (const auto& name : hostile) {
    BOOST_TEST_CONTEXT("FileName=" << name) {
      BOOST_TEST(file_exists(c, name) == result_code::path_not_allowed);
      BOOST_TEST(open_file(c, name, "0") == result_code::path_not_allowed);
      BOOST_TEST(open_file(c, name, "1") == result_code::path_not_allowed);
    }
  }
  // §6.4: a bad value of another key is reported first.
  BOOST_TEST(open_file(c, "../outside.txt", "2") == result_code::parameter_error);
  BOOST_TEST(c.call("GetSize").result() == result_code::not_open_file);
  BOOST_TEST(read_file(sentinel) == "secret");
  BOOST_TEST(read_file(server.file_root() / "a.txt") == "abc");
}

BOOST_AUTO_TEST_CASE(symbolic_links_are_never_followed) {
  test_server server;
  const auto root = server.file_root();
  const auto sentinel = server.data_dir() / "outside.txt";
  const auto outside_dir = server.data_dir() / "outside_dir";
  write_file(sentinel, "secret");
  write_file(outside_dir / "old.txt", "old");
  write_file(root / "a.txt", "abc");
  fs::create_symlink(sentinel, root / "link.txt");
  fs::create_symlink("../outside.txt", root / "relative_link.txt");
  fs::create_symlink(root / "a.txt", root / "inner_link.txt");  // §7 allows refusing these too
  fs::create_symlink(outside_dir, root / "escape");
  fs::create_symlink(server.data_dir() / "created.txt", root / "dangling.txt");
  fs::create_directories(root / "sub");
  fs::create_symlink(sentinel, root / "sub" / "deep_link.txt");

  auto c = server.login(remote_stream);
  for (const auto* name : {"link.txt", "relative_link.txt", "inner_link.txt", "escape/old.txt",
                           "escape/new.txt", "dangling.txt", "sub/deep_link.txt"}) {
    BOOST_TEST_CONTEXT("FileName=" << name) {
      BOOST_TEST(file_exists(c, name) == result_code::path_not_allowed);
      BOOST_TEST(open_file(c, name, "0") == result_code::path_not_allowed);
      BOOST_TEST(open_file(c, name, "1") == result_code::path_not_allowed);
      BOOST_TEST(c.call("Write", {}, std::string("pwned")).result() == result_code::not_open_file);
    }
  }
  BOOST_TEST(read_file(sentinel) == "secret");
  BOOST_TEST(read_file(outside_dir / "old.txt") == "old");
  BOOST_TEST(!fs::exists(outside_dir / "new.txt"));
  BOOST_TEST(!fs::exists(server.data_dir() / "created.txt"));
  BOOST_TEST(fs::is_symlink(root / "link.txt"));
  BOOST_TEST(read_file(root / "a.txt") == "abc");
}

BOOST_AUTO_TEST_CASE(open_file_reads_existing_files_and_creates_only_for_writing) {
  test_server server;
  const auto root = server.file_root();
  write_file(root / "a.txt", "hello");
  fs::create_directories(root / "sub");
  auto c = server.login(remote_stream, false);

  BOOST_TEST(open_file(c, "missing.txt", "0") == result_code::file_not_exist);
  BOOST_TEST(!fs::exists(root / "missing.txt"));  // read mode never creates (§17 #13)
  BOOST_TEST(open_file(c, "nodir/x.txt", "0") == result_code::dir_not_exist);
  BOOST_TEST(open_file(c, "nodir/x.txt", "1") == result_code::dir_not_exist);
  BOOST_TEST(open_file(c, "a.txt/x.txt", "1") == result_code::dir_not_exist);  // §19.7
  BOOST_TEST(!fs::exists(root / "nodir"));
  BOOST_TEST(open_file(c, "sub", "0") == result_code::not_a_file);
  BOOST_TEST(open_file(c, "sub", "1") == result_code::not_a_file);

  BOOST_TEST(open_file(c, "sub/new.txt", "1") == result_code::success);
  BOOST_TEST(fs::is_regular_file(root / "sub" / "new.txt"));
  BOOST_TEST(size(c) == 0);

  BOOST_TEST(open_file(c, "a.txt", "1") == result_code::success);  // never truncates
  BOOST_TEST(size(c) == 5);
  BOOST_TEST(position(c) == 0);
  BOOST_TEST(read(c, 100) == "hello");
  BOOST_TEST(open_file(c, "a.txt", "0") == result_code::success);
  BOOST_TEST(position(c) == 0);  // a new open starts at 0
  BOOST_TEST(read(c, 2) == "he");
  BOOST_TEST(read_file(root / "a.txt") == "hello");

  for (const auto* mode : {"2", "-1", "", "x", "01x", " 1"}) {
    BOOST_TEST_CONTEXT("Mode=" << mode) {
      BOOST_TEST(open_file(c, "a.txt", mode) == result_code::parameter_error);
    }
  }
  BOOST_TEST(c.call("OpenFile", {{"FileName", "a.txt"}}).result() == result_code::parameter_error);
  BOOST_TEST(c.call("OpenFile", {{"Mode", "0"}}).result() == result_code::parameter_error);
  BOOST_TEST(open_file(c, "", "0") == result_code::parameter_error);
  // A request refused for its keys is not processed: the file opened before stays open.
  BOOST_TEST(position(c) == 2);
  // A failed open still closed the previous file first (§12.2).
  BOOST_TEST(open_file(c, "missing.txt", "0") == result_code::file_not_exist);
  BOOST_TEST(c.call("GetPosition").result() == result_code::not_open_file);
}

BOOST_AUTO_TEST_CASE(commands_on_the_file_need_an_open_file) {
  test_server server;
  write_file(server.file_root() / "a.txt", "abc");
  auto c = server.login(remote_stream);
  const auto check_all_refused = [&] {
    BOOST_TEST(c.call("SetSize", {{"Size", "1"}}).result() == result_code::not_open_file);
    BOOST_TEST(c.call("GetSize").result() == result_code::not_open_file);
    BOOST_TEST(c.call("SetPosition", {{"Position", "1"}}).result() == result_code::not_open_file);
    BOOST_TEST(c.call("GetPosition").result() == result_code::not_open_file);
    BOOST_TEST(c.call("Read", {{"Count", "1"}}).result() == result_code::not_open_file);
    BOOST_TEST(write(c, "x").first == result_code::not_open_file);
    BOOST_TEST(seek(c, "0", "0") == result_code::not_open_file);
    BOOST_TEST(c.call("CloseFile").result() == result_code::not_open_file);
  };
  check_all_refused();
  // §6.4: key errors come before the state check.
  BOOST_TEST(c.call("Read", {{"Count", "0"}}).result() == result_code::parameter_error);
  BOOST_TEST(c.call("SetPosition").result() == result_code::parameter_error);

  BOOST_TEST(open_file(c, "a.txt", "1") == result_code::success);
  BOOST_TEST(c.call("CloseFile").ok());
  check_all_refused();
  BOOST_TEST(read_file(server.file_root() / "a.txt") == "abc");
}

BOOST_AUTO_TEST_CASE(read_and_write_work_in_place_at_the_position) {
  test_server server;
  const auto file = server.file_root() / "data.bin";
  write_file(file, "hello world");
  auto c = server.login(remote_stream, false);
  BOOST_REQUIRE(open_file(c, "data.bin", "1") == result_code::success);

  BOOST_TEST(read(c, 5) == "hello");
  BOOST_TEST(position(c) == 5);
  BOOST_TEST((write(c, "_") == std::pair{result_code::success, std::int64_t{1}}));
  BOOST_TEST(position(c) == 6);
  const auto counted = c.call("Write", {{"Count", "5"}}, std::string("WORLD"));
  BOOST_TEST(counted.ok());
  BOOST_TEST(counted.integer("Count") == 5);
  BOOST_TEST(position(c) == 11);
  BOOST_TEST(read(c, 10).empty());  // at the end: Count=0, no payload
  BOOST_TEST(read_file(file) == "hello_WORLD");

  BOOST_TEST(c.call("SetPosition", {{"Position", "2"}}).ok());
  BOOST_TEST(position(c) == 2);
  BOOST_TEST(read(c, 3) == "llo");
  BOOST_TEST((write(c, "") == std::pair{result_code::success, std::int64_t{0}}));
  BOOST_TEST(c.call("Write", {{"Count", "0"}}).integer("Count") == 0);

  for (const auto* count : {"0", "-1", "", "x", "2147483648"}) {
    BOOST_TEST_CONTEXT("Read Count=" << count) {
      BOOST_TEST(c.call("Read", {{"Count", count}}).result() == result_code::parameter_error);
    }
  }
  BOOST_TEST(c.call("Read").result() == result_code::parameter_error);
  BOOST_TEST(c.call("Read", {{"Count", "1"}}, std::string("x")).result() ==
             result_code::parameter_error);
  for (const auto* count : {"4", "6", "-1", "x", "2147483648"}) {
    BOOST_TEST_CONTEXT("Write Count=" << count) {
      const auto reply = c.call("Write", {{"Count", count}}, std::string("abcde"));
      BOOST_TEST(reply.result() == result_code::parameter_error);
    }
  }
  BOOST_TEST(c.call("SetPosition", {{"Position", "-1"}}).result() == result_code::parameter_error);
  BOOST_TEST(position(c) == 5);
  BOOST_TEST(read_file(file) == "hello_WORLD");
  BOOST_TEST(c.call("CloseFile").ok());
  BOOST_TEST(read_file(file) == "hello_WORLD");
}

BOOST_AUTO_TEST_CASE(large_transfers_round_trip) {
  test_server server;
  const auto data = pattern(3 * 1024 * 1024 + 17);
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "big.bin", "1") == result_code::success);
  BOOST_TEST(write(c, data).second == static_cast<std::int64_t>(data.size()));
  BOOST_TEST(read_file(server.file_root() / "big.bin") == data);
  BOOST_TEST(c.call("SetPosition", {{"Position", "0"}}).ok());
  std::string back;
  while (back.size() < data.size()) {
    const auto chunk = read(c, 4 * 1024 * 1024);
    BOOST_REQUIRE(chunk.size() == std::min<std::size_t>(1024 * 1024, data.size() - back.size()));
    back += chunk;
  }
  BOOST_TEST((back == data));
  BOOST_TEST(read(c, 1).empty());
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  test_server server;
  auto c = server.login(remote_stream);
  c.send("OpenFile", {{"FileName", "p.txt"}, {"Mode", "1"}});
  c.send("Write", {}, std::string("abc"));
  c.send("Write", {{"Count", "3"}}, std::string("def"));
  c.send("SetPosition", {{"Position", "1"}});
  c.send("Read", {{"Count", "4"}});
  c.send("GetPosition");
  c.send("SetSize", {{"Size", "2"}});
  c.send("GetSize");
  c.send("CloseFile");
  const std::vector<std::string> expected{"OpenFile",    "Write",   "Write",
                                          "SetPosition", "Read",    "GetPosition",
                                          "SetSize",     "GetSize", "CloseFile"};
  std::vector<asyncsvr::client::message> replies;
  for (std::size_t i = 0; i < expected.size(); ++i)
    replies.push_back(c.receive());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST_CONTEXT(expected[i]) {
      BOOST_TEST(replies[i].command == expected[i]);
      BOOST_TEST(replies[i].ok());
    }
  }
  BOOST_TEST(replies[4].payload == "bcde");
  BOOST_TEST(replies[5].integer("Position") == 5);
  BOOST_TEST(replies[7].integer("Size") == 2);
  BOOST_TEST(read_file(server.file_root() / "p.txt") == "ab");
}

BOOST_AUTO_TEST_CASE(read_only_opens_refuse_every_change) {
  test_server server;
  const auto file = server.file_root() / "ro.txt";
  write_file(file, "fixed");
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "ro.txt", "0") == result_code::success);
  BOOST_TEST(write(c, "x").first == result_code::permission_denied);
  BOOST_TEST(write(c, "").first == result_code::permission_denied);
  BOOST_TEST(c.call("SetSize", {{"Size", "0"}}).result() == result_code::permission_denied);
  BOOST_TEST(c.call("SetSize", {{"Size", "-1"}}).result() == result_code::parameter_error);
  BOOST_TEST(read(c, 5) == "fixed");
  BOOST_TEST(read_file(file) == "fixed");
}

BOOST_AUTO_TEST_CASE(set_size_truncates_and_extends_with_zeros_keeping_the_position) {
  test_server server;
  const auto file = server.file_root() / "s.bin";
  write_file(file, "abcdef");
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "s.bin", "1") == result_code::success);
  BOOST_TEST(c.call("SetPosition", {{"Position", "4"}}).ok());
  BOOST_TEST(c.call("SetSize", {{"Size", "3"}}).ok());
  BOOST_TEST(read_file(file) == "abc");
  BOOST_TEST(position(c) == 4);
  BOOST_TEST(c.call("SetSize", {{"Size", "6"}}).ok());
  BOOST_TEST(read_file(file) == std::string("abc\0\0\0", 6));
  BOOST_TEST(size(c) == 6);
  BOOST_TEST(position(c) == 4);
  for (const auto* bad : {"-1", "", "x", "9223372036854775808"}) {
    BOOST_TEST_CONTEXT("Size=" << bad) {
      BOOST_TEST(c.call("SetSize", {{"Size", bad}}).result() == result_code::parameter_error);
    }
  }
  BOOST_TEST(c.call("SetSize").result() == result_code::parameter_error);
  BOOST_TEST(size(c) == 6);
}

BOOST_AUTO_TEST_CASE(seek_moves_from_each_origin_and_refuses_out_of_range_results) {
  test_server server;
  write_file(server.file_root() / "ten.bin", "0123456789");
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "ten.bin", "0") == result_code::success);
  const auto seek_to = [&](std::string_view offset, std::string_view origin) {
    return c.call("Seek", {{"Offset", offset}, {"SeekOrigin", origin}}).integer("Offset");
  };
  BOOST_TEST(seek_to("3", "0") == 3);
  BOOST_TEST(seek_to("2", "1") == 5);
  BOOST_TEST(seek_to("-4", "2") == 6);
  BOOST_TEST(read(c, 1) == "6");
  BOOST_TEST(seek_to("-7", "1") == 0);

  BOOST_TEST(seek(c, "-1", "1") == result_code::parameter_error);
  BOOST_TEST(seek(c, "-11", "2") == result_code::parameter_error);
  BOOST_TEST(seek(c, "-1", "0") == result_code::parameter_error);
  BOOST_TEST(seek(c, "-9223372036854775808", "2") == result_code::parameter_error);
  BOOST_TEST(seek(c, "9223372036854775807", "2") == result_code::parameter_error);  // overflow
  BOOST_TEST(position(c) == 0);  // unchanged by every refusal
  BOOST_TEST(seek_to("9223372036854775807", "0") == INT64_MAX);
  BOOST_TEST(seek(c, "1", "1") == result_code::parameter_error);
  BOOST_TEST(position(c) == INT64_MAX);

  for (const auto* origin : {"3", "-1", "", "x"}) {
    BOOST_TEST_CONTEXT("SeekOrigin=" << origin) {
      BOOST_TEST(seek(c, "0", origin) == result_code::parameter_error);
    }
  }
  BOOST_TEST(seek(c, "9223372036854775808", "0") == result_code::parameter_error);
  BOOST_TEST(c.call("Seek", {{"Offset", "0"}}).result() == result_code::parameter_error);
  BOOST_TEST(c.call("Seek", {{"SeekOrigin", "0"}}).result() == result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(past_the_end_reads_nothing_and_writes_extend_with_zeros) {
  test_server server;
  const auto file = server.file_root() / "gap.bin";
  write_file(file, "abc");
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "gap.bin", "1") == result_code::success);
  BOOST_TEST(c.call("Seek", {{"Offset", "5"}, {"SeekOrigin", "2"}}).integer("Offset") == 8);
  BOOST_TEST(read(c, 4).empty());  // §19.9
  BOOST_TEST(position(c) == 8);
  BOOST_TEST(write(c, "xy").second == 2);
  BOOST_TEST(read_file(file) == std::string("abc\0\0\0\0\0xy", 10));
  BOOST_TEST(size(c) == 10);

  BOOST_TEST(c.call("SetPosition", {{"Position", "100"}}).ok());
  BOOST_TEST(read(c, 1).empty());
  // The last offset a position can name: nothing to read, and no room to write.
  BOOST_TEST(c.call("SetPosition", {{"Position", "9223372036854775807"}}).ok());
  BOOST_TEST(read(c, 1).empty());
  BOOST_TEST(write(c, "z").first == result_code::quota_exceeded);
  BOOST_TEST(c.call("SetPosition", {{"Position", "9223372036854775806"}}).ok());
  BOOST_TEST(read(c, 1000).empty());
  BOOST_TEST(size(c) == 10);
}

BOOST_AUTO_TEST_CASE(reads_are_reduced_to_remote_stream_max_read) {
  test_server server([](asyncsvr::server_config& c) { c.remote_stream_max_read = 16; });
  const auto data = pattern(100);
  write_file(server.file_root() / "r.bin", data);
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "r.bin", "0") == result_code::success);
  BOOST_TEST(read(c, 50) == data.substr(0, 16));
  BOOST_TEST(position(c) == 16);
  BOOST_TEST(read(c, 4) == data.substr(16, 4));
}

BOOST_AUTO_TEST_CASE(reads_are_reduced_so_the_reply_fits_max_packet_size) {
  constexpr std::uint64_t limit = 256;
  test_server server([](asyncsvr::server_config& c) {
    c.max_packet_size = limit;
    c.max_command_text = 200;
  });
  const auto data = pattern(1000);
  write_file(server.file_root() / "r.bin", data);
  asyncsvr::client::options strict;
  strict.max_packet_size = limit;  // the client rejects any larger frame
  auto c = server.connect(remote_stream, strict);
  BOOST_REQUIRE(c.login("admin", "admin").ok());
  BOOST_REQUIRE(open_file(c, "r.bin", "0") == result_code::success);
  const auto reply = c.call("Read", {{"Count", "1000"}});
  BOOST_REQUIRE(reply.ok());
  BOOST_TEST(4 + reply.text.size() + reply.payload.size() <= limit);
  BOOST_TEST(reply.payload.size() > limit - 64);
  BOOST_TEST(reply.integer("Count") == static_cast<std::int64_t>(reply.payload.size()));
  BOOST_TEST(reply.payload == data.substr(0, reply.payload.size()));
}

BOOST_AUTO_TEST_CASE(upload_max_file_size_bounds_writes_and_set_size) {
  test_server server([](asyncsvr::server_config& c) { c.upload_max_file_size = 10; });
  const auto file = server.file_root() / "q.bin";
  auto c = server.login(remote_stream);
  BOOST_REQUIRE(open_file(c, "q.bin", "1") == result_code::success);
  BOOST_TEST(write(c, "0123456789").second == 10);
  BOOST_TEST(write(c, "x").first == result_code::quota_exceeded);
  BOOST_TEST(position(c) == 10);
  BOOST_TEST(c.call("SetSize", {{"Size", "11"}}).result() == result_code::quota_exceeded);
  BOOST_TEST(c.call("SetSize", {{"Size", "10"}}).ok());
  BOOST_TEST(c.call("SetPosition", {{"Position", "8"}}).ok());
  BOOST_TEST(write(c, "abc").first == result_code::quota_exceeded);
  BOOST_TEST(write(c, "ab").second == 2);
  BOOST_TEST(read_file(file) == "01234567ab");
}

BOOST_AUTO_TEST_CASE(one_writer_per_path_while_readers_are_never_blocked) {
  test_server server;
  const auto file = server.file_root() / "sub" / "shared.txt";
  write_file(file, "shared");
  auto a = server.login(remote_stream);
  auto b = server.login(remote_stream, false);

  BOOST_REQUIRE(open_file(a, "sub/shared.txt", "1") == result_code::success);
  BOOST_TEST(open_file(b, "sub/shared.txt", "1") == result_code::file_is_in_use);
  BOOST_TEST(open_file(b, "sub\\\\shared.txt", "1") == result_code::file_is_in_use);  // same path
  BOOST_TEST(open_file(b, "sub/shared.txt", "0") == result_code::success);
  BOOST_TEST(write(a, "S").second == 1);
  BOOST_TEST(read(b, 6) == "Shared");
  BOOST_TEST(open_file(a, "sub/shared.txt", "1") == result_code::success);  // reopen by holder

  BOOST_TEST(a.call("CloseFile").ok());
  BOOST_TEST(open_file(b, "sub/shared.txt", "1") == result_code::success);
  BOOST_TEST(open_file(a, "sub/shared.txt", "1") == result_code::file_is_in_use);
  // Opening another file closes the previous one and gives its lock up.
  BOOST_TEST(open_file(b, "other.txt", "1") == result_code::success);
  BOOST_TEST(open_file(a, "sub/shared.txt", "1") == result_code::success);
  BOOST_TEST(read_file(file) == "Shared");
}

BOOST_AUTO_TEST_CASE(a_disconnect_releases_the_write_lock) {
  test_server server;
  auto b = server.login(remote_stream);
  const auto wait_for_lock = [&] {
    return eventually([&] { return open_file(b, "locked.txt", "1") == result_code::success; });
  };
  {
    auto a = server.login(remote_stream);
    BOOST_REQUIRE(open_file(a, "locked.txt", "1") == result_code::success);
    BOOST_TEST(open_file(b, "locked.txt", "1") == result_code::file_is_in_use);
    a.close();
    BOOST_TEST(wait_for_lock());
  }
  BOOST_TEST(b.call("CloseFile").ok());
  {
    auto a = server.login(remote_stream);
    BOOST_REQUIRE(open_file(a, "locked.txt", "1") == result_code::success);
    BOOST_TEST(write(a, "kept").second == 4);
    a.reset();  // RST instead of FIN
    BOOST_TEST(wait_for_lock());
  }
  BOOST_TEST(read_file(server.file_root() / "locked.txt") == "kept");
  BOOST_TEST(b.call("CloseFile").ok());
  {
    // Gone while its write may still be running on a file worker: the lock outlives neither.
    auto a = server.login(remote_stream);
    BOOST_REQUIRE(open_file(a, "locked.txt", "1") == result_code::success);
    a.send("Write", {}, pattern(3 * 1024 * 1024));
    a.reset();
    BOOST_TEST(wait_for_lock());
  }
}

BOOST_AUTO_TEST_CASE(uploads_and_writers_exclude_each_other) {
  test_server server;
  auto uploader = server.login(upload);
  auto c = server.login(remote_stream);
  const auto start_upload = [&](std::string_view name) {
    return uploader.call("Upload", {{"DirName", ""}, {"FileName", name}}).result();
  };
  // §10.1: a path with an open upload cannot be opened for writing, only for reading.
  write_file(server.file_root() / "up.bin", "old");
  BOOST_REQUIRE(start_upload("up.bin") == result_code::success);
  BOOST_TEST(open_file(c, "up.bin", "1") == result_code::file_is_in_use);
  BOOST_TEST(open_file(c, "up.bin", "0") == result_code::success);
  BOOST_TEST(read(c, 10) == "old");
  // §12.3: a write-locked path cannot be uploaded to.
  BOOST_REQUIRE(open_file(c, "rs.bin", "1") == result_code::success);  // also frees up.bin
  BOOST_TEST(start_upload("rs.bin") == result_code::file_is_in_use);
  BOOST_TEST(c.call("CloseFile").ok());
  BOOST_TEST(start_upload("rs.bin") == result_code::success);  // gives up.bin up
  BOOST_TEST(open_file(c, "up.bin", "1") == result_code::success);
  BOOST_TEST(read_file(server.file_root() / "up.bin") == "old");
}

BOOST_AUTO_TEST_CASE(remote_stream_root_may_differ_from_file_root) {
  fs::path stream_root;
  test_server server([&](asyncsvr::server_config& c) {
    stream_root = c.data_dir / "streams";
    c.remote_stream_root = stream_root;
  });
  write_file(server.file_root() / "in_file_root.txt", "x");
  auto c = server.login(remote_stream);
  BOOST_TEST(file_exists(c, "in_file_root.txt") == result_code::file_not_exist);
  BOOST_REQUIRE(open_file(c, "s.txt", "1") == result_code::success);
  BOOST_TEST(write(c, "stream").second == 6);
  BOOST_TEST(read_file(stream_root / "s.txt") == "stream");
  BOOST_TEST(!fs::exists(server.file_root() / "s.txt"));
}

BOOST_AUTO_TEST_SUITE_END()
