#pragma once
// Where sessions get their strands: made in batches rather than one per connection.
//
// Asio allocates each strand's state on the heap, and next to it the reactor's record for the new
// socket, which Asio keeps for reuse after the socket closes. Made one at a time, the strands
// would leave small holes between those records when their sessions end, pinning whole pages
// after a burst of connections; made 64 at a time their memory is contiguous, and freeing them
// (with their sessions) gives back whole pages.
//
// Thread-safety: acquire() may be called from any thread.

#include <cstddef>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace asyncsvr::net {

using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

class strand_pool {
 public:
  static constexpr std::size_t batch = 64;

  explicit strand_pool(boost::asio::io_context& io) : io_(io) { ready_.reserve(batch); }

  strand_type acquire();
  std::size_t ready() const;  // made and not yet handed out (fewer than one batch)

 private:
  boost::asio::io_context& io_;
  mutable std::mutex mutex_;
  std::vector<strand_type> ready_;
};

}  // namespace asyncsvr::net
