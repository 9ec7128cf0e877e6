#include "capacity.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "clock.hpp"
#include "frame_reader.hpp"
#include "io_threads.hpp"
#include "proc_stats.hpp"
#include "sources.hpp"
#include "wire.hpp"

namespace asyncsvr::bench {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// What the main thread and the I/O threads share.
struct run_state {
  std::atomic<std::size_t> connecting{0};  // launched, not yet logged in or failed
  std::atomic<std::size_t> established{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> login_rejected{0};
  std::atomic<std::size_t> closed_by_server{0};
  std::atomic<std::int64_t> last_established_ns{0};
};

struct alignas(64) thread_stats {
  histogram rtt;
  std::uint64_t sent = 0;
  std::uint64_t skipped = 0;
  std::uint64_t errors = 0;
};

// Everything the connections share read-only.
struct run_plan {
  const capacity_options& options;
  tcp::endpoint target;
  source_addresses sources;
  std::string greeting;  // flag byte + Login
  std::string active;
  std::chrono::steady_clock::time_point epoch;  // heartbeat phases count from here
};

class idle_connection {
 public:
  idle_connection(asio::io_context& io, const run_plan& plan, std::size_t index, run_state& state,
                  thread_stats& stats)
      : socket_(io),
        timer_(io),
        plan_(plan),
        index_(index),
        state_(state),
        stats_(stats),
        reader_(plan.options.byte_order) {}

  void start() {
    error_code ec;
    plan_.sources.open_and_bind(socket_, index_, ec);
    if (ec) return fail();
    socket_.async_connect(plan_.target, [this](const error_code& e) {
      if (e) return fail();
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      do_read();
      asio::async_write(socket_, asio::buffer(plan_.greeting),
                        [this](const error_code& w, std::size_t) {
                          if (w) fail();
                        });
    });
  }

  // Ends the connection at the end of the run; nothing more is counted.
  void close() {
    stage_ = stage::closed;
    close_socket();
  }

 private:
  enum class stage { connecting, established, closed };

  void do_read() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [this](const error_code& ec, std::size_t n) { on_read(ec, n); });
  }

  void on_read(const error_code& ec, std::size_t n) {
    if (ec) return lost();
    const bool ok =
        reader_.feed(read_buffer_.data(), n,
                     [this](std::string_view text, std::uint32_t) { return on_frame(text); });
    if (!ok) return lost();
    do_read();
  }

  bool on_frame(std::string_view text) {
    const bool parsed = codec::parse_response(text, reply_);
    const auto code = reply_code(reply_);
    if (stage_ == stage::connecting) {
      if (!parsed || code != 0u) {
        state_.login_rejected.fetch_add(1, std::memory_order_relaxed);
        fail();
        return false;
      }
      stage_ = stage::established;
      state_.established.fetch_add(1, std::memory_order_relaxed);
      state_.connecting.fetch_sub(1, std::memory_order_relaxed);
      state_.last_established_ns.store(now_ns(), std::memory_order_relaxed);
      schedule_heartbeat();
      return true;
    }
    if (codec::iequals(reply_.command(), "Disconnect")) return false;  // the close follows
    if (codec::iequals(reply_.command(), "Active") && heartbeat_sent_at_ != 0) {
      stats_.rtt.record(static_cast<std::uint64_t>(now_ns() - heartbeat_sent_at_));
      heartbeat_sent_at_ = 0;
      if (code != 0u) ++stats_.errors;
    }
    return true;
  }

