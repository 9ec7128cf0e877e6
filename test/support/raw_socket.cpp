#include "raw_socket.hpp"

#include <array>
#include <string>

#include <boost/asio/read.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"

namespace asyncsvr::test {

bool closed_without_data(boost::asio::ip::tcp::socket& socket) {
  char byte = 0;
  boost::system::error_code ec;
  return socket.read_some(boost::asio::buffer(&byte, 1), ec) == 0 && ec.failed();
}

boost::asio::ip::address_v4 source_address(std::size_t i) {
  return boost::asio::ip::address_v4(0x7f000002U + static_cast<std::uint32_t>(i % 253));
}

std::string cycle_frame(std::int64_t count, std::string_view payload, byte_order order) {
  std::string text;
  codec::begin_request(text, "CyclePacket").add("Count", count);
  std::string frame;
  codec::append_frame(frame, text, payload, order);
  return frame;
}

bool read_frame(boost::asio::ip::tcp::socket& socket) {
  std::array<char, codec::frame_header_size> header{};
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::buffer(header), ec);
  const auto length = codec::load_u32(header.data(), byte_order::little);
  if (ec || length < 4) return false;
  std::string body(length - 4, '\0');
  boost::asio::read(socket, boost::asio::buffer(body), ec);
  return !ec;
}

}  // namespace asyncsvr::test
