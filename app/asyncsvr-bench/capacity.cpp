#include "capacity.hpp"

#include <algorithm>
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
#include "worker_processes.hpp"

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

void add(thread_stats& into, const thread_stats& from) {
  into.rtt.merge(from.rtt);
  into.sent += from.sent;
  into.skipped += from.skipped;
  into.errors += from.errors;
}

// What one generator process tells the coordinating one: once its connections are established
// (or failed), and again after it closed them, with the heartbeat figures. The histograms travel
// whole, so that the merged percentiles are those of all samples.
struct part_report {
  std::uint64_t established = 0;
  std::uint64_t failed = 0;
  std::uint64_t login_rejected = 0;
  std::uint64_t closed_by_server = 0;
  std::int64_t last_established_ns = 0;
  thread_stats heartbeats;
};

void add(part_report& into, const part_report& from) {
  into.established += from.established;
  into.failed += from.failed;
  into.login_rejected += from.login_rejected;
  into.closed_by_server += from.closed_by_server;
  into.last_established_ns = std::max(into.last_established_ns, from.last_established_ns);
  add(into.heartbeats, from.heartbeats);
}

// Everything the connections of one process share read-only.
struct run_plan {
  const capacity_options& options;
  tcp::endpoint target;
  source_addresses sources;  // this process's part
  std::size_t first = 0;     // index of this process's first connection
  std::string greeting;      // flag byte + Login
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
    plan_.sources.open_and_bind(socket_, index_ - plan_.first, ec);
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

  // Connection i beats at epoch + (i/N + k) × interval: the heartbeats of all processes'
  // connections are spread evenly over the interval instead of arriving at the server at once.
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

std::optional<process_memory> memory_of(const std::optional<pid_t>& pid) {
  return pid ? read_process_memory(*pid) : std::nullopt;
}

void check_descriptors(const capacity_options& options) {
  constexpr std::size_t spare_descriptors = 32;  // stdio, epoll, eventfd, pipes, /proc reads …
  const auto limit = raise_fd_limit();
  const auto per_process = (options.connections + options.processes - 1) / options.processes;
  if (per_process + spare_descriptors > limit) {
    throw std::invalid_argument(
        std::to_string(per_process) + " connections per process need that many descriptors, " +
        "but a process may open only " + std::to_string(limit) +
        " (RLIMIT_NOFILE hard limit) and keeps " + std::to_string(spare_descriptors) +
        " for itself: use at most " + std::to_string(limit - spare_descriptors) +
        " connections per process (raise --processes)");
  }
}

// Launches every connection, keeping at most max_connecting in flight and, with a rate, pacing
// the starts.
void launch_all(double rate, std::size_t max_connecting, io_threads& threads,
                std::vector<std::unique_ptr<idle_connection>>& connections, run_state& state) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(i) / rate)));
    }
    while (state.connecting.load(std::memory_order_relaxed) >= max_connecting)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state.connecting.fetch_add(1, std::memory_order_relaxed);
    asio::post(threads.context(i), [c = connections[i].get()] { c->start(); });
  }
}

part_report report_of(const run_state& state, const std::vector<thread_stats>& stats) {
  part_report r;
  r.established = state.established.load();
  r.failed = state.failed.load();
  r.login_rejected = state.login_rejected.load();
  r.closed_by_server = state.closed_by_server.load();
  r.last_established_ns = state.last_established_ns.load();
  for (const auto& s : stats)
    add(r.heartbeats, s);
  return r;
}

// One generator process: holds the k-th part of the connections, bound to the k-th part of the
// source addresses, until the coordinating process releases it.
int hold_part(const run_plan& plan, std::size_t k, worker_channel& channel) {
  const auto& options = plan.options;
  const auto parts = options.processes;
  run_plan part = plan;
  part.sources = plan.sources.part(k, parts);
  part.first = k * options.connections / parts;
  const std::size_t count = (k + 1) * options.connections / parts - part.first;

  run_state state;
  std::vector<thread_stats> stats(options.threads);
  io_threads threads(options.threads);
  std::vector<std::unique_ptr<idle_connection>> connections;
  connections.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    connections.push_back(std::make_unique<idle_connection>(
        threads.context(i), part, part.first + i, state, stats[i % threads.size()]));
  }
  launch_all(options.connect_rate / static_cast<double>(parts), options.max_connecting, threads,
             connections, state);
  wait_until([&] { return state.established.load() + state.failed.load() >= count; },
             options.establish_timeout);
  channel.send(report_of(state, {}));
  channel.wait_released();
  // Every socket closes at once, as a burst of clients going away would.
  shut_down(threads, connections);
  channel.send(report_of(state, stats));
  return 0;
}

// The first report of every part, merged; then the second.
part_report merged_reports(worker_processes& parts, double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout_seconds));
  part_report merged;
  for (std::size_t k = 0; k < parts.size(); ++k)
    add(merged, parts.receive<part_report>(k, deadline));
  return merged;
}

}  // namespace

capacity_result run_capacity(const capacity_options& options) {
  check_descriptors(options);
  const run_plan plan{options,
                      resolve_target(options.host, options.port),
                      source_addresses(options.sources),
                      0,
                      std::string(1, control_flag) +
                          login_frame(options.user, options.password, options.byte_order),
                      active_frame(options.byte_order),
                      std::chrono::steady_clock::now()};

  // A bad --sources for this many processes is a bad command line, found before any starts.
  static_cast<void>(plan.sources.part(0, options.processes));

  capacity_result result;
  result.options = options;
  result.memory_before = memory_of(options.server_pid);

  // Reports a few seconds late are still waited for; a part that never reports is an error.
  constexpr double report_margin_seconds = 30;
  const auto start_ns = now_ns();
  worker_processes parts(options.processes, [&plan](std::size_t k, worker_channel& channel) {
    return hold_part(plan, k, channel);
  });
  const auto established = merged_reports(parts, options.establish_timeout + report_margin_seconds);
  const auto last = established.last_established_ns;
  result.establish_seconds = static_cast<double>((last != 0 ? last : now_ns()) - start_ns) / 1e9;

  sleep_seconds(options.settle);
  result.memory_established = memory_of(options.server_pid);
  const cpu_window window(options.server_pid, parts.pids());
  sleep_seconds(options.hold);
  result.idle = window.finish();
  result.memory_end = memory_of(options.server_pid);

  parts.release_all();
  const auto final = merged_reports(parts, report_margin_seconds);
  if (!parts.join()) throw std::runtime_error("a generator process failed");
  result.heartbeat_rtt = final.heartbeats.rtt.summary();
  result.heartbeats_sent = final.heartbeats.sent;
  result.heartbeats_skipped = final.heartbeats.skipped;
  result.heartbeat_errors = final.heartbeats.errors;
  result.established = final.established;
  result.failed = final.failed;
  result.login_rejected = final.login_rejected;
  result.closed_by_server = final.closed_by_server;
  return result;
}

}  // namespace asyncsvr::bench
