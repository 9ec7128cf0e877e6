#include "throughput.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "clock.hpp"
#include "frame_reader.hpp"
#include "handler_memory.hpp"
#include "io_threads.hpp"
#include "proc_stats.hpp"
#include "sources.hpp"
#include "wire.hpp"

namespace asyncsvr::bench {

void throughput_errors::merge(const throughput_errors& other) noexcept {
  connect += other.connect;
  login += other.login;
  io += other.io;
  framing += other.framing;
  bad_reply += other.bad_reply;
  bad_code += other.bad_code;
  bad_count += other.bad_count;
  bad_payload += other.bad_payload;
  disconnect += other.disconnect;
}

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

enum class phase : int { warmup, measuring, done };

// What the main thread and the I/O threads share; everything else is per thread.
struct run_state {
  std::atomic<phase> current{phase::warmup};
  std::atomic<std::size_t> ready{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> lost{0};
};

// One I/O thread's counters. Aligned so that two threads' counters never share a cache line.
struct alignas(64) thread_stats {
  histogram latency;
  std::uint64_t requests = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  throughput_errors errors;
};

// Largest read the generator asks for at once: enough for a whole pipeline of replies, so that a
// read usually drains everything the server has sent.
std::size_t read_buffer_size(const throughput_options& o) {
  constexpr std::size_t reply_overhead = 64;
  constexpr std::size_t min_size = 64 * 1024;
  constexpr std::size_t max_size = 1024 * 1024;
  return std::clamp(2 * o.depth * (o.payload + reply_overhead), min_size, max_size);
}

class pipeline_connection {
 public:
  // With `tls`, the connection speaks TLS once connected.
  pipeline_connection(asio::io_context& io, const throughput_options& options,
                      const std::string& greeting, run_state& state, thread_stats& stats,
                      asio::ssl::context* tls)
      : socket_(io),
        tls_context_(tls),
        options_(options),
        greeting_(greeting),
        state_(state),
        stats_(stats),
        reader_(options.byte_order),
        read_buffer_(read_buffer_size(options)),
        batch_(options.payload, options.depth, options.byte_order),
        sent_at_(options.depth),
        credit_(options.depth) {}

  // Connects from the `index`-th of `sources` (any address when empty).
  void start(const tcp::endpoint& target, const source_addresses& sources, std::size_t index) {
    error_code ec;
    sources.open_and_bind(socket_, index, ec);
    if (ec) return give_up(stats_.errors.connect);
    socket_.async_connect(target, [this](const error_code& e) { on_connect(e); });
  }

  // Ends the connection at the end of the run; nothing is counted as an error.
  void close() {
    closed_ = true;
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  void on_connect(const error_code& ec) {
    if (ec) return give_up(stats_.errors.connect);
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);  // best effort: a failure only adds latency
    if (!tls_context_) return greet();
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_context_);
    tls_->async_handshake(asio::ssl::stream_base::client, [this](const error_code& e) {
      if (e) return give_up(stats_.errors.connect);
      greet();
    });
  }

  void greet() {
    do_read();
    if (greeting_.empty()) return become_ready();
    with_stream([this](auto& stream) {
      asio::async_write(stream, asio::buffer(greeting_), [this](const error_code& e, std::size_t) {
        if (e) return give_up(stats_.errors.connect);
        if (options_.user.empty()) become_ready();
        // Otherwise the Login reply makes the connection ready (on_frame).
      });
    });
  }

  template <class Fn>
  void with_stream(Fn&& fn) {
    if (tls_) {
      fn(*tls_);
    } else {
      fn(socket_);
    }
  }

  void become_ready() {
    logging_in_ = false;
    ready_ = true;
    state_.ready.fetch_add(1, std::memory_order_relaxed);
    pump();
  }

  void do_read() {
    with_stream([this](auto& stream) {
      stream.async_read_some(asio::buffer(read_buffer_),
                             with_memory(read_memory_, [this](const error_code& ec, std::size_t n) {
                               on_read(ec, n);
                             }));
    });
  }

