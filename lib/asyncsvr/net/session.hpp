#pragma once
// The life of one framed connection (DESIGN.md "Session base class").
//
//   start ─► wait readable ─► read ─► frame_decoder ─► on_request ─► send ─► flush (gather write)
//                 ▲                                                              │
//                 └───────────── until closing, backpressure or suspension ◄─────┘
//
// The session waits for readability and only then takes a receive buffer from the pool, which it
// gives back whenever no partial frame is buffered, so an idle session holds no receive buffer.
// Writes are attempted at once without blocking; only what the socket does not take waits for
// writability. One wake-up from the server's deadline_wheel serves every deadline of PROTOCOL.md
// §2.2 and §2.3 (login, idle, send stall, close linger): it is set for the earliest and re-checks
// when it comes, so traffic never touches it.
//
// Every handler runs on the session's strand (with one I/O thread the read retries run on the
// io_context directly, which one thread makes a strand of its own); pending operations hold a
// shared_ptr, so the session lives exactly as long as it has work. close() runs once, from
// whichever path gets there first; the destructor leaves the registry.
//
// Thread-safety: start() once, before any other call; kick(), shut_down(), abort(), push_shared()
// and snapshot() from any thread; everything protected only on the strand.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "asyncsvr/auth/user_store.hpp"
#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame_decoder.hpp"
#include "asyncsvr/codec/result_code.hpp"
#include "asyncsvr/memory/buffer_pool.hpp"
#include "asyncsvr/net/close_reason.hpp"
#include "asyncsvr/net/connection.hpp"
#include "asyncsvr/net/deadline_wheel.hpp"
#include "asyncsvr/net/handler_memory.hpp"
#include "asyncsvr/net/send_queue.hpp"
#include "asyncsvr/net/server_context.hpp"
#include "asyncsvr/net/strand_handler.hpp"
#include "asyncsvr/net/transport.hpp"

