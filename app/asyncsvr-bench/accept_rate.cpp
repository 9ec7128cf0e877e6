#include "accept_rate.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <string>
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

struct alignas(64) thread_stats {
  histogram cycle;
  std::uint64_t connections = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t io_failures = 0;
  std::uint64_t bad_replies = 0;
};

struct run_plan {
  const accept_options& options;
  tcp::endpoint target;
  source_addresses sources;
  std::string request;  // everything sent on a connection
  std::atomic<bool> measuring{false};
};

// One loop of connect → request → reply → close.
class churn_loop {
 public:
  churn_loop(asio::io_context& io, run_plan& plan, std::size_t index, std::size_t stride,
             thread_stats& stats)
      : io_(io),
        socket_(io),
        backoff_(io),
        plan_(plan),
        source_index_(index),
        stride_(stride),
        stats_(stats),
        reader_(plan.options.byte_order) {}

  void start() {
    if (stopped_) return;
    socket_ = tcp::socket(io_);
    reader_ = frame_reader(plan_.options.byte_order);
    started_at_ = now_ns();
    error_code ec;
    plan_.sources.open_and_bind(socket_, source_index_, ec);
    source_index_ += stride_;
    if (ec) return failed(stats_.connect_failures);
    socket_.async_connect(plan_.target, [this](const error_code& e) {
      if (e) return failed(stats_.connect_failures);
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      asio::async_write(socket_, asio::buffer(plan_.request),
                        [this](const error_code& w, std::size_t) {
                          if (w) return failed(stats_.io_failures);
                          if (plan_.options.handshake_only) return completed();
                          do_read();
                        });
    });
  }

  // Ends the loop at the end of the run.
  void close() {
    stopped_ = true;
    backoff_.cancel();
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  void do_read() {
    socket_.async_read_some(asio::buffer(buffer_), [this](const error_code& ec, std::size_t n) {
      if (ec) return failed(stats_.io_failures);
      bool done = false;
      bool good = true;
      const bool ok = reader_.feed(buffer_.data(), n, [&](std::string_view text, std::uint32_t) {
        done = true;
        good = plan_.options.raw || check(text);
        return false;  // one reply is all we wait for
      });
      if (!done && !ok) return failed(stats_.bad_replies);
      if (!done) return do_read();
      if (!good) return failed(stats_.bad_replies);
      completed();
    });
  }

  bool check(std::string_view text) {
    return codec::parse_response(text, reply_) && codec::iequals(reply_.command(), "CyclePacket") &&
           reply_code(reply_) == 0u;
  }

  void completed() {
    if (plan_.measuring.load(std::memory_order_relaxed)) {
      ++stats_.connections;
      stats_.cycle.record(static_cast<std::uint64_t>(now_ns() - started_at_));
    }
    error_code ignored;
    socket_.close(ignored);
    start();
  }

  // Counts the failure and retries a little later, so that a refusing server is not spun on.
  void failed(std::uint64_t& counter) {
    if (stopped_) return;
    ++counter;
    error_code ignored;
    socket_.close(ignored);
    backoff_.expires_after(std::chrono::milliseconds(10));
    backoff_.async_wait([this](const error_code& ec) {
      if (!ec) start();
    });
  }

  asio::io_context& io_;
  tcp::socket socket_;
  asio::steady_timer backoff_;
  run_plan& plan_;
  std::size_t source_index_;
  std::size_t stride_;
  thread_stats& stats_;
  frame_reader reader_;
  std::array<char, 512> buffer_{};
  codec::command_text reply_;
  std::int64_t started_at_ = 0;
  bool stopped_ = false;
};

std::string make_request(const accept_options& o) {
  std::string request = o.raw ? std::string() : std::string(1, throughput_flag);
  if (!o.handshake_only) {
    static constexpr std::array<char, 16> payload{};
    request += cycle_packet_frame(1, payload, o.byte_order);
  }
  return request;
}

}  // namespace

accept_result run_accept(const accept_options& options) {
  raise_fd_limit();
  run_plan plan{options, resolve_target(options.host, options.port),
                source_addresses(options.sources), make_request(options)};
  std::vector<thread_stats> stats(options.threads);
  io_threads threads(options.threads);
  std::vector<std::unique_ptr<churn_loop>> loops;
  for (std::size_t i = 0; i < options.concurrency; ++i) {
    loops.push_back(std::make_unique<churn_loop>(threads.context(i), plan, i, options.concurrency,
                                                 stats[i % threads.size()]));
    asio::post(threads.context(i), [l = loops.back().get()] { l->start(); });
  }

  accept_result result;
  result.options = options;
  sleep_seconds(options.warmup);
  plan.measuring.store(true);
  const cpu_window window(options.server_pid);
  sleep_seconds(options.duration);
  plan.measuring.store(false);
  result.window = window.finish();
  shut_down(threads, loops);

  histogram cycle;
  for (const auto& s : stats) {
    cycle.merge(s.cycle);
    result.connections += s.connections;
    result.connect_failures += s.connect_failures;
    result.io_failures += s.io_failures;
    result.bad_replies += s.bad_replies;
  }
  result.cycle = cycle.summary();
  return result;
}

}  // namespace asyncsvr::bench