  void on_read(const error_code& ec, std::size_t n) {
    if (ec) return give_up(stats_.errors.io);
    // One clock read and one phase check per read, not per reply: a read often carries a whole
    // pipeline of replies, and they all arrived together.
    read_time_ = now_ns();
    measuring_ = state_.current.load(std::memory_order_relaxed) == phase::measuring;
    if (measuring_) stats_.bytes_received += n;
    const bool ok = reader_.feed(read_buffer_.data(), n,
                                 [this](std::string_view text, std::uint32_t payload_size) {
                                   return on_frame(text, payload_size);
                                 });
    if (!ok) {
      if (!closed_) give_up(stats_.errors.framing);
      return;
    }
    pump();
    do_read();
  }

  // Returns false after closing the connection.
  bool on_frame(std::string_view text, std::uint32_t payload_size) {
    if (logging_in_) return on_login_reply(text);
    const auto verdict = check_reply(text, payload_size);
    if (verdict == reply_verdict::fatal) return false;
    // A wrong reply still answers its request: the pipeline moves on, but only good replies
    // count as requests served.
    const auto seq = replied_++;
    ++credit_;
    if (verdict == reply_verdict::good && measuring_) {
      stats_.latency.record(static_cast<std::uint64_t>(read_time_ - sent_at_[slot(seq)]));
      ++stats_.requests;
    }
    return true;
  }

  bool on_login_reply(std::string_view text) {
    if (!codec::parse_response(text, reply_) || reply_code(reply_) != 0u) {
      give_up(stats_.errors.login);
      return false;
    }
    become_ready();
    return true;
  }

  enum class reply_verdict { good, bad, fatal };

  // Checks the reply to request `replied_` and counts its first fault; fatal when the
  // connection cannot go on.
  reply_verdict check_reply(std::string_view text, std::uint32_t payload_size) {
    const auto bad = [](std::uint64_t& counter) {
      ++counter;
      return reply_verdict::bad;
    };
    auto& e = stats_.errors;
    if (options_.raw) {
      // The echoed request frame is the reply. It gets the same parse and checks as a real
      // reply, so that the generator does equal work per reply against both servers and the
      // requests/s ratio measures the servers, not the generator.
      std::string_view reason;
      if (!codec::parse_request(text, reply_, reason)) return bad(e.bad_reply);
      if (!codec::iequals(reply_.command(), "CyclePacket")) return bad(e.bad_reply);
      if (reply_integer(reply_, "Count") != replied_) return bad(e.bad_count);
      return payload_size == options_.payload ? reply_verdict::good : bad(e.bad_payload);
    }
    if (!codec::parse_response(text, reply_)) return bad(e.bad_reply);
    if (codec::iequals(reply_.command(), "Disconnect")) {
      give_up(e.disconnect);
      return reply_verdict::fatal;
    }
    if (!codec::iequals(reply_.command(), "CyclePacket")) return bad(e.bad_reply);
    if (reply_code(reply_) != 0u) return bad(e.bad_code);
    if (reply_integer(reply_, "Count") != replied_ + 1) return bad(e.bad_count);
    if (payload_size != options_.payload) return bad(e.bad_payload);
    return reply_verdict::good;
  }

  // Sends as many requests as the pipeline has room for, all in one write.
  void pump() {
    if (writing_ || closed_ || !ready_ || credit_ == 0) return;
    batch_.clear();
    const auto now = now_ns();
    for (; credit_ > 0; --credit_) {
      const auto seq = next_++;
      sent_at_[slot(seq)] = now;
      batch_.add(seq);
    }
    writing_ = true;
    with_stream([this](auto& stream) {
      asio::async_write(stream, batch_.buffers(),
                        with_memory(write_memory_, [this](const error_code& ec, std::size_t n) {
                          writing_ = false;
                          if (ec) return give_up(stats_.errors.io);
                          if (state_.current.load(std::memory_order_relaxed) == phase::measuring)
                            stats_.bytes_sent += n;
                          pump();
                        }));
    });
  }

  std::size_t slot(std::int64_t seq) const noexcept {
    return static_cast<std::size_t>(seq) % sent_at_.size();
  }

