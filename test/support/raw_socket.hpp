#pragma once
// Plain sockets for tests that act below the client library: refused peers, half-sent frames,
// exchanges from a chosen source address.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::test {

// True when the peer closed (EOF or reset) without sending a byte.
bool closed_without_data(boost::asio::ip::tcp::socket& socket);

// 127.0.0.2 … 127.0.0.254 in turn (i modulo 253): each source address has its own ephemeral
// ports, so a test can make many thousands of connects without running out of them.
boost::asio::ip::address_v4 source_address(std::size_t i);

// A whole Throughput CyclePacket request frame (PROTOCOL.md §13.1), to send as raw bytes.
std::string cycle_frame(std::int64_t count, std::string_view payload, byte_order order);

// Reads one little-endian frame (header and body); false when the connection ended first.
bool read_frame(boost::asio::ip::tcp::socket& socket);

}  // namespace asyncsvr::test