namespace asyncsvr::net {

using clock = std::chrono::steady_clock;

// What becomes of the payload of a request that is too large for the receive buffer, decided
// when its text has arrived (session::on_request_head).
enum class payload_route {
  buffer,  // wait for the whole frame and hand it to on_request, as for any other request
  echo,    // send each piece back as it arrives, as the payload of the reply just begun
  skip,    // drop it: the request has been answered (refused) already
};

class session : public connection,
                private deadline_wheel::waiter,
                public std::enable_shared_from_this<session> {
 public:
  session(server_context& context, strand_type strand, transport stream, connection_info info,
          std::uint8_t flag);
  ~session() override;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Runs on the strand. `initial` holds the bytes that arrived with the flag byte, [begin, end).
  void start(memory::buffer initial, std::size_t begin, std::size_t end);

  void kick(std::string reason) override;
  void shut_down() override;
  void abort() override;
  connection_snapshot snapshot() const override;

  // Queues a prebuilt frame shared with other sessions; returns false (and queues nothing) when
  // this session's queue is above high water, the session is ending or a reply is still being
  // echoed (on_request_head). Runs on the strand only.
  bool push_shared(const std::shared_ptr<const std::string>& frame);

  std::uint64_t id() const noexcept { return info_.id; }
  const strand_type& strand() const noexcept { return strand_; }

 protected:
  // Hooks, all called on the strand.
  virtual void on_start() {}
  virtual void on_request(const codec::command_text& text, std::span<const char> payload) = 0;
  // A request larger than the receive buffer whose text is in: the protocol may take its payload
  // as it arrives instead of the session buffering the whole frame. For payload_route::echo it
  // queues the reply's head with send_head() first; until the echo is complete no other frame
  // may be queued (a notice would land inside the reply, so disconnect() then closes without one).
  virtual payload_route on_request_head(const codec::command_text& /*text*/,
                                        std::size_t /*payload_size*/) {
    return payload_route::buffer;
  }
  virtual void on_close() {}
  // Called on the strand after a write made progress, so that a push paced by the queue (Download,
  // §8.2) can produce more. It must not send synchronously; start work that sends later instead.
  virtual void on_write_progress() {}
  // Whether the session sends Disconnect notices (§2.3) before it closes (raw protocols say no).
  virtual bool sends_notices() const noexcept { return true; }
  // Raw protocols (legacy LogOutput, §14.3) read bytes, not frames: they say so here and get
  // every received byte through on_raw_input instead of on_request.
  virtual bool framed() const noexcept { return true; }
  virtual void on_raw_input(std::span<const char> /*bytes*/) {}

  // Queues one frame; it leaves with the next flush (end of the current handler).
  void send(std::string_view text, std::span<const char> payload = {});
  // The same for a payload made of the first `size` bytes of a pooled buffer, which the session
  // takes over instead of copying (file chunks read straight into it).
  void send(std::string_view text, memory::buffer payload, std::size_t size);
  // Queues the length fields and text of a frame whose payload follows separately.
  void send_head(std::string_view text, std::size_t payload_size);
  // Queues bytes as they are, without a frame around them (raw protocols).
  void send_raw(std::string_view bytes);
  // §2.3: queue a Disconnect notice, ignore further requests, close once it is written. A
  // session that sends no notices closes at once.
  void disconnect(codec::result_code reason, std::string_view message);
  // The peer asked to end the connection in its protocol's own way (raw LogOutput's ESC, §14.3):
  // closes at once, discarding what is queued.
  void close_by_peer() { close(close_reason::peer_closed); }
  // Queues a final reply (framing and text errors, §3.3) and closes once it is written.
  void finish_with(std::string_view text);

  // While suspended no further request is processed (replies must stay in request order), e.g.
  // while a password is checked on another thread. resume_requests() continues where it left.
  void suspend_requests() noexcept { ++suspended_; }
  void resume_requests();

  // The logged-in account (null when logged out). Set on the strand; snapshot() reads it from
  // other threads under a spin lock, which is never contended for more than a pointer copy.
  void set_account(std::shared_ptr<const auth::user_account> account) noexcept;
  const std::shared_ptr<const auth::user_account>& account() const noexcept { return account_; }
  // The login deadline runs from the flag byte until the first successful Login (§2.2).
  void clear_login_deadline() noexcept { login_deadline_ = clock::time_point::max(); }

  server_context& context() const noexcept { return context_; }
  const connection_info& info() const noexcept { return info_; }
  bool ending() const noexcept { return state_ != state::open; }
  // Bytes of frames written to the socket, and queued (written or not), since the start: a frame
  // queued when bytes_queued() was Q has left once bytes_written() ≥ Q.
  std::uint64_t bytes_written() const noexcept { return bytes_written_; }
  std::uint64_t bytes_queued() const noexcept { return bytes_written_ + queue_.bytes(); }

  // A reusable per-thread string to build reply text in (no allocation once warm).
  static std::string& scratch() noexcept;
  // Runs `fn` on this session's strand and flushes afterwards; for completions of work done
  // elsewhere (another thread, another session). `fn` runs even when the session has closed
  // meanwhile (it may need to account for that); send() then queues nothing.
  template <class Fn>
  void run_on_strand(Fn&& fn);
  // Runs `work` on `executor` (blocking work such as file I/O, kept off the I/O threads), then
  // `done(result)` as run_on_strand() would. Whatever `done` owns lives until then, so `work` may
  // use it through pointers.
  template <class Executor, class Work, class Done>
  void run_off_strand(const Executor& executor, Work work, Done done);

 private:
  enum class state : std::uint8_t { open, closing, closed };

  void process_frames();
  // Returns the parsed text, or null after answering a malformed one (and beginning to close).
  const codec::command_text* parse_text(std::string_view text);
  void handle_frame(const codec::frame& frame);
  // For a frame too large for the receive buffer whose text block has arrived: asks the protocol
  // whether to take its payload piece by piece; returns false when it wants the whole frame.
  bool begin_streamed_request(std::size_t text_size, std::size_t payload_size);
  // The size of a frame's length fields and text when the frame is too large for the receive
  // buffer but they are not (the frame may then be streamed); 0 otherwise.
  std::size_t streamable_head(const codec::decode_result& result) const noexcept;
  // Makes room in the receive buffer for the first `needed` bytes of the unprocessed input.
  void make_room(std::size_t needed);
  // Echoes or skips the next received bytes of a streamed request's payload.
  void pass_payload();
  bool echoing() const noexcept { return echo_payload_ && payload_left_ > 0; }
  // Returns whether it read anything.
  bool read_and_process();
  void wait_readable();
  void read_again_soon();
  // Runs on_readable() from the back of the strand's queue, without waiting for readiness.
  void post_read();
  void on_readable(const boost::system::error_code& ec);
  bool may_read() const noexcept;

  void flush();
  // Makes the queue's size visible to snapshot() and to the server-wide queued_bytes level.
  // flush(), which ends every handler, does it: a reply written at once then touches neither.
  void publish_queued_bytes() noexcept;
  // Whether a frame with a large payload may go to the socket at once: only when everything
  // queued before it could be written now. The session may have closed meanwhile.
  bool may_write_directly();
  // Writes what the socket takes of a frame now; returns the bytes written (the caller queues
  // the rest), or nothing if the write failed and the session closed.
  std::optional<std::size_t> write_directly(std::span<const boost::asio::const_buffer> pieces);
  // Large bytes go to the socket from where they lie when nothing is queued before them; only
  // what the socket does not take now is copied into the queue.
  void write_or_queue(std::span<const boost::asio::const_buffer> pieces);
  void on_writable(const boost::system::error_code& ec);
  void resume_after_backpressure();

  void begin_closing(close_reason reason, bool keep_reading);
  void close(close_reason reason);
  void discard_input() noexcept;
  void on_io_error(const boost::system::error_code& ec, std::string_view what);

  void update_timer();
  static void on_deadline_passed(deadline_wheel::waiter& e) noexcept;
  void on_timer();
  // A completion handler that keeps the session alive and runs `Handler` on the strand, its
  // operation placed in the session's handler_memory.
  template <void (session::*Handler)(const boost::system::error_code&)>
  struct pending_wait : strand_handler<Handler, session> {
    using strand_handler<Handler, session>::strand_handler;
    using allocator_type = handler_allocator<void>;
    allocator_type get_allocator() const noexcept {
      return allocator_type(this->self().handler_memory_);
    }
  };
  template <void (session::*Handler)(const boost::system::error_code&)>
  pending_wait<Handler> on_strand() {
    return pending_wait<Handler>(shared_from_this());
  }
  bool kernel_made_progress() noexcept;
  void touch(clock::time_point now) noexcept;

  server_context& context_;
  handler_memory handler_memory_;  // before the objects whose pending operations use it
  strand_type strand_;
  transport stream_;
  const connection_info info_;

  memory::buffer rx_;
  std::size_t rx_begin_ = 0;
  std::size_t rx_end_ = 0;
  send_queue queue_;

  state state_ = state::open;
  close_reason close_reason_ = close_reason::peer_closed;
  bool keep_reading_while_closing_ = false;
  bool read_waiting_ = false;
  bool read_retry_posted_ = false;  // read_waiting_ for a retry, not for readiness
  bool retries_pay_ = false;        // whether read_again_soon() tends to find data
  bool write_waiting_ = false;
  bool backpressured_ = false;
  mutable std::atomic_flag account_lock_;  // guards account_ (see set_account)
  bool echo_payload_ = false;              // whether payload_left_ is echoed (else skipped)
  const std::uint8_t flag_;
  std::uint8_t suspended_ = 0;      // suspend_requests() not yet resumed (one request at a time)
  std::uint32_t payload_left_ = 0;  // of a streamed request, still to be received (< 4 GiB)

  clock::time_point timer_expiry_ = clock::time_point::max();
  clock::time_point login_deadline_ = clock::time_point::max();  // max(): none
  clock::time_point close_deadline_ = clock::time_point::max();
  clock::time_point last_write_progress_;
  std::size_t kernel_unsent_ = 0;  // kernel send queue when last looked at (stall rule)
  std::uint64_t bytes_written_ = 0;
  std::atomic<clock::rep> last_activity_;  // read by snapshot() on other threads
  std::atomic<std::uint64_t> queued_bytes_shared_{0};

  std::shared_ptr<const auth::user_account> account_;
};

template <class Executor, class Work, class Done>
void session::run_off_strand(const Executor& executor, Work work, Done done) {
  boost::asio::post(executor, [self = shared_from_this(), work = std::move(work),
                               done = std::move(done)]() mutable {
    auto result = work();
    self->run_on_strand([result = std::move(result), done = std::move(done)]() mutable {
      done(std::move(result));
    });
  });
}

template <class Fn>
void session::run_on_strand(Fn&& fn) {
  boost::asio::post(strand_, [self = shared_from_this(), fn = std::forward<Fn>(fn)]() mutable {
    fn();
    self->flush();
  });
}

}  // namespace asyncsvr::net
