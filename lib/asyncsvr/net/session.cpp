#include "asyncsvr/net/session.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/post.hpp>

#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/coarse_clock.hpp"
#include "asyncsvr/net/unsent_bytes.hpp"

namespace asyncsvr::net {

namespace {

// Big enough that one read usually takes everything a pipelining client sent; it is held only
// while bytes are being processed, so its size costs nothing on idle sessions.
constexpr std::size_t receive_buffer_size = 64 * 1024;
constexpr int max_reads_per_wakeup = 8;
// Frames closer together than this make a peer busy (see on_readable); activity is stamped from
// the coarse clock, a few milliseconds apart.
constexpr auto busy_peer_gap = std::chrono::milliseconds(10);
// Asio's epoll pass hands over at most 128 ready sockets, and the next pass comes only after
// every handler queued before it, retries included. With a retry for each of 1,000 busy peers
// queued, a peer waiting for readiness waited several such rounds: p99 was twice the Asio
// echo's. At most 64 queued retries bring it back to the echo's (docs/BENCHMARKS.md).
constexpr std::uint32_t max_queued_read_retries = 64;
// Small replies share send buffers of this size.
constexpr std::size_t send_segment_size = 16 * 1024;
// Payloads at least this large are written from where they lie, not copied into the queue.
constexpr std::size_t direct_write_threshold = 8 * 1024;
// A queue that has not moved for this long counts as stalled: a Disconnect notice would only
// wait behind it (§2.3), so the connection is closed without one.
constexpr auto stalled_after = std::chrono::seconds(1);

bool is_expected_ending(const boost::system::error_code& ec) noexcept {
  namespace error = boost::asio::error;
  return ec == error::eof || ec == error::connection_reset || ec == error::operation_aborted ||
         ec == error::broken_pipe || ec == error::connection_aborted;
}

// A frame as one gather write sends it: its length fields, its text and its payload.
struct frame_pieces {
  frame_pieces(std::string_view text, std::span<const char> payload, byte_order order) noexcept
      : all{boost::asio::buffer(header), boost::asio::buffer(text),
            boost::asio::buffer(payload.data(), payload.size())} {
    codec::write_frame_header(header, text.size(), payload.size(), order);
  }
  frame_pieces(const frame_pieces&) = delete;  // `all` points into `header`
  frame_pieces& operator=(const frame_pieces&) = delete;

