#include "asyncsvr/http/status_server.hpp"

#include <atomic>

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/open_acceptor.hpp"

namespace asyncsvr::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::size_t max_clients = 64;
constexpr std::size_t max_request_bytes = 8 * 1024;
constexpr auto request_timeout = std::chrono::seconds(10);

}  // namespace

class status_server::impl : public std::enable_shared_from_this<impl> {
 public:
  impl(boost::asio::io_context& io, const tcp::endpoint& endpoint, status_routes routes)
      : io_(io), acceptor_(boost::asio::make_strand(io)), routes_(std::move(routes)) {
    net::open_acceptor(acceptor_, endpoint, boost::asio::socket_base::max_listen_connections,
                       "status endpoint");
  }

  void accept() {
    acceptor_.async_accept(
        boost::asio::make_strand(io_),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open()) {
            return;
          }
          if (!ec) self->serve(std::move(socket));
          self->accept();
        });
  }

  void stop() {
    boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;  // best effort: the endpoint is going away
      self->acceptor_.close(ignored);
    });
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  class client;

  void serve(tcp::socket socket);
  bhttp::response<bhttp::string_body> respond(const bhttp::request<bhttp::string_body>& request);

  boost::asio::io_context& io_;
  tcp::acceptor acceptor_;
  status_routes routes_;
  std::atomic<std::size_t> clients_{0};
};

// One HTTP connection: read a request, answer it, repeat while keep-alive.
class status_server::impl::client : public std::enable_shared_from_this<client> {
 public:
  client(std::shared_ptr<impl> owner, tcp::socket socket)
      : owner_(std::move(owner)), stream_(std::move(socket)) {
    owner_->clients_.fetch_add(1, std::memory_order_relaxed);
  }
  ~client() { owner_->clients_.fetch_sub(1, std::memory_order_relaxed); }

  void read() {
    parser_.emplace();
    parser_->header_limit(max_request_bytes);
    parser_->body_limit(max_request_bytes);
    stream_.expires_after(request_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return close();
    if (ec) {
      // Every HTTP parse failure (limits included) shares Beast's http error category; other
      // errors (timeout, reset) leave nobody to answer.
      if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
        return close();
      }
      response_ = refusal(ec);
      response_.keep_alive(false);
      return write();
    }
    response_ = owner_->respond(parser_->get());
    write();
  }

  static bhttp::response<bhttp::string_body> error_response(bhttp::status status,
                                                            std::string body) {
    bhttp::response<bhttp::string_body> response{status, 11};
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
  }

  static bhttp::response<bhttp::string_body> refusal(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return error_response(bhttp::status::request_header_fields_too_large, "header too large\n");
    }
    if (ec == bhttp::error::body_limit) {
      return error_response(bhttp::status::payload_too_large, "body too large\n");
    }
    return error_response(bhttp::status::bad_request, "bad request\n");
  }

  void write() {
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec || !self->response_.keep_alive()) return self->close();
                         self->read();
                       });
  }

  void close() {
    beast::error_code ignored;  // the peer may already be gone
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  std::shared_ptr<impl> owner_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{max_request_bytes};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

void status_server::impl::serve(tcp::socket socket) {
  if (clients_.load(std::memory_order_relaxed) >= max_clients) {
    boost::system::error_code ignored;  // refusing: this peer gets nothing
    socket.close(ignored);
    return;
  }
  std::make_shared<client>(shared_from_this(), std::move(socket))->read();
}

bhttp::response<bhttp::string_body> status_server::impl::respond(
    const bhttp::request<bhttp::string_body>& request) {
  auto reply = routes_.respond({request.method_string(), request.target(),
                                request[bhttp::field::authorization], request.body()});
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(reply.status),
                                               request.version()};
  response.set(bhttp::field::content_type, reply.content_type);
  response.set(bhttp::field::cache_control, "no-store");
  if (!reply.allow.empty()) response.set(bhttp::field::allow, reply.allow);
  if (reply.challenge) response.set(bhttp::field::www_authenticate, "Bearer");
  response.body() = std::move(reply.body);
  response.prepare_payload();
  // A HEAD answer announces the length of what GET would send, and sends none of it.
  if (request.method() == bhttp::verb::head) response.body().clear();
  response.keep_alive(request.keep_alive());
  return response;
}

status_server::status_server(boost::asio::io_context& io, const tcp::endpoint& endpoint,
                             status_routes routes)
    : impl_(std::make_shared<impl>(io, endpoint, std::move(routes))) {}

status_server::~status_server() {
  stop();
}

void status_server::start() {
  impl_->accept();
}

void status_server::stop() {
  impl_->stop();
}

tcp::endpoint status_server::local_endpoint() const {
  return impl_->local_endpoint();
}

}  // namespace asyncsvr::http
