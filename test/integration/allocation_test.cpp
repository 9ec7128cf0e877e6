// Steady-state traffic allocates nothing from the heap (DESIGN.md "Buffers"): after a warm-up,
// echo round trips — reading a request, parsing it, building and sending the reply — and the
// Data pushes of a download must not call operator new on any thread. This executable replaces the
// global operator new to count.

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sys/socket.h>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "test_server.hpp"

namespace {
std::atomic<std::uint64_t> allocations{0};
// The test's own thread drives clients; only the server's threads are counted.
thread_local bool counted_thread = true;
}  // namespace

void* operator new(std::size_t size) {
  if (counted_thread) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace asyncsvr::test;

namespace {

// A plain blocking socket, so that the measuring client allocates nothing itself.
class raw_client {
 public:
  explicit raw_client(test_server& server) : socket_(server.client_io()) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
  }

  void send_flag() {
    const char flag = throughput;
    send_all(&flag, 1);
  }

  void send_all(const char* data, std::size_t size) {
    while (size > 0) {
      const auto n = ::send(socket_.native_handle(), data, size, MSG_NOSIGNAL);
      BOOST_REQUIRE(n > 0);
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  void receive_exactly(char* data, std::size_t size) {
    while (size > 0) {
      const auto n = ::recv(socket_.native_handle(), data, size, 0);
      BOOST_REQUIRE(n > 0);
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

 private:
  boost::asio::ip::tcp::socket socket_;
};

// Runs `rounds` batches of `depth` pipelined echoes of `payload` bytes after 2/5 as many to warm
// up; returns the heap allocations counted during the measured rounds.
std::uint64_t allocations_during_echoes(std::size_t payload, int depth, int rounds = 5000) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  counted_thread = false;
  // The counter does see the server's threads: a Login makes them allocate (the password
  // check is handed to another thread with its own copy of the credentials).
  const auto before_login = allocations.load();
  BOOST_REQUIRE(!server.connect(control).login("admin", "wrong").ok());
  BOOST_REQUIRE(eventually([&] { return allocations.load() > before_login; }));
  raw_client client(server);
  client.send_flag();
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", 7);
  std::string batch;
  for (int i = 0; i < depth; ++i) {
    asyncsvr::codec::append_frame(batch, text, std::string(payload, 'z'),
                                  asyncsvr::byte_order::little);
  }
  std::string reply_text;
  asyncsvr::codec::begin_response(reply_text, "CyclePacket", asyncsvr::codec::result_code::success)
      .add("Count", 8);
  std::vector<char> replies(asyncsvr::codec::frame_size(reply_text.size(), payload) *
                            static_cast<std::size_t>(depth));
  const auto round = [&] {
    client.send_all(batch.data(), batch.size());
    client.receive_exactly(replies.data(), replies.size());
  };
  for (int i = 0; i < rounds * 2 / 5; ++i)
    round();  // warm-up: pools, caches and handler memory fill up
  const auto before = allocations.load();
  for (int i = 0; i < rounds; ++i)
    round();
  return allocations.load() - before;
}

// Receives `frames` Data pushes of a download in `chunk`-byte pieces after a warm-up; returns the
// heap allocations counted meanwhile. The file's chunks come from the page cache or, where the
// file system cannot tell (tmpfs), from the file workers: either way they must not allocate.
std::uint64_t allocations_during_download(std::size_t chunk, int frames) {
  test_server server;
  {
    std::ofstream out(server.file_root() / "f", std::ios::binary);
    const std::string block(chunk, 'd');
    for (int i = 0; i < frames + 1000; ++i)
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    BOOST_REQUIRE(out.good());
  }
  counted_thread = false;
  auto c = server.login(download);
  const auto packet = std::to_string(chunk);
  BOOST_REQUIRE(
      c.call("Download",
             {{"DirName", ""}, {"FileName", "f"}, {"FileSize", "0"}, {"PacketSize", packet}})
          .ok());
  BOOST_REQUIRE(c.receive().command == "SendFile");
  std::string_view payload;
  for (int i = 0; i < 500; ++i)
    c.receive_in_place(payload);  // warm-up
  const auto before = allocations.load();
  for (int i = 0; i < frames; ++i) {
    c.receive_in_place(payload);
    BOOST_REQUIRE(payload.size() == chunk);
  }
  return allocations.load() - before;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(allocations_per_message)

BOOST_AUTO_TEST_CASE(small_echoes_allocate_nothing) {
  BOOST_TEST(allocations_during_echoes(16, 1) == 0u);
}

BOOST_AUTO_TEST_CASE(pipelined_echoes_allocate_nothing) {
  BOOST_TEST(allocations_during_echoes(16, 16) == 0u);
}

BOOST_AUTO_TEST_CASE(large_echoes_allocate_nothing) {
  BOOST_TEST(allocations_during_echoes(16 * 1024, 1) == 0u);
}

BOOST_AUTO_TEST_CASE(streamed_echoes_allocate_nothing) {
  // Larger than the receive buffer: echoed piece by piece as the request arrives.
  BOOST_TEST(allocations_during_echoes(256 * 1024, 1, 500) == 0u);
}

BOOST_AUTO_TEST_CASE(download_pushes_allocate_nothing_per_frame) {
  // A push spans two threads (the chunk may be read on a file worker, the frame is written on an
  // I/O thread), and on a busy machine a cache meets a new peak now and then even after the
  // warm-up: at most a handful of allocations in a run. One per frame would be thousands.
  constexpr int frames = 3000;
  BOOST_TEST(allocations_during_download(16 * 1024, frames) < frames / 300u);
}

BOOST_AUTO_TEST_SUITE_END()
