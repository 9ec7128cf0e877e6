#pragma once
// Flag byte → protocol (PROTOCOL.md §2.1). Each protocol folder registers its session factory
// here; the core never names a protocol.
//
// Thread-safety: filled before the server starts, read-only afterwards.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "asyncsvr/net/connection.hpp"
#include "asyncsvr/net/session.hpp"
#include "asyncsvr/net/transport.hpp"

namespace asyncsvr::net {

using session_factory = std::function<std::shared_ptr<session>(server_context&, strand_type,
                                                               transport, connection_info)>;

class protocol_registry {
 public:
  // `name` is the protocol's name in GetClients and /status (e.g. "Control").
  void add(std::uint8_t flag, std::string_view name, session_factory make);

  const session_factory* find(std::uint8_t flag) const noexcept;
  std::string_view name(std::uint8_t flag) const noexcept { return entries_[flag].name; }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t flag = 0; flag < entries_.size(); ++flag) {
      if (entries_[flag].make) fn(static_cast<std::uint8_t>(flag), entries_[flag].name);
    }
  }

 private:
  struct entry {
    std::string_view name;
    session_factory make;
  };
  std::array<entry, 256> entries_{};
};

// The usual factory: a Session subclass, allocated from the server's object pools.
template <class Session>
session_factory make_factory(std::uint8_t flag) {
  return [flag](server_context& context, strand_type strand, transport stream,
                connection_info info) -> std::shared_ptr<session> {
    return std::allocate_shared<Session>(memory::pool_allocator<Session>(context.objects), context,
                                         std::move(strand), std::move(stream), std::move(info),
                                         flag);
  };
}

}  // namespace asyncsvr::net