  char header[codec::frame_header_size];
  std::array<boost::asio::const_buffer, 3> all;
};

close_reason reason_for(codec::result_code code) noexcept {
  switch (code) {
    case codec::result_code::kicked:
      return close_reason::kicked;
    case codec::result_code::server_shutting_down:
      return close_reason::shutting_down;
    case codec::result_code::idle_timeout:
      return close_reason::idle_timeout;
    case codec::result_code::login_timeout:
      return close_reason::login_timeout;
    case codec::result_code::too_many_login_failures:
      return close_reason::login_failures;
    case codec::result_code::upload_taken_over:
      return close_reason::upload_taken_over;
    default:
      return close_reason::framing_error;
  }
}

}  // namespace

session::session(server_context& context, strand_type strand, transport stream,
                 connection_info info, std::uint8_t flag)
    : deadline_wheel::waiter(&session::on_deadline_passed),
      context_(context),
      strand_(std::move(strand)),
      stream_(std::move(stream)),
      info_(std::move(info)),
      queue_(context.pool, send_segment_size),
      flag_(flag),
      last_activity_(clock::now().time_since_epoch().count()) {}

session::~session() {
  context_.deadlines.cancel(*this);
  context_.registry.remove(info_.id);
  context_.per_address.release(info_.remote.address());
}

std::string& session::scratch() noexcept {
  thread_local std::string text;
  return text;
}

void session::start(memory::buffer initial, std::size_t begin, std::size_t end) {
  boost::system::error_code ec;
  // Reads and writes are tried at once and only wait when the socket would block.
  stream_.set_non_blocking(ec);
  if (!ec) stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
  if (ec) {
    on_io_error(ec, "socket setup");
    return;
  }
  const auto now = clock::now();
  touch(now);
  last_write_progress_ = now;
  login_deadline_ = now + context_.config.login_timeout;
  rx_ = std::move(initial);
  rx_begin_ = begin;
  rx_end_ = end;
  on_start();
  process_frames();
  flush();
  wait_readable();
  update_timer();
}

// ---- reading -------------------------------------------------------------------------------

bool session::may_read() const noexcept {
  if (state_ == state::closed) return false;
  if (state_ == state::closing) return keep_reading_while_closing_;
  return !backpressured_ && suspended_ == 0;
}

void session::wait_readable() {
  if (read_waiting_ || !may_read()) return;
  if (rx_ && rx_begin_ == rx_end_) rx_ = memory::buffer();  // idle sessions hold no buffer
  queue_.release_spare();
  read_waiting_ = true;
  if (stream_.buffered_input()) {  // TLS: bytes already here, which no readiness would announce
    post_read();
    return;
  }
  stream_.socket().async_wait(stream_.read_wait(), on_strand<&session::on_readable>());
}

void session::on_readable(const boost::system::error_code& ec) {
  const bool was_retry = read_retry_posted_;
  if (was_retry) context_.queued_read_retries.fetch_sub(1, std::memory_order_relaxed);
  read_waiting_ = false;
  read_retry_posted_ = false;
  if (state_ == state::closed) return;
  if (ec) {
    on_io_error(ec, "wait for data");
    return;
  }
  const auto quiet_since = last_activity_.load(std::memory_order_relaxed);
  const bool read_something = read_and_process();  // stamps last_activity_ for each frame
  flush();
  // Whether retries pay off for this peer: the last one found data, or frames now follow each
  // other closely. A peer that sends a heartbeat every 30 s would only make them find nothing
  // (one more recv and a pass through epoll_wait each time), so after one empty retry it is
  // waited for until it turns busy.
  if (was_retry) {
    retries_pay_ = read_something;
  } else if (last_activity_.load(std::memory_order_relaxed) - quiet_since <
             clock::duration(busy_peer_gap).count()) {
    retries_pay_ = true;
  }
  if (read_something && retries_pay_ &&
      context_.queued_read_retries.load(std::memory_order_relaxed) < max_queued_read_retries) {
    read_again_soon();
  } else {
    wait_readable();
  }
}

// A peer that just sent something is likely to send again soon: at depth 1 its next request
// follows our reply. Trying the read again once the sessions that are ready now have been served
// (a post to the back of the queue), as Asio's async_read_some does, then mostly finds it there
// and costs one recv. Waiting for readiness instead costs an epoll_ctl each time, because Asio's
// async_wait re-arms the descriptor, and a trip through epoll_wait. A try that finds nothing
// falls back to the wait, which gives the receive buffer back.
void session::read_again_soon() {
  if (read_waiting_ || !may_read()) return;
  read_waiting_ = true;  // the receive buffer stays for the try; wait_readable() lets it go
  read_retry_posted_ = true;
  context_.queued_read_retries.fetch_add(1, std::memory_order_relaxed);
  post_read();
}

void session::post_read() {
  auto read = [self = shared_from_this()] { self->on_readable({}); };
  // With one I/O thread nothing can run beside this handler anyway, and going through the strand
  // would cost two lock round trips per request.
  if (context_.one_io_thread) {
    boost::asio::post(context_.io, std::move(read));
  } else {
    boost::asio::post(strand_, std::move(read));
  }
}

bool session::read_and_process() {
  // A read that fills the buffer leaves more in the socket (a stream of large frames, an upload):
  // read on rather than wait for the next readiness event, a few times, so that one busy peer
  // does not keep this thread from the other sessions it serves.
  bool active = false;
  for (int reads = 0; reads < max_reads_per_wakeup && may_read(); ++reads) {
    if (!rx_) {
      rx_ = context_.pool.acquire(receive_buffer_size);
      rx_begin_ = rx_end_ = 0;
    }
    const std::size_t room = rx_.capacity() - rx_end_;
    boost::system::error_code ec;
    const std::size_t n = stream_.read_some(boost::asio::buffer(rx_.data() + rx_end_, room), ec);
    if (ec == boost::asio::error::would_block) return active;
    if (ec) {
      if (ec == boost::asio::error::eof) {
        // §2.3: the peer is done sending; finish writing what is queued, then close.
        begin_closing(close_reason::peer_closed, false);  // the caller's flush() closes
        return false;
      }
      on_io_error(ec, "read");
      return false;
    }
    active = true;
    context_.metrics.bytes_in.add(n);
    if (state_ == state::closing) {
      rx_begin_ = rx_end_ = 0;  // after a final notice, input is read and discarded (§2.3)
      return active;
    }
    rx_end_ += n;
    process_frames();
    // Plain TCP gave all it had; TLS gives one record per read and is read on until it blocks.
    if (n < room && !stream_.secure()) return active;
  }
  return active;
}

void session::process_frames() {
  if (!framed()) {
    if (state_ == state::open && rx_begin_ < rx_end_) {
      touch(coarse_clock::now());
      on_raw_input({rx_.data() + rx_begin_, rx_end_ - rx_begin_});
    }
    rx_begin_ = rx_end_ = 0;
    return;
  }
  bool any_frame = false;
  // Made here from the server's limits rather than kept: 16 bytes less for every connection.
  const codec::frame_decoder decoder(context_.limits);
  while (state_ == state::open && suspended_ == 0 && !backpressured_ && rx_begin_ < rx_end_) {
    if (payload_left_ > 0) {
      pass_payload();
    } else {
      const auto result = decoder.decode({rx_.data() + rx_begin_, rx_end_ - rx_begin_});
      if (result.state == codec::decode_result::status::error) {
        context_.metrics.protocol_errors.add();
        auto& text = scratch();
        codec::begin_response(text, "", result.error);
        finish_with(text);
        return;
      }
      if (result.state == codec::decode_result::status::need_more) {
        // A frame too large for the receive buffer may be taken piece by piece once its text
        // is in; until then only room for the text is needed.
        const std::size_t head = streamable_head(result);
        const bool text_in = head > 0 && rx_end_ - rx_begin_ >= head;
        if (!text_in || !begin_streamed_request(result.text_size, result.size - head)) {
          make_room(head > 0 && !text_in ? head : result.size);
          return;
        }
      } else {
        rx_begin_ += result.size;
        context_.metrics.frames_in.add();
        handle_frame(result.value);
      }
      if (!any_frame) {
        any_frame = true;
        touch(coarse_clock::now());  // only complete frames count as activity, not dribbling
      }
    }
    if (queue_.bytes() > context_.config.send_queue_high_water && state_ == state::open) {
      // §8.2: stop taking requests from a peer that does not read its replies.
      backpressured_ = true;
      context_.metrics.backpressure_pauses.add();
    }
  }
  if (rx_begin_ == rx_end_) rx_begin_ = rx_end_ = 0;
}

const codec::command_text* session::parse_text(std::string_view text) {
  // Per thread, not per session: the parsed views are only used while the request is handled,
  // and an idle session should own no parsing storage.
  thread_local codec::command_text parsed;
  std::string_view reason;
  if (codec::parse_request(text, parsed, reason)) return &parsed;
  context_.metrics.protocol_errors.add();
  LOG_DEBUG(info_.id) << "malformed text block: " << reason;
  auto& reply = scratch();
  codec::begin_response(reply, parsed.command(), codec::result_code::packet_format_error, reason);
  finish_with(reply);
  return nullptr;
}

void session::handle_frame(const codec::frame& frame) {
  if (const auto* text = parse_text(frame.text)) on_request(*text, frame.payload);
}

std::size_t session::streamable_head(const codec::decode_result& result) const noexcept {
  const std::size_t head = codec::frame_size(result.text_size, 0);
  const bool large = result.size > rx_.capacity();
  return large && result.text_size > 0 && head <= rx_.capacity() ? head : 0;
}

void session::make_room(std::size_t needed) {
  if (needed > rx_.capacity()) {
    // Only now, with the header checked against the limits, is a bigger buffer worth it.
    auto bigger = context_.pool.acquire(needed);
    std::memcpy(bigger.data(), rx_.data() + rx_begin_, rx_end_ - rx_begin_);
    rx_ = std::move(bigger);
    rx_end_ -= rx_begin_;
    rx_begin_ = 0;
  } else if (rx_begin_ + needed > rx_.capacity()) {
    std::memmove(rx_.data(), rx_.data() + rx_begin_, rx_end_ - rx_begin_);
    rx_end_ -= rx_begin_;
    rx_begin_ = 0;
  }
}

bool session::begin_streamed_request(std::size_t text_size, std::size_t payload_size) {
  const char* text_begin = rx_.data() + rx_begin_ + codec::frame_header_size;
  // A malformed text has been answered and the session is closing; what follows is never read.
  auto route = payload_route::skip;
  if (const auto* text = parse_text({text_begin, text_size})) {
    route = on_request_head(*text, payload_size);
    if (route == payload_route::buffer) return false;
  }
  echo_payload_ = route == payload_route::echo;
  context_.metrics.frames_in.add();
  rx_begin_ += codec::frame_size(text_size, 0);
  payload_left_ = static_cast<std::uint32_t>(payload_size);  // within a frame's u32 length
  return true;
}

void session::pass_payload() {
  const std::size_t n = std::min<std::size_t>(payload_left_, rx_end_ - rx_begin_);
  if (echo_payload_) {
    const std::array piece{boost::asio::const_buffer(rx_.data() + rx_begin_, n)};
    write_or_queue(piece);
  }
  rx_begin_ += n;
  payload_left_ -= static_cast<std::uint32_t>(n);
}

void session::resume_requests() {
  if (suspended_ > 0) --suspended_;
  if (suspended_ > 0 || state_ == state::closed) return;
  process_frames();
  flush();
  wait_readable();
}

// ---- writing -------------------------------------------------------------------------------

void session::send(std::string_view text, std::span<const char> payload) {
  // Once a final frame is queued nothing may follow it (§2.3), not even a late reply.
  if (state_ != state::open) return;
  context_.metrics.frames_out.add();
  if (payload.size() >= direct_write_threshold) {
    // For an echo the payload lies in the receive buffer.
    write_or_queue(frame_pieces(text, payload, context_.limits.byte_order).all);
  } else {
    queue_.append_frame(text, payload, context_.limits.byte_order);
  }
}

void session::send_head(std::string_view text, std::size_t payload_size) {
  if (state_ != state::open) return;
  context_.metrics.frames_out.add();
  queue_.append_head(text, payload_size, context_.limits.byte_order);
}

void session::write_or_queue(std::span<const boost::asio::const_buffer> pieces) {
  const bool direct = may_write_directly();
  if (state_ != state::open) return;  // the flush before a direct write found the peer gone
  std::size_t written = 0;
  if (direct) {
    const auto result = write_directly(pieces);
    if (!result) return;
    written = *result;
  }
  queue_.append_rest(pieces, written);
}

void session::send(std::string_view text, memory::buffer payload, std::size_t size) {
  if (state_ != state::open) return;
  context_.metrics.frames_out.add();
  const auto order = context_.limits.byte_order;
  const bool direct = size >= direct_write_threshold && may_write_directly();
  if (state_ != state::open) return;
  if (direct) {
    const frame_pieces frame(text, {payload.data(), size}, order);
    const auto written = write_directly(frame.all);
    if (!written) return;
    // Only the unwritten part of the header and text is copied; the payload's rest stays in
    // its buffer.
    const std::size_t head = codec::frame_size(text.size(), 0);
    queue_.append_rest(std::span(frame.all).first(2), std::min(*written, head));
    const std::size_t sent = *written > head ? *written - head : 0;
    queue_.append_owned(std::move(payload), sent, size - sent);
  } else {
    queue_.append_head(text, size, order);
    queue_.append_owned(std::move(payload), 0, size);
  }
}

void session::publish_queued_bytes() noexcept {
  const auto now = queue_.bytes();
  const auto before = queued_bytes_shared_.load(std::memory_order_relaxed);
  if (now > before) context_.metrics.queued_bytes.rise(now - before);
  if (now < before) context_.metrics.queued_bytes.fall(before - now);
  queued_bytes_shared_.store(now, std::memory_order_relaxed);
}

bool session::may_write_directly() {
  if (write_waiting_) return false;
  flush();  // what is queued goes first, so that frames stay in order
  return queue_.empty() && !write_waiting_;
}

std::optional<std::size_t> session::write_directly(
    std::span<const boost::asio::const_buffer> pieces) {
  boost::system::error_code ec;
  const std::size_t written = stream_.write_some(pieces, ec);
  if (ec && ec != boost::asio::error::would_block) {
    on_io_error(ec, "write");
    return std::nullopt;
  }
  if (written > 0) {
    context_.metrics.bytes_out.add(written);
    bytes_written_ += written;
    const auto now = coarse_clock::now();
    last_write_progress_ = now;
    touch(now);
  }
  return written;
}

void session::send_raw(std::string_view bytes) {
  if (state_ != state::open) return;
  const std::array piece{boost::asio::buffer(bytes)};
  queue_.append_rest(piece, 0);
}

bool session::push_shared(const std::shared_ptr<const std::string>& frame) {
  if (state_ != state::open || echoing() ||
      queue_.bytes() > context_.config.send_queue_high_water) {
    return false;
  }
  queue_.append_shared(frame);
  context_.metrics.frames_out.add();
  return true;
}

void session::flush() {
  if (state_ == state::closed) return;
  if (write_waiting_) {
    publish_queued_bytes();  // what was queued meanwhile leaves once the socket has room
    return;
  }
  if (queue_.empty()) {
    if (state_ == state::closing) close(close_reason_);
    return;
  }
  context_.metrics.largest_send_queue.observe(queue_.bytes());
  // Each flush is a fresh attempt after new data or after the kernel reported room, so the
  // stall clock (re)starts here; one clock read serves the whole flush.
  const auto now = coarse_clock::now();
  last_write_progress_ = now;
  boost::system::error_code ec;
  std::size_t written = 0;
  while (!queue_.empty()) {
    const auto buffers = queue_.gather();
    const std::size_t offered = boost::asio::buffer_size(buffers);
    const std::size_t n = stream_.write_some(buffers, ec);
    if (ec == boost::asio::error::would_block) break;
    if (ec) {
      on_io_error(ec, "write");
      return;
    }
    queue_.consume(n);
    written += n;
    if (n < offered && !stream_.secure()) break;  // the socket buffer is full (TLS: a record)
  }
  if (written > 0) {
    context_.metrics.bytes_out.add(written);
    bytes_written_ += written;
    touch(now);  // a completed write counts as activity (§2.2)
    if (state_ == state::open) on_write_progress();
  }
  publish_queued_bytes();
  if (backpressured_ && queue_.bytes() <= context_.config.send_queue_low_water) {
    resume_after_backpressure();
  }
  if (queue_.empty()) {
    if (state_ == state::closing) close(close_reason_);
    // A reply sent while the session waits for readability (one finished on another thread):
    // the session is idle again and keeps no send buffer either.
    if (read_waiting_ && !read_retry_posted_) queue_.release_spare();
    return;
  }
  write_waiting_ = true;
  kernel_unsent_ = unsent_bytes(stream_.socket().native_handle()).value_or(0);
  stream_.socket().async_wait(stream_.write_wait(), on_strand<&session::on_writable>());
  update_timer();  // the send-stall deadline now applies
}

void session::on_writable(const boost::system::error_code& ec) {
  write_waiting_ = false;
  if (state_ == state::closed) return;
  if (ec) {
    on_io_error(ec, "wait for send space");
    return;
  }
  flush();
}

void session::resume_after_backpressure() {
  backpressured_ = false;
  // Resume from a fresh handler: flush() may be running inside request processing.
  boost::asio::post(strand_, [self = shared_from_this()] {
    if (self->state_ == state::closed) return;
    self->process_frames();
    self->flush();
    self->wait_readable();
  });
}

// ---- ending --------------------------------------------------------------------------------

void session::disconnect(codec::result_code reason, std::string_view message) {
  if (state_ != state::open) return;
  const auto why = reason_for(reason);
  if (!sends_notices()) {
    close(why);
    return;
  }
  // §2.3: a stalled queue gets no notice; nor does a reply still echoing a streamed payload,
  // whose frame the notice would cut in two.
  if (echoing() || (write_waiting_ && clock::now() - last_write_progress_ > stalled_after &&
                    !kernel_made_progress())) {
    close(why);
    return;
  }
  auto& text = scratch();
  codec::begin_response(text, "Disconnect", reason, message);
  send(text);
  begin_closing(why, true);
}

void session::finish_with(std::string_view text) {
  if (state_ != state::open) return;
  send(text);
  begin_closing(close_reason::framing_error, true);
}

void session::begin_closing(close_reason reason, bool keep_reading) {
  if (state_ != state::open) return;
  state_ = state::closing;
  close_reason_ = reason;
  keep_reading_while_closing_ = keep_reading;
  // A final frame waits at most close_linger; a peer that closed first is bounded by the
  // send-stall rule instead (§2.3).
  if (keep_reading) close_deadline_ = clock::now() + context_.config.close_linger;
  update_timer();
}

void session::close(close_reason reason) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  context_.metrics.count_close(reason);
  LOG_DEBUG(info_.id) << "closed: " << name(reason);
  if (reason != close_reason::io_error && reason != close_reason::send_stall) discard_input();
  stream_.close();
  context_.deadlines.cancel(*this);
  queue_.clear();
  publish_queued_bytes();
  // The receive buffer stays until the session is destroyed (moments later, when its last
  // handler returns): close() can run inside request handling, whose request still points
  // into that buffer.
  on_close();
}

