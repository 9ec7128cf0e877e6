#include "asyncsvr/net/handshake.hpp"

#include <boost/asio/post.hpp>

#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "asyncsvr/net/strand_handler.hpp"

namespace asyncsvr::net {

namespace {
// What a handshake reads at once: the flag byte and, often, the first frames behind it.
constexpr std::size_t first_read_size = 64 * 1024;
}  // namespace

handshake::handshake(server_context& context, transport stream, connection_info info)
    : context_(context),
      strand_(context.io),
      stream_(std::move(stream)),
      timer_(context.io),
      info_(std::move(info)) {}

handshake::~handshake() {
  // A session that took over owns the registry entry and the place per address now.
  if (!handed_over_) {
    context_.registry.remove(info_.id);
    context_.per_address.release(info_.remote.address());
  }
}

void handshake::start() {
  boost::asio::dispatch(strand_, [self = shared_from_this()] {
    self->context_.registry.put(self->info_.id, self, 0);
    const auto& config = self->context_.config;
    self->arm_timer(self->stream_.secure() ? config.tls_handshake_timeout
                                           : config.handshake_timeout);
    boost::system::error_code ec;
    self->stream_.set_non_blocking(ec);
    self->advance(ec);
  });
}

void handshake::arm_timer(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait(strand_handler<&handshake::on_timeout, handshake>(shared_from_this()));
}

void handshake::wait(transport::wait_type what) {
  stream_.socket().async_wait(what,
                              strand_handler<&handshake::advance, handshake>(shared_from_this()));
}

// TLS: one more step of its handshake; true once it is complete, and the flag byte's deadline
// then runs from that moment.
bool handshake::secure_handshake_done() {
  if (secured_ || !stream_.secure()) return true;
  boost::system::error_code ec;
  if (!stream_.handshake(ec)) {
    if (ec == boost::asio::error::would_block) {
      wait(stream_.handshake_wait());
    } else {
      LOG_DEBUG(info_.id) << "TLS handshake with " << info_.remote << " failed: " << ec.message();
      close(close_reason::tls_failed);
    }
    return false;
  }
  secured_ = true;
  arm_timer(context_.config.handshake_timeout);
  return true;
}

void handshake::advance(const boost::system::error_code& ec) {
  if (done_) return;
  if (ec) {
    close(close_reason::peer_closed);
    return;
  }
  if (!secure_handshake_done()) return;
  auto buffer = context_.pool.acquire(first_read_size);
  boost::system::error_code read_ec;
  const std::size_t n =
      stream_.read_some(boost::asio::buffer(buffer.data(), buffer.capacity()), read_ec);
  if (read_ec == boost::asio::error::would_block) {
    wait(stream_.read_wait());
    return;
  }
  if (read_ec || n == 0) {
    close(close_reason::peer_closed);
    return;
  }
  context_.metrics.bytes_in.add(n);
  const auto flag = static_cast<std::uint8_t>(buffer.data()[0]);
  const auto* factory = context_.protocols.find(flag);
  if (!factory || context_.stopping.load(std::memory_order_relaxed)) {
    LOG_DEBUG(info_.id) << "closing: unknown protocol flag " << unsigned{flag};
    close(close_reason::bad_flag);
    return;
  }
  done_ = true;
  timer_.cancel();
  auto next = (*factory)(context_, strand_, std::move(stream_), info_);
  context_.registry.put(info_.id, next, flag);
  handed_over_ = true;
  LOG_DEBUG(info_.id) << context_.protocols.name(flag) << " session from " << info_.remote;
  next->start(std::move(buffer), 1, n);
}

void handshake::on_timeout(const boost::system::error_code& ec) {
  if (ec || done_) return;
  close(close_reason::handshake_timeout);
}

void handshake::close(close_reason reason) {
  if (done_) return;
  done_ = true;
  context_.metrics.count_close(reason);
  stream_.close();
  timer_.cancel();
}

void handshake::kick(std::string) {
  boost::asio::post(strand_, [self = shared_from_this()] { self->close(close_reason::kicked); });
}

void handshake::shut_down() {
  boost::asio::post(strand_,
                    [self = shared_from_this()] { self->close(close_reason::shutting_down); });
}

void handshake::abort() {
  shut_down();
}

connection_snapshot handshake::snapshot() const {
  connection_snapshot s;
  s.info = &info_;
  s.last_activity = info_.connected_steady;
  return s;
}

}  // namespace asyncsvr::net
