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
  impl(boost::asio::io_context& io, const tcp::endpoint& endpoint, status_source status)
      : io_(io), acceptor_(boost::asio::make_strand(io)), status_(std::move(status)) {
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
  status_source status_;
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
      // Every HTTP parse failure (limits included) shares Beast's http error category.
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
        response_ = error_response(bhttp::status::bad_request, "bad request\n");
        response_.keep_alive(false);
        return write();
      }
      return close();
    }
    response_ = owner_->respond(parser_->get());
    write();
  }

  void write() {
    response_.prepare_payload();
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

 public:
  static bhttp::response<bhttp::string_body> error_response(bhttp::status status,
                                                            std::string body) {
    bhttp::response<bhttp::string_body> response{status, 11};
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    return response;
  }

 private:
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
  const auto target = request.target();
  const auto path = target.substr(0, target.find('?'));
  if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
    auto response = client::error_response(bhttp::status::method_not_allowed, "GET only\n");
    response.set(bhttp::field::allow, "GET, HEAD");
    response.keep_alive(request.keep_alive());
    return response;
  }
  bhttp::response<bhttp::string_body> response;
  if (path == "/status") {
    response = bhttp::response<bhttp::string_body>{bhttp::status::ok, request.version()};
    response.set(bhttp::field::content_type, "application/json");
    response.set(bhttp::field::cache_control, "no-store");
    response.body() = status_();
  } else {
    response = client::error_response(bhttp::status::not_found, "not found\n");
  }
  if (request.method() == bhttp::verb::head) response.body().clear();
  response.keep_alive(request.keep_alive());
  return response;
}

status_server::status_server(boost::asio::io_context& io, const tcp::endpoint& endpoint,
                             status_source status)
    : impl_(std::make_shared<impl>(io, endpoint, std::move(status))) {}

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