void session::discard_input() noexcept {
  // Closing a socket with unread input makes the kernel send RST and drop what we queued, which
  // could destroy the final notice before the peer reads it; so consume what is there.
  char sink[4096];
  boost::system::error_code ec;
  for (int i = 0; i < 16; ++i) {
    if (stream_.socket().read_some(boost::asio::buffer(sink), ec) == 0 || ec) return;
  }
}

void session::on_io_error(const boost::system::error_code& ec, std::string_view what) {
  if (is_expected_ending(ec)) {
    LOG_DEBUG(info_.id) << what << ": " << ec.message();
    close(close_reason::peer_closed);
  } else {
    LOG_WARN(info_.id) << what << " failed: " << ec.message();
    close(close_reason::io_error);
  }
}

void session::kick(std::string reason) {
  boost::asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)] {
    self->disconnect(codec::result_code::kicked,
                     reason.empty() ? codec::default_message(codec::result_code::kicked)
                                    : std::string_view(reason));
    self->flush();
  });
}

void session::shut_down() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->disconnect(codec::result_code::server_shutting_down, "");
    self->flush();
  });
}

void session::abort() {
  boost::asio::post(strand_,
                    [self = shared_from_this()] { self->close(close_reason::shutting_down); });
}

// ---- deadlines -----------------------------------------------------------------------------

