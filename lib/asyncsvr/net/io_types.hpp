#pragma once
// The I/O object types of the server side, all bound to the io_context's own executor type.
//
// Asio's defaults (tcp::socket, steady_timer) carry the type-erased any_io_executor: 56 bytes in
// every socket and timer and in every pending operation, and a type-erased copy each time an
// operation starts and completes. Connections are the objects there are hundreds of thousands
// of, and their operations the ones on the hot path, so they name the concrete type instead.
//
// Strands are io_context::strand: a strand object is two pointers into a fixed table of
// implementations (1021, handed out in turn; see CMakeLists.txt), where strand<> allocates 96
// bytes per strand and copies a shared_ptr, an atomic count, with every handler bound to it. Two
// sessions that share an implementation run their handlers one after the other, never at once:
// each still has its strand's guarantee, and with fewer threads than implementations by far the
// cost is a rare wait.

#include <chrono>

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/io_context_strand.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace asyncsvr::net {

using io_executor = boost::asio::io_context::executor_type;
using strand_type = boost::asio::io_context::strand;
using tcp_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, io_executor>;
using steady_timer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, io_executor>;

}  // namespace asyncsvr::net