  void give_up(std::uint64_t& counter) {
    if (closed_) return;
    closed_ = true;
    ++counter;
    if (ready_) {
      state_.lost.fetch_add(1, std::memory_order_relaxed);
    } else {
      state_.failed.fetch_add(1, std::memory_order_relaxed);
    }
    error_code ignored;
    socket_.close(ignored);
  }

  // Sized for Asio's receive operation and for its send operation with up to 64 gathered buffers.
  handler_memory<512> read_memory_;
  handler_memory<2048> write_memory_;
  tcp::socket socket_;
  asio::ssl::context* tls_context_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;  // over socket_, which never moves
  const throughput_options& options_;
  const std::string& greeting_;
  run_state& state_;
  thread_stats& stats_;
  frame_reader reader_;
  std::vector<char> read_buffer_;
  request_batch batch_;
  std::vector<std::int64_t> sent_at_;  // send time of request seq, at slot(seq)
  codec::command_text reply_;
  std::int64_t next_ = 0;     // Count of the next request
  std::int64_t replied_ = 0;  // Count of the request the next reply answers
  std::size_t credit_;        // requests that may be sent now
  std::int64_t read_time_ = 0;
  bool measuring_ = false;
  bool logging_in_ = true;
  bool ready_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

// Flag byte and optional Login, sent once when a connection opens.
std::string make_greeting(const throughput_options& o) {
  if (o.raw) return {};
  std::string greeting(1, throughput_flag);
  if (!o.user.empty()) greeting += login_frame(o.user, o.password, o.byte_order);
  return greeting;
}

}  // namespace

throughput_result run_throughput(const throughput_options& options) {
  constexpr std::size_t spare_descriptors = 32;
  const auto fd_limit = raise_fd_limit();
  if (options.connections + spare_descriptors > fd_limit) {
    throw std::invalid_argument("--connections " + std::to_string(options.connections) +
                                " does not fit the limit of " + std::to_string(fd_limit) +
                                " open files per process");
  }
  const auto target = resolve_target(options.host, options.port);
  const source_addresses sources(options.sources);
  const std::string greeting = make_greeting(options);

  // One context for every connection. Without --ca the certificate goes unchecked: the
  // generator measures throughput, and a throw-away certificate is all a benchmark needs.
  std::optional<asio::ssl::context> tls;
  if (options.tls) {
    tls.emplace(asio::ssl::context::tls_client);
    if (options.tls_ca_file.empty()) {
      tls->set_verify_mode(asio::ssl::verify_none);
    } else {
      tls->load_verify_file(options.tls_ca_file);
      tls->set_verify_mode(asio::ssl::verify_peer);
      tls->set_verify_callback(asio::ssl::host_name_verification(options.host));
    }
  }
  run_state state;
  std::vector<thread_stats> stats(options.threads);
  io_threads threads(options.threads);
  std::vector<std::unique_ptr<pipeline_connection>> connections;
  connections.reserve(options.connections);
  for (std::size_t i = 0; i < options.connections; ++i) {
    auto& io = threads.context(i);
    connections.push_back(std::make_unique<pipeline_connection>(
        io, options, greeting, state, stats[i % threads.size()], tls ? &*tls : nullptr));
    asio::post(
        io, [c = connections.back().get(), &target, &sources, i] { c->start(target, sources, i); });
  }

  constexpr double connect_timeout = 60;
  wait_until([&] { return state.ready.load() + state.failed.load() >= options.connections; },
             connect_timeout);

  throughput_result result;
  result.options = options;
  if (state.ready.load() > 0) {
    sleep_seconds(options.warmup);
    state.current.store(phase::measuring);
    const cpu_window window(options.server_pid);
    sleep_seconds(options.duration);
    state.current.store(phase::done);
    result.window = window.finish();
  }
  shut_down(threads, connections);

  histogram latency;
  for (const auto& s : stats) {
    latency.merge(s.latency);
    result.requests += s.requests;
    result.bytes_sent += s.bytes_sent;
    result.bytes_received += s.bytes_received;
    result.errors.merge(s.errors);
  }
  result.latency = latency.summary();
  result.connections_ready = state.ready.load();
  result.connections_failed = state.failed.load();
  result.connections_lost = state.lost.load();
  return result;
}

}  // namespace asyncsvr::bench
