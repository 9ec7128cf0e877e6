#pragma once
// Open connections per peer address, for max_connections_per_ip: the listener takes a place for
// each accepted peer and the connection gives it back when it ends. Sharded by address, like the
// session registry, so that the accept path and closes on other threads rarely meet on one
// mutex; an address's entry goes away when its count reaches 0, so the table grows with the
// peers connected now, never with the peers ever seen.
//
// An IPv4 peer seen through an IPv6 socket (::ffff:a.b.c.d) counts as the IPv4 address, so one
// host cannot double its share by connecting to both listeners.
//
// Thread-safety: every member function may be called from any thread.

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>

#include <boost/asio/ip/address.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "asyncsvr/net/address_list.hpp"

namespace asyncsvr::net {

class address_counts {
 public:
  // `limit` connections per address; 0 = unlimited, and then nothing is counted at all.
  explicit address_counts(std::uint64_t limit) noexcept : limit_(limit) {}

  // Takes a place for `address`; false (and nothing taken) when it already has `limit`.
  bool acquire(const boost::asio::ip::address& address);
  // Gives back a place taken by acquire(). Tolerates an address without one (no-op).
  void release(const boost::asio::ip::address& address) noexcept;

  // Open connections counted for `address` (0 when unlimited).
  std::uint64_t count(const boost::asio::ip::address& address) const;
  // Distinct addresses counted now.
  std::uint64_t addresses() const;

 private:
  struct alignas(64) shard {
    std::mutex mutex;
    // std::hash, because Asio specialises it for addresses (boost::hash knows no overload).
    boost::unordered_flat_map<boost::asio::ip::address, std::uint64_t,
                              std::hash<boost::asio::ip::address>>
        counts;
  };
  static constexpr std::size_t shard_count = 32;

  shard& shard_for(const boost::asio::ip::address& canonical) const noexcept;

  const std::uint64_t limit_;
  mutable std::array<shard, shard_count> shards_;
};

}  // namespace asyncsvr::net
