#include "asyncsvr/net/listener.hpp"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/handshake.hpp"
#include "asyncsvr/net/open_acceptor.hpp"

namespace asyncsvr::net {

namespace {

constexpr auto first_backoff = std::chrono::milliseconds(10);
constexpr auto longest_backoff = std::chrono::milliseconds(500);
constexpr auto warning_interval = std::chrono::seconds(1);

bool out_of_descriptors(const boost::system::error_code& ec) noexcept {
  return ec == boost::asio::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == boost::asio::error::no_buffer_space || ec == boost::asio::error::no_memory;
}

}  // namespace

listener::listener(server_context& context, const boost::asio::ip::tcp::endpoint& endpoint,
                   const tls_context* tls)
    : context_(context),
      tls_(tls),
      strand_(boost::asio::make_strand(context.io)),
      acceptor_(strand_),
      retry_timer_(strand_) {
  open_acceptor(acceptor_, endpoint, context.config.listen_backlog, "listener");
  local_ = acceptor_.local_endpoint();
  open_spare();
}

listener::~listener() {
#ifndef _WIN32
  if (spare_fd_ >= 0) ::close(spare_fd_);
#endif
}

void listener::open_spare() noexcept {
#ifndef _WIN32
  if (spare_fd_ < 0) spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
#endif
}

void listener::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->accept_next(); });
}

void listener::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    boost::system::error_code ignored;  // closing is best effort; the listener is going away
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void listener::accept_next() {
  if (stopped_) return;
  acceptor_.async_accept(
      context_.io, boost::asio::bind_executor(
                       strand_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                            tcp_socket socket) {
                         self->on_accept(ec, std::move(socket));
                       }));
}

void listener::on_accept(const boost::system::error_code& ec, tcp_socket socket) {
  if (stopped_) return;
  if (ec) {
    if (out_of_descriptors(ec)) {
      back_off();
      return;
    }
    // Errors such as ECONNABORTED concern one peer only; the listener carries on.
    LOG_DEBUG(0) << "accept on " << local_ << ": " << ec.message();
    accept_next();
    return;
  }
  backoff_ = std::chrono::milliseconds(0);
  context_.metrics.accepted.add();
  if (context_.registry.size() >= context_.config.max_connections ||
      context_.stopping.load(std::memory_order_relaxed)) {
    context_.metrics.rejected_max_connections.add();
    boost::system::error_code ignored;  // refusing this peer; its socket's fate is irrelevant
    socket.close(ignored);
    accept_next();
    return;
  }
  connection_info info;
  boost::system::error_code endpoint_ec;
  info.local = socket.local_endpoint(endpoint_ec);
  info.remote = socket.remote_endpoint(endpoint_ec);
  if (endpoint_ec) {  // the peer is already gone
    accept_next();
    return;
  }
  // The handshake, and the session after it, give the place back when they end.
  if (!context_.per_address.acquire(info.remote.address())) {
    context_.metrics.rejected_max_connections_per_ip.add();
    boost::system::error_code ignored;  // refusing this peer, as above
    socket.close(ignored);
    accept_next();
    return;
  }
  info.id = context_.registry.next_id();
  info.connected_steady = std::chrono::steady_clock::now();
  info.secure = tls_ != nullptr;
  ssl_st* tls = nullptr;
  if (tls_) {
    try {
      tls = tls_->new_connection();
    } catch (const std::exception& e) {  // out of memory: refuse this peer, serve the next
      LOG_WARN(0) << "refusing a connection on " << local_ << ": " << e.what();
      context_.per_address.release(info.remote.address());
      accept_next();
      return;
    }
  }
  auto stream = tls ? transport(std::move(socket), tls) : transport(std::move(socket));
  std::allocate_shared<handshake>(memory::pool_allocator<handshake>(context_.objects), context_,
                                  std::move(stream), std::move(info))
      ->start();
  accept_next();
}

void listener::back_off() {
  context_.metrics.accept_backoffs.add();
  shed_one_waiting_peer();
  backoff_ = std::min(longest_backoff,
                      backoff_ == std::chrono::milliseconds(0) ? first_backoff : backoff_ * 2);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_warning_ >= warning_interval) {
    last_warning_ = now;
    LOG_WARN(0) << "out of file descriptors; refusing new connections on " << local_
                << " and retrying in " << backoff_.count() << " ms";
  }
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->accept_next();
  });
}

void listener::shed_one_waiting_peer() noexcept {
  // muduo's trick: give back the spare descriptor, use it to accept the oldest waiting peer and
  // close it at once, so that peer learns it was refused instead of hanging in the backlog.
#ifndef _WIN32
  if (spare_fd_ < 0) return;
  ::close(spare_fd_);
  spare_fd_ = -1;
  const int fd = ::accept(acceptor_.native_handle(), nullptr, nullptr);
  if (fd >= 0) {
    context_.metrics.rejected_no_descriptors.add();
    ::close(fd);
  }
  open_spare();
#endif
}

}  // namespace asyncsvr::net
