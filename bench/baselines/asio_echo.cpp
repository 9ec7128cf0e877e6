// asio_echo: the smallest honest Boost.Asio TCP server — the baseline asyncsvr is compared with.
// Per connection it reads whatever is available into a 64 KiB buffer and writes it back, then
// repeats: no framing, no parsing, no allocation per message. One io_context is run by --threads
// threads, as in asyncsvr, so the two pay the same scheduler costs.
//
//   asio_echo --port P [--threads N] [--listen ADDRESS]

#include <array>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  explicit echo_session(tcp::socket socket) : socket_(std::move(socket)) {}

  void start() { do_read(); }

 private:
  void do_read() {
    socket_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](const error_code& ec, std::size_t n) {
                              if (!ec) self->do_write(n);
                            });
  }

  void do_write(std::size_t n) {
    asio::async_write(socket_, asio::buffer(buffer_.data(), n),
                      [self = shared_from_this()](const error_code& ec, std::size_t) {
                        if (!ec) self->do_read();
                      });
  }

  tcp::socket socket_;
  std::array<char, 64 * 1024> buffer_;
};

class listener {
 public:
  listener(asio::io_context& io, const tcp::endpoint& endpoint)
      : acceptor_(io, endpoint), retry_(io) {}

  void start() { do_accept(); }
  void stop() {
    error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

 private:
  void do_accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors or similar: back off instead of spinning, and keep accepting.
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](const error_code& e) {
          if (!e) do_accept();
        });
        return;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<echo_session>(std::move(socket))->start();
      do_accept();
    });
  }

  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
};

struct settings {
  std::string listen = "127.0.0.1";
  unsigned short port = 0;
  unsigned threads = 1;
};

bool parse_number(std::string_view text, unsigned& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// A hand-rolled parser keeps the baseline free of any dependency asyncsvr does not also have.
bool parse(int argc, char** argv, settings& s) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return false;
    if (i + 1 >= argc) return false;
    const std::string_view value = argv[++i];
    unsigned number = 0;
    if (arg == "--listen") {
      s.listen = value;
    } else if (arg == "--port" && parse_number(value, number) && number > 0 && number < 65536) {
      s.port = static_cast<unsigned short>(number);
    } else if (arg == "--threads" && parse_number(value, number) && number > 0) {
      s.threads = number;
    } else {
      return false;
    }
  }
  return s.port != 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr, "Usage: asio_echo --port PORT [--threads N] [--listen ADDRESS]\n");
    return 2;
  }
  try {
    asio::io_context io(static_cast<int>(s.threads));
    listener accept_loop(io, {asio::ip::make_address(s.listen), s.port});
    accept_loop.start();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const error_code&, int) {
      accept_loop.stop();
      io.stop();
    });
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < s.threads; ++i)
      extra.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : extra)
      t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "asio_echo: %s\n", e.what());
    return 1;
  }
  return 0;
}