  // Connection i beats at epoch + (i/N + k) × interval: the connections' heartbeats are spread
  // evenly over the interval instead of arriving at the server all at once.
  void schedule_heartbeat() {
    using clock = std::chrono::steady_clock;
    const auto interval = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(plan_.options.heartbeat));
    const auto offset = interval * static_cast<std::int64_t>(index_) /
                        static_cast<std::int64_t>(plan_.options.connections);
    const auto elapsed = clock::now() - plan_.epoch - offset;
    const auto beats = elapsed.count() < 0 ? 0 : elapsed / interval + 1;
    timer_.expires_at(plan_.epoch + offset + beats * interval);
    timer_.async_wait([this](const error_code& ec) {
      if (ec || stage_ != stage::established) return;
      send_heartbeat();
      schedule_heartbeat();
    });
  }

  void send_heartbeat() {
    if (heartbeat_sent_at_ != 0) {
      ++stats_.skipped;  // the previous one is still unanswered; don't pile up writes
      return;
    }
    heartbeat_sent_at_ = now_ns();
    ++stats_.sent;
    asio::async_write(socket_, asio::buffer(plan_.active),
                      [this](const error_code& ec, std::size_t) {
                        if (ec) lost();
                      });
  }

  // Connect, greeting or Login failed.
  void fail() {
    if (stage_ != stage::connecting) return lost();
    stage_ = stage::closed;
    state_.failed.fetch_add(1, std::memory_order_relaxed);
    state_.connecting.fetch_sub(1, std::memory_order_relaxed);
    close_socket();
  }

  // The connection ended after (or while) logging in.
  void lost() {
    if (stage_ == stage::connecting) return fail();
    if (stage_ == stage::closed) return;
    stage_ = stage::closed;
    state_.closed_by_server.fetch_add(1, std::memory_order_relaxed);
    close_socket();
  }

  void close_socket() {
    error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const run_plan& plan_;
  std::size_t index_;
  run_state& state_;
  thread_stats& stats_;
  frame_reader reader_;
  std::array<char, 512> read_buffer_{};  // replies here are a few dozen bytes
  codec::command_text reply_;
  std::int64_t heartbeat_sent_at_ = 0;  // 0 = no Active outstanding
  stage stage_ = stage::connecting;
};

std::optional<std::uint64_t> rss_of(const std::optional<pid_t>& pid) {
  return pid ? process_rss_bytes(*pid) : std::nullopt;
}

void check_descriptors(const capacity_options& options) {
  constexpr std::size_t spare_descriptors = 32;  // stdio, epoll, eventfd, /proc reads …
  const auto limit = raise_fd_limit();
  if (options.connections + spare_descriptors > limit) {
    throw std::invalid_argument(
        "--connections " + std::to_string(options.connections) + " needs that many descriptors, " +
        "but this process may open only " + std::to_string(limit) +
        " (RLIMIT_NOFILE hard limit) and keeps " + std::to_string(spare_descriptors) +
        " for itself: use at most " + std::to_string(limit - spare_descriptors) +
        " connections per process, or run several processes");
  }
}

// Launches every connection, keeping at most max_connecting in flight and, with --connect-rate,
// pacing the starts.
void launch_all(const capacity_options& options, io_threads& threads,
                std::vector<std::unique_ptr<idle_connection>>& connections, run_state& state) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (options.connect_rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(
                      static_cast<double>(i) / options.connect_rate)));
    }
    while (state.connecting.load(std::memory_order_relaxed) >= options.max_connecting)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state.connecting.fetch_add(1, std::memory_order_relaxed);
    asio::post(threads.context(i), [c = connections[i].get()] { c->start(); });
  }
}

}  // namespace

capacity_result run_capacity(const capacity_options& options) {
  check_descriptors(options);
  run_plan plan{options,
                resolve_target(options.host, options.port),
                source_addresses(options.sources),
                std::string(1, control_flag) +
                    login_frame(options.user, options.password, options.byte_order),
                active_frame(options.byte_order),
                std::chrono::steady_clock::now()};

  capacity_result result;
  result.options = options;
  result.rss_before = rss_of(options.server_pid);

  run_state state;
  std::vector<thread_stats> stats(options.threads);
  io_threads threads(options.threads);
  std::vector<std::unique_ptr<idle_connection>> connections;
  connections.reserve(options.connections);
  for (std::size_t i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_unique<idle_connection>(threads.context(i), plan, i, state,
                                                            stats[i % threads.size()]));
  }

  const auto start_ns = now_ns();
  launch_all(options, threads, connections, state);
  wait_until([&] { return state.established.load() + state.failed.load() >= options.connections; },
             options.establish_timeout);
  const auto last = state.last_established_ns.load();
  result.establish_seconds = static_cast<double>((last != 0 ? last : now_ns()) - start_ns) / 1e9;

  sleep_seconds(options.settle);
  result.rss_established = rss_of(options.server_pid);
  const cpu_window window(options.server_pid);
  sleep_seconds(options.hold);
  result.idle = window.finish();
  result.rss_end = rss_of(options.server_pid);

  // Every socket closes at once, as a burst of clients going away would.
  shut_down(threads, connections);
  histogram rtt;
  for (const auto& s : stats) {
    rtt.merge(s.rtt);
    result.heartbeats_sent += s.sent;
    result.heartbeats_skipped += s.skipped;
    result.heartbeat_errors += s.errors;
  }
  result.heartbeat_rtt = rtt.summary();
  result.established = state.established.load();
  result.failed = state.failed.load();
  result.login_rejected = state.login_rejected.load();
  result.closed_by_server = state.closed_by_server.load();
  return result;
}

}  // namespace asyncsvr::bench
