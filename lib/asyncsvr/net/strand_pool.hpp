#pragma once
// Strands for sessions, reused instead of created per connection.
//
// Asio allocates each strand's state on the heap right next to the reactor's per-descriptor
// record, which Asio keeps for reuse forever; after a burst the freed strand states would leave
// small holes between those records and keep whole pages resident. The pool creates strands in
// batches (so their memory is contiguous) and trim() gives back the ones that went unused for a
// whole housekeeping period, freeing whole pages.
//
// A strand can be handed to a new session while the old session's last handler still runs on
// it; the new session's handlers simply queue behind it, which is all a strand promises.
//
// Thread-safety: every member function may be called from any thread.

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

  explicit strand_pool(boost::asio::io_context& io) : io_(io) {}

  strand_type acquire();
  void release(strand_type strand);
  // Destroys the pooled strands that no acquire() needed since the previous trim.
  std::size_t trim();
  std::size_t pooled() const;

 private:
  boost::asio::io_context& io_;
  mutable std::mutex mutex_;
  std::vector<strand_type> free_;
  std::size_t low_water_ = 0;  // fewest pooled strands seen since the last trim
};

}  // namespace asyncsvr::net
