#pragma once

#include <cstddef>
#include <optional>

namespace asyncsvr::net {

// Bytes the kernel still holds in a TCP socket's send queue (written by us, not yet acknowledged
// by the peer), where the platform tells (Linux); nullopt elsewhere.
//
// The send-stall rule needs it: the socket becomes writable again only once a good share of its
// buffer has drained, so a slow but steady reader can go for seconds without the server seeing a
// write succeed, while the kernel's queue shows that the peer does take data.
std::optional<std::size_t> unsent_bytes(int native_socket) noexcept;

}  // namespace asyncsvr::net
