// Download protocol (PROTOCOL.md §11): the worked example byte for byte (§16.4), every refusal
// of §11.1, resuming after a dropped connection, chunk sizes (§11.2), a new Download ending the
// push in progress (§19.8), pacing by the send queue (§8.2), and Dir / FileList (§10.2, §10.5).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <thread>
#include <utility>

#include <boost/asio/read.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "file_helpers.hpp"
#include "test_server.hpp"

using asyncsvr::client::connection;
using asyncsvr::client::message;
using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t mib = 1024 * 1024;
// Bytes of a Data frame besides its payload: the lengths and "[Response]…Command=Data…Code=0".
constexpr std::size_t data_frame_overhead = 8 + 32;

// A file of zeros that takes no disk space: big enough that a push outlasts every socket buffer.
void write_sparse_file(const fs::path& path, std::uintmax_t size) {
  write_file(path, "");
  fs::resize_file(path, size);
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

message request_download(connection& c, std::string_view dir, std::string_view name,
                         std::uint64_t offset, std::uint64_t packet_size) {
  const auto from = std::to_string(offset);
  const auto packet = std::to_string(packet_size);
  return c.call("Download",
                {{"DirName", dir}, {"FileName", name}, {"FileSize", from}, {"PacketSize", packet}});
}

// Data pushes until `size` bytes arrived; every one but the last must carry exactly `chunk`.
std::string receive_data(connection& c, std::uint64_t size, std::size_t chunk) {
  std::string bytes;
  while (bytes.size() < size) {
    const auto m = c.receive();
    BOOST_REQUIRE_EQUAL(m.command, "Data");
    BOOST_REQUIRE_MESSAGE(m.ok(), m.text);
    BOOST_REQUIRE_EQUAL(m.payload.size(), std::min<std::uint64_t>(chunk, size - bytes.size()));
    bytes += m.payload;
  }
  return bytes;
}

// The SendFile push that follows a successful Download reply, then the whole push.
std::string receive_push(connection& c, std::size_t chunk) {
  const auto announce = c.receive();
  BOOST_REQUIRE_EQUAL(announce.command, "SendFile");
  BOOST_REQUIRE(announce.ok());
  return receive_data(c, static_cast<std::uint64_t>(announce.integer("FileSize")), chunk);
}

// Nothing of a push is left: the next frame after these is the reply to a heartbeat.
void expect_nothing_more(connection& c) {
  const auto reply = c.call("Active");
  BOOST_TEST(reply.ok());
  BOOST_TEST(c.pushes().empty());
  c.pushes().clear();
}

// Exactly `size` raw bytes from the server, within a deadline.
std::string receive_raw(test_server& server, connection& c, std::size_t size) {
  std::string bytes(size, '\0');
  const boost::system::error_code pending = boost::asio::error::would_block;
  auto ec = pending;
  boost::asio::async_read(c.socket(), boost::asio::buffer(bytes),
                          [&](const boost::system::error_code& e, std::size_t) { ec = e; });
  auto& io = server.client_io();
  io.restart();
  io.run_for(10s);
  if (ec == pending) {
    c.socket().cancel();
    io.restart();
    io.run();
  }
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  return bytes;
}

// Waits until the server has sent nothing more for a while (a push blocked by a full socket).
void wait_until_sending_stops(test_server& server) {
  auto& bytes_out = server.context().metrics.bytes_out;
  std::uint64_t before = bytes_out.value();
  BOOST_REQUIRE(eventually([&] {
    std::this_thread::sleep_for(300ms);
    const auto now = bytes_out.value();
    return std::exchange(before, now) == now;
  }));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(download_protocol)

BOOST_AUTO_TEST_CASE(worked_example_16_4_byte_for_byte) {
  test_server server;
  fs::create_directory(server.file_root() / "docs");
  write_file(server.file_root() / "docs" / "a.txt", "abcdef");
  auto c = server.login(download);
  c.send_raw(from_hex(
      "57000000530000005b526571756573745d0d0a436f6d6d616e643d446f776e6c6f61640d0a4469724e616d65"
      "3d646f63730d0a46696c654e616d653d612e7478740d0a46696c6553697a653d300d0a5061636b657453697a"
      "653d34"));
  const std::string expected = from_hex(
      "28000000240000005b526573706f6e73655d0d0a436f6d6d616e643d446f776e6c6f61640d0a436f64653d30"
      "34000000300000005b526573706f6e73655d0d0a436f6d6d616e643d53656e6446696c650d0a436f64653d30"
      "0d0a46696c6553697a653d36"
      "28000000200000005b526573706f6e73655d0d0a436f6d6d616e643d446174610d0a436f64653d3061626364"
      "26000000200000005b526573706f6e73655d0d0a436f6d6d616e643d446174610d0a436f64653d306566");
  BOOST_TEST(receive_raw(server, c, expected.size()) == expected);
  expect_nothing_more(c);
  BOOST_TEST(eventually([&] { return server.context().metrics.active_downloads.value() == 0; }));
}

BOOST_AUTO_TEST_CASE(send_file_follows_the_reply_even_with_requests_pipelined_behind) {
  test_server server;
  write_file(server.file_root() / "six", "abcdef");
  auto c = server.login(download);
  std::string text;
  std::string frames;
  asyncsvr::codec::begin_request(text, "Download")
      .add("DirName", "")
      .add("FileName", "six")
      .add("FileSize", "0")
      .add("PacketSize", "4");
  asyncsvr::codec::append_frame(frames, text, {}, asyncsvr::byte_order::little);
  asyncsvr::codec::begin_request(text, "Active");
  asyncsvr::codec::append_frame(frames, text, {}, asyncsvr::byte_order::little);
  c.send_raw(frames);
  BOOST_TEST(c.receive().command == "Download");
  BOOST_TEST(c.receive().command == "SendFile");  // §19.8
  // The Active reply may come before, between or after the Data pushes (§11.4).
  std::string data;
  int active = 0;
  for (int i = 0; i < 3; ++i) {
    const auto m = c.receive();
    if (m.command == "Active") ++active;
    data += m.payload;
  }
  BOOST_TEST(active == 1);
  BOOST_TEST(data == "abcdef");
  expect_nothing_more(c);
}

BOOST_AUTO_TEST_CASE(download_needs_login) {
  test_server server;
  write_file(server.file_root() / "a.txt", "abc");
  auto c = server.connect(download);
  BOOST_TEST(request_download(c, "", "a.txt", 0, 4).result() == result_code::not_login);
  expect_nothing_more(c);
}

BOOST_AUTO_TEST_CASE(every_refusal_of_11_1_keeps_the_connection) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directories(root / "docs" / "sub");
  write_file(root / "docs" / "a.txt", "abcdef");
  BOOST_REQUIRE(::mkfifo((root / "docs" / "fifo").c_str(), 0600) == 0);
  // A sentinel outside the root, reachable only through links that leave it.
  const auto outside = server.data_dir() / "outside";
  fs::create_directories(outside);
  write_file(outside / "secret.txt", "sentinel");
  fs::create_directory_symlink(outside, root / "escape");
  fs::create_symlink(outside / "secret.txt", root / "docs" / "secret.txt");
  fs::create_symlink(root / "docs" / "a.txt", root / "docs" / "inside_link.txt");

  auto c = server.login(download);
  struct refusal {
    std::vector<std::pair<std::string_view, std::string_view>> keys;
    result_code code;
  };
  const std::vector<refusal> refusals = {
      // ParameterError: a key missing, repeated or out of range.
      {{{"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileSize", "0"}, {"PacketSize", "4"}}, result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"PacketSize", "4"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "-1"}, {"PacketSize", "4"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "x"}, {"PacketSize", "4"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "0"}},
       result_code::parameter_error},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "-4"}},
       result_code::parameter_error},
      {{{"DirName", "docs"},
        {"FileName", "a.txt"},
        {"FileSize", "0"},
        {"PacketSize", "2147483648"}},
       result_code::parameter_error},
      {{{"DirName", "docs"},
        {"DirName", "docs"},
        {"FileName", "a.txt"},
        {"FileSize", "0"},
        {"PacketSize", "4"}},
       result_code::parameter_error},
      // An empty name is a ParameterError, which comes before PathNotAllowed (§6.4, §19.3).
      {{{"DirName", "../docs"}, {"FileName", ""}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::parameter_error},
      // PathNotAllowed: §7 rules, and links, whether they leave the root or not.
      {{{"DirName", "../docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "/docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "docs"}, {"FileName", "sub/a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "docs"}, {"FileName", ".."}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "docs"}, {"FileName", "CON.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "escape"}, {"FileName", "secret.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "docs"}, {"FileName", "secret.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::path_not_allowed},
      {{{"DirName", "docs"},
        {"FileName", "inside_link.txt"},
        {"FileSize", "0"},
        {"PacketSize", "4"}},
       result_code::path_not_allowed},
      // DirNotExist, also for a regular file where a directory is needed (§19.7).
      {{{"DirName", "missing"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::dir_not_exist},
      {{{"DirName", "docs/a.txt"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::dir_not_exist},
      {{{"DirName", "docs"}, {"FileName", "nope.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::file_not_exist},
      {{{"DirName", "docs"}, {"FileName", "sub"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::not_a_file},
      {{{"DirName", "docs"}, {"FileName", "fifo"}, {"FileSize", "0"}, {"PacketSize", "4"}},
       result_code::not_a_file},
      {{{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "7"}, {"PacketSize", "4"}},
       result_code::file_size_error},
  };
  for (const auto& r : refusals) {
    std::string context;
    for (const auto& [key, value] : r.keys)
      context += std::string(key) + "=" + std::string(value) + " ";
    BOOST_TEST_CONTEXT(context) {
      const auto reply = c.call("Download", asyncsvr::client::key_span(r.keys));
      BOOST_TEST(reply.command == "Download");
      BOOST_TEST(reply.result() == r.code);
      BOOST_TEST(reply.value("Message").has_value());
      BOOST_TEST(reply.payload.empty());
      expect_nothing_more(c);
    }
  }
  // A payload on Download is a ParameterError too.
  const auto with_payload =
      c.call("Download",
             {{"DirName", "docs"}, {"FileName", "a.txt"}, {"FileSize", "0"}, {"PacketSize", "4"}},
             std::string("xyz"));
  BOOST_TEST(with_payload.result() == result_code::parameter_error);
  expect_nothing_more(c);
  BOOST_TEST(read_file(outside / "secret.txt") == "sentinel");
  BOOST_TEST(fs::is_symlink(root / "escape"));
  BOOST_TEST(server.context().metrics.active_downloads.value() == 0u);
}

BOOST_AUTO_TEST_CASE(empty_file_and_offset_at_the_end_send_no_data) {
  test_server server;
  write_file(server.file_root() / "empty", "");
  write_file(server.file_root() / "six", "abcdef");
  auto c = server.login(download);
  for (const auto& [name, offset] : {std::pair<std::string_view, std::uint64_t>{"empty", 0},
                                     std::pair<std::string_view, std::uint64_t>{"six", 6}}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(request_download(c, "", name, offset, 4).ok());
      const auto announce = c.receive();
      BOOST_TEST(announce.command == "SendFile");
      BOOST_TEST(announce.integer("FileSize") == 0);
      expect_nothing_more(c);
    }
  }
  BOOST_TEST(server.context().metrics.active_downloads.value() == 0u);
}

BOOST_AUTO_TEST_CASE(resume_after_a_reset_connection) {
  test_server server;
  const auto source = random_bytes(5 * mib + 1234, 1);
  fs::create_directory(server.file_root() / "big");
  write_file(server.file_root() / "big" / "data.bin", source);
  constexpr std::size_t chunk = 64 * 1024;

  std::string received;
  {
    auto c = server.login(download);
    BOOST_TEST_REQUIRE(request_download(c, "big", "data.bin", 0, chunk).ok());
    const auto announce = c.receive();
    BOOST_TEST_REQUIRE(announce.integer("FileSize") == static_cast<std::int64_t>(source.size()));
    received = receive_data(c, source.size() / 2 / chunk * chunk, chunk);
    c.reset();  // RST, as a dropped link would look
  }
  auto c = server.login(download);
  BOOST_TEST_REQUIRE(request_download(c, "big", "data.bin", received.size(), chunk).ok());
  const auto announce = c.receive();
  BOOST_TEST(announce.integer("FileSize") ==
             static_cast<std::int64_t>(source.size() - received.size()));
  received += receive_data(c, static_cast<std::uint64_t>(announce.integer("FileSize")), chunk);
  BOOST_TEST((received == source));
  expect_nothing_more(c);
  BOOST_TEST(eventually([&] { return server.context().metrics.active_downloads.value() == 0; }));
}

BOOST_AUTO_TEST_CASE(packet_size_is_clamped_to_download_max_chunk) {
  test_server server([](asyncsvr::server_config& c) { c.download_max_chunk = 64 * 1024; });
  const auto source = random_bytes(300 * 1024, 2);
  write_file(server.file_root() / "f", source);
  auto c = server.login(download);
  BOOST_TEST_REQUIRE(request_download(c, "", "f", 0, 100 * mib).ok());
  BOOST_TEST((receive_push(c, 64 * 1024) == source));
  // A small PacketSize is honoured as it is.
  BOOST_TEST_REQUIRE(request_download(c, "", "f", 1000, 999).ok());
  BOOST_TEST((receive_push(c, 999) == source.substr(1000)));
  expect_nothing_more(c);
}

BOOST_AUTO_TEST_CASE(no_data_frame_exceeds_max_packet_size) {
  constexpr std::size_t m = 64 * 1024;
  test_server server([](asyncsvr::server_config& c) {
    c.max_packet_size = m;
    c.max_command_text = 16 * 1024;
    c.download_max_chunk = m;
  });
  const auto source = random_bytes(200 * 1024, 3);
  write_file(server.file_root() / "f", source);
  auto c = server.login(download);
  BOOST_TEST_REQUIRE(request_download(c, "", "f", 0, m).ok());
  // The chunk shrinks so that packetLength is exactly max_packet_size (§8.3).
  BOOST_TEST((receive_push(c, 4 + m - data_frame_overhead) == source));
}

// §19.8: whatever the new Download's outcome, no Data of the old push comes after its reply.
BOOST_AUTO_TEST_CASE(a_new_download_ends_the_push_in_progress) {
  test_server server;
  write_sparse_file(server.file_root() / "huge", 256 * mib);
  write_file(server.file_root() / "six", "abcdef");
  auto c = server.login(download);
  const auto interrupt = [&](const std::function<message()>& second) {
    BOOST_TEST_REQUIRE(request_download(c, "", "huge", 0, 4096).ok());
    BOOST_TEST_REQUIRE(c.receive().command == "SendFile");
    receive_data(c, 3 * 4096, 4096);
    const auto reply = second();
    // What arrived before the new reply is the old push's, and nothing of it is wrong.
    std::uint64_t earlier = 0;
    for (const auto& m : c.pushes()) {
      BOOST_TEST_REQUIRE(m.command == "Data");
      BOOST_TEST_REQUIRE(m.payload.size() == 4096u);
      earlier += m.payload.size();
    }
    BOOST_TEST(earlier < 256 * mib - 3 * 4096);
    c.pushes().clear();
    return reply;
  };

  // Succeeding: the new push follows its reply at once, and only it.
  BOOST_TEST(interrupt([&] { return request_download(c, "", "six", 0, 4); }).ok());
  BOOST_TEST((receive_push(c, 4) == "abcdef"));
  expect_nothing_more(c);

  // Failing.
  BOOST_TEST(interrupt([&] { return request_download(c, "", "missing", 0, 4); }).result() ==
             result_code::file_not_exist);
  expect_nothing_more(c);

  // Refused for its payload.
  BOOST_TEST(interrupt([&] {
               return c.call(
                   "Download",
                   {{"DirName", ""}, {"FileName", "six"}, {"FileSize", "0"}, {"PacketSize", "4"}},
                   std::string("payload"));
             }).result() == result_code::parameter_error);
  expect_nothing_more(c);

  // Refused for want of a login, after a failed Login logged the session out (§6.2).
  BOOST_TEST(interrupt([&] {
               BOOST_TEST(c.login("admin", "wrong").result() ==
                          result_code::user_or_password_error);
               return request_download(c, "", "six", 0, 4);
             }).result() == result_code::not_login);
  expect_nothing_more(c);
  BOOST_TEST(eventually([&] { return server.context().metrics.active_downloads.value() == 0; }));
}

BOOST_AUTO_TEST_CASE(several_sessions_download_one_file_at_once) {
  test_server server;
  const auto source = random_bytes(3 * mib + 17, 4);
  write_file(server.file_root() / "shared.bin", source);
  constexpr std::size_t chunk = 100'000;
  std::vector<connection> clients;
  std::vector<std::string> received(4);
  for (std::size_t i = 0; i < received.size(); ++i) {
    clients.push_back(server.login(download));
    BOOST_TEST_REQUIRE(request_download(clients.back(), "", "shared.bin", 0, chunk).ok());
    BOOST_TEST_REQUIRE(clients.back().receive().command == "SendFile");
  }
  // Round-robin, one frame each, so that every push is in progress at the same time.
  for (bool more = true; more;) {
    more = false;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (received[i].size() == source.size()) continue;
      received[i] +=
          receive_data(clients[i], std::min(chunk, source.size() - received[i].size()), chunk);
      more = true;
    }
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    BOOST_TEST_CONTEXT("client " << i) {
      BOOST_TEST((received[i] == source));
      expect_nothing_more(clients[i]);
    }
  }
  BOOST_TEST(eventually([&] { return server.context().metrics.active_downloads.value() == 0; }));
}

// §8.2: a push produces the next Data frame only while fewer than download_inflight of its frames
// are queued, so a client that stops reading costs the server at most that much.
BOOST_AUTO_TEST_CASE(a_client_that_stops_reading_holds_only_download_inflight_frames) {
  test_server server;
  const auto& config = server.context().config;
  write_sparse_file(server.file_root() / "huge", 1024 * mib);
  const auto small = random_bytes(3 * mib, 5);
  write_file(server.file_root() / "small", small);

  auto stuck = server.login(download);
  stuck.socket().set_option(boost::asio::socket_base::receive_buffer_size(4096));
  stuck.send("Download", {{"DirName", ""},
                          {"FileName", "huge"},
                          {"FileSize", "0"},
                          {"PacketSize", std::to_string(config.download_max_chunk)}});
  wait_until_sending_stops(server);
  const auto& metrics = server.context().metrics;
  const auto bound = config.download_inflight * (config.download_max_chunk + data_frame_overhead);
  BOOST_TEST(metrics.largest_send_queue.value() <= bound + 4096);
  BOOST_TEST(metrics.largest_send_queue.value() < config.send_queue_high_water);
  BOOST_TEST(server.context().pool.stats().in_use_bytes <= bound + 1 * mib);
  BOOST_TEST(metrics.active_downloads.value() == 1u);

  // Everyone else is served meanwhile.
  auto other = server.login(download);
  BOOST_TEST_REQUIRE(request_download(other, "", "small", 0, 65536).ok());
  BOOST_TEST((receive_push(other, 65536) == small));
  expect_nothing_more(other);
  BOOST_TEST(metrics.largest_send_queue.value() <= bound + 4096);

  stuck.reset();
  BOOST_TEST(eventually([&] { return metrics.active_downloads.value() == 0; }));
  BOOST_TEST(eventually([&] { return server.context().pool.stats().in_use_bytes == 0; }));
}

// §11.3: the push sends the file as it was when opened; a file replaced meanwhile changes
// nothing, a file cut short ends the push with FileSizeError and the connection stays open.
BOOST_AUTO_TEST_CASE(the_push_reads_the_file_as_opened) {
  test_server server;
  const auto path = server.file_root() / "f";
  write_sparse_file(path, 64 * mib);
  auto c = server.login(download);
  BOOST_TEST_REQUIRE(request_download(c, "", "f", 0, 1 * mib).ok());
  BOOST_TEST_REQUIRE(c.receive().integer("FileSize") == static_cast<std::int64_t>(64 * mib));
  auto received = receive_data(c, 2 * mib, 1 * mib);
  // Replaced the way an upload publishes: a new file renamed over the old name.
  write_file(server.file_root() / "replacement", std::string(64 * mib, 'y'));
  fs::rename(server.file_root() / "replacement", path);
  received += receive_data(c, 62 * mib, 1 * mib);
  BOOST_TEST((received == std::string(64 * mib, '\0')));
  expect_nothing_more(c);
}

BOOST_AUTO_TEST_CASE(a_file_cut_short_ends_the_push_with_file_size_error) {
  test_server server;
  const auto path = server.file_root() / "f";
  write_sparse_file(path, 256 * mib);
  auto c = server.login(download);
  BOOST_TEST_REQUIRE(request_download(c, "", "f", 0, 1 * mib).ok());
  BOOST_TEST_REQUIRE(c.receive().command == "SendFile");
  receive_data(c, 1 * mib, 1 * mib);
  fs::resize_file(path, 64 * mib);
  std::uint64_t received = 1 * mib;
  for (;;) {
    const auto m = c.receive();
    BOOST_TEST_REQUIRE(m.command == "Data");
    if (!m.ok()) {
      BOOST_TEST(m.result() == result_code::file_size_error);
      BOOST_TEST(m.value("Message").has_value());
      BOOST_TEST(m.payload.empty());
      break;
    }
    BOOST_TEST_REQUIRE(m.payload.size() == 1 * mib);
    received += m.payload.size();
  }
  BOOST_TEST(received <= 64 * mib);
  expect_nothing_more(c);
  BOOST_TEST(server.context().metrics.active_downloads.value() == 0u);
}

BOOST_AUTO_TEST_CASE(dir_and_file_list_show_only_addressable_entries) {
  test_server server;
  const auto root = server.file_root();
  fs::create_directories(root / "beta");
  fs::create_directories(root / "alpha");
  fs::create_directories(root / "bad:dir");
  write_file(root / "x.txt", "abc");
  write_file(root / "empty", "");
  write_file(root / "trailing.", "no");
  write_file(root / "NUL.txt", "no");
  write_file(root / std::string("\xff\xfe"), "no");  // not UTF-8
  BOOST_REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);
  fs::create_directory_symlink(root / "alpha", root / "link_dir");
  fs::create_symlink(root / "x.txt", root / "link_file");

  auto c = server.login(download);
  const auto dirs = c.call("Dir", {{"ParentDir", ""}});
  BOOST_TEST(dirs.ok());
  const std::vector<std::string_view> expected_dirs{"alpha", "beta"};
  BOOST_TEST(dirs.values("Item") == expected_dirs, boost::test_tools::per_element());
  BOOST_TEST(!dirs.value("Truncated").has_value());

  const auto files = c.call("FileList", {{"DirName", ""}});
  BOOST_TEST(files.ok());
  const std::vector<std::string_view> expected_files{
      "empty\x01"
      "0",
      "x.txt\x01"
      "3"};
  BOOST_TEST(files.values("Item") == expected_files, boost::test_tools::per_element());

  BOOST_TEST(c.call("Dir", {{"ParentDir", "x.txt"}}).result() == result_code::dir_not_exist);
  BOOST_TEST(c.call("FileList", {{"DirName", "nope"}}).result() == result_code::dir_not_exist);
  BOOST_TEST(c.call("FileList", {{"DirName", "link_dir"}}).result() ==
             result_code::path_not_allowed);
  BOOST_TEST(c.call("Dir", {{"ParentDir", ".."}}).result() == result_code::path_not_allowed);
  BOOST_TEST(c.call("Dir").result() == result_code::parameter_error);
  BOOST_TEST(server.connect(download).call("Dir", {{"ParentDir", ""}}).result() ==
             result_code::not_login);
}

BOOST_AUTO_TEST_CASE(listings_are_truncated_to_fit_the_frame_limit) {
  constexpr std::size_t m = 4096;
  test_server server([](asyncsvr::server_config& c) {
    c.max_packet_size = m;
    c.max_command_text = m - 4;
    c.download_max_chunk = m;
  });
  for (int i = 0; i < 200; ++i) {
    const auto name = "file_with_a_longish_name_" + std::to_string(1000 + i);
    write_file(server.file_root() / name, "x");
    fs::create_directory(server.file_root() / ("dir_" + name));
  }
  auto c = server.login(download);
  for (const auto* command : {"Dir", "FileList"}) {
    BOOST_TEST_CONTEXT(command) {
      const auto reply =
          c.call(command, {{std::string_view(command) == "Dir" ? "ParentDir" : "DirName", ""}});
      BOOST_TEST(reply.ok());
      BOOST_TEST(reply.integer("Truncated") == 1);
      BOOST_TEST(reply.text.size() <= m - 4);
      const auto items = reply.values("Item");
      BOOST_TEST(!items.empty());
      BOOST_TEST(items.size() < 200u);
      BOOST_TEST(std::is_sorted(items.begin(), items.end()));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