void session::touch(clock::time_point now) noexcept {
  last_activity_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
}

void session::update_timer() {
  if (state_ == state::closed) return;
  const auto& config = context_.config;
  auto next = clock::time_point::max();
  if (state_ == state::open) {
    const auto last =
        clock::time_point(clock::duration(last_activity_.load(std::memory_order_relaxed)));
    next = std::min(next, last + config.idle_timeout);
    next = std::min(next, login_deadline_);
  }
  if (!queue_.empty()) next = std::min(next, last_write_progress_ + config.send_stall_timeout);
  next = std::min(next, close_deadline_);
  // An earlier wake-up is already due; it will look again then.
  if (next >= timer_expiry_) return;
  timer_expiry_ = next;
  context_.deadlines.schedule(*this, next);
}

bool session::kernel_made_progress() noexcept {
  const auto unsent = unsent_bytes(stream_.socket().native_handle());
  if (!unsent || *unsent >= kernel_unsent_) return false;
  kernel_unsent_ = *unsent;
  last_write_progress_ = clock::now();
  return true;
}

void session::on_deadline_passed(deadline_wheel::waiter& e) noexcept {
  auto& s = static_cast<session&>(e);
  // The wheel may get here while the session is being destroyed (it waits for the wheel's
  // mutex to leave it); then there is no one left to wake.
  if (auto self = s.weak_from_this().lock()) {
    boost::asio::post(s.strand_, [self = std::move(self)] { self->on_timer(); });
  }
}

