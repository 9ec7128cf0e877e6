// Overload is handled in the open (PROTOCOL.md §2.1, DESIGN.md habit 6): beyond max_connections
// peers are accepted and closed at once, and running out of descriptors pauses accepting on a
// back-off timer instead of spinning, then resumes when descriptors are free again.

#include <sys/resource.h>
#include <thread>

#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include "process_probe.hpp"
#include "raw_socket.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;

namespace {

// Lowers this process's descriptor limit for the life of the object.
class descriptor_limit {
 public:
  explicit descriptor_limit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  }
  ~descriptor_limit() { restore(); }
  void restore() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(connections_beyond_the_maximum_are_accepted_and_closed) {
  test_server server([](asyncsvr::server_config& c) { c.max_connections = 5; });
  std::vector<asyncsvr::client::connection> admitted;
  for (int i = 0; i < 5; ++i)
    admitted.push_back(server.login(control));
  tcp::socket extra(server.client_io());
  extra.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  BOOST_TEST(closed_without_data(extra));
  BOOST_TEST(server.context().metrics.rejected_max_connections.value() == 1u);
  admitted.pop_back();
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 4; }));
  BOOST_TEST(server.login(control).call("Active").ok());
}

BOOST_AUTO_TEST_CASE(descriptor_exhaustion_backs_off_and_recovers) {
  test_server server;
  // Client sockets get their descriptors before the limit drops; connecting needs no new one,
  // but each accept on the server does.
  std::vector<tcp::socket> clients;
  for (int i = 0; i < 40; ++i) {
    clients.emplace_back(server.client_io());
    clients.back().open(tcp::v4());
  }
  {
    descriptor_limit limit(open_descriptors() + 10);
    for (auto& c : clients)
      c.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    BOOST_TEST(eventually([&] { return server.context().metrics.accept_backoffs.value() > 0; }));
    std::this_thread::sleep_for(1s);
    // Growing back-off: a handful of retries in a second, not a busy loop.
    BOOST_TEST(server.context().metrics.accept_backoffs.value() < 30u);
  }
  // Descriptors are back: the listener accepts again (the retry waits at most 500 ms).
  clients.clear();
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 0; }));
  BOOST_TEST(server.login(control).call("Active").ok());
}

BOOST_AUTO_TEST_SUITE_END()