void session::on_timer() {
  if (state_ == state::closed) return;
  timer_expiry_ = clock::time_point::max();
  const auto now = clock::now();
  const auto& config = context_.config;
  if (now >= close_deadline_) {
    close(close_reason_);
    return;
  }
  if (!queue_.empty() && now - last_write_progress_ >= config.send_stall_timeout &&
      !kernel_made_progress()) {
    LOG_DEBUG(info_.id) << "send stalled for " << config.send_stall_timeout.count() << " ms";
    close(close_reason::send_stall);
    return;
  }
  if (state_ == state::open) {
    const auto last =
        clock::time_point(clock::duration(last_activity_.load(std::memory_order_relaxed)));
    if (now >= login_deadline_) {
      disconnect(codec::result_code::login_timeout, "");
    } else if (now - last >= config.idle_timeout) {
      disconnect(codec::result_code::idle_timeout, "");
    }
  }
  flush();
  update_timer();
}

// ---- observation ---------------------------------------------------------------------------

void session::set_account(std::shared_ptr<const auth::user_account> account) noexcept {
  while (account_lock_.test_and_set(std::memory_order_acquire)) {
  }
  account_.swap(account);
  account_lock_.clear(std::memory_order_release);
}

connection_snapshot session::snapshot() const {
  connection_snapshot s;
  s.info = &info_;
  s.flag = flag_;
  std::shared_ptr<const auth::user_account> account;
  while (account_lock_.test_and_set(std::memory_order_acquire)) {
  }
  account = account_;
  account_lock_.clear(std::memory_order_release);
  if (account) s.user = account->name;
  s.last_activity =
      clock::time_point(clock::duration(last_activity_.load(std::memory_order_relaxed)));
  s.queued_bytes = queued_bytes_shared_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace asyncsvr::net
