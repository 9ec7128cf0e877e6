#include "wire.hpp"

#include <limits>

#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/codec/values.hpp"

namespace asyncsvr::bench {

namespace {

void write_cycle_packet_text(std::string& text, std::int64_t count) {
  codec::begin_request(text, "CyclePacket").add("Count", count);
}

}  // namespace

std::string login_frame(std::string_view user, std::string_view password, byte_order order) {
  std::string text;
  codec::begin_request(text, "Login")
      .add("UserName", user)
      .add("Password", auth::md5_hex(password));
  std::string frame;
  codec::append_frame(frame, text, {}, order);
  return frame;
}

std::string active_frame(byte_order order) {
  std::string text;
  codec::begin_request(text, "Active");
  std::string frame;
  codec::append_frame(frame, text, {}, order);
  return frame;
}

std::string cycle_packet_frame(std::int64_t count, std::span<const char> payload,
                               byte_order order) {
  std::string text;
  write_cycle_packet_text(text, count);
  std::string frame;
  codec::append_frame(frame, text, payload, order);
  return frame;
}

std::optional<std::uint32_t> reply_code(const codec::command_text& reply) {
  const auto code = reply.find("Code");
  if (code.count != 1) return std::nullopt;
  const auto value = codec::parse_integer(code.value, 0, std::numeric_limits<std::uint32_t>::max());
  if (!value) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

std::optional<std::int64_t> reply_integer(const codec::command_text& reply, std::string_view key) {
  const auto found = reply.find(key);
  if (found.count != 1) return std::nullopt;
  return codec::parse_integer(found.value, std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::int64_t>::max());
}

request_batch::request_batch(std::size_t payload_size, std::size_t depth, byte_order order)
    : payload_(payload_size), order_(order), inline_payload_(payload_size <= inline_payload_limit) {
  // A recognisable, non-zero pattern, so a server that echoes the wrong bytes is easy to spot
  // in a capture.
  for (std::size_t i = 0; i < payload_.size(); ++i)
    payload_[i] = static_cast<char>('a' + i % 26);
  constexpr std::size_t text_reserve = 64;  // "[Request]…Count=<19 digits>" fits
  text_.reserve(text_reserve);
  bytes_.reserve(depth *
                 (codec::frame_header_size + text_reserve + (inline_payload_ ? payload_size : 0)));
  ends_.reserve(depth);
  buffers_.reserve(2 * depth);
}

void request_batch::clear() noexcept {
  bytes_.clear();
  ends_.clear();
  requests_ = 0;
}

void request_batch::add(std::int64_t count) {
  write_cycle_packet_text(text_, count);
  ++requests_;
  if (inline_payload_) {
    codec::append_frame(bytes_, text_, payload_, order_);
    return;
  }
  const auto start = bytes_.size();
  bytes_.resize(start + codec::frame_header_size);
  codec::store_u32(bytes_.data() + start,
                   static_cast<std::uint32_t>(4 + text_.size() + payload_.size()), order_);
  codec::store_u32(bytes_.data() + start + 4, static_cast<std::uint32_t>(text_.size()), order_);
  bytes_.append(text_);
  ends_.push_back(bytes_.size());
}

std::span<const boost::asio::const_buffer> request_batch::buffers() {
  buffers_.clear();
  if (inline_payload_) {
    buffers_.emplace_back(bytes_.data(), bytes_.size());
    return buffers_;
  }
  std::size_t start = 0;
  for (const auto end : ends_) {
    buffers_.emplace_back(bytes_.data() + start, end - start);
    buffers_.emplace_back(payload_.data(), payload_.size());
    start = end;
  }
  return buffers_;
}

}  // namespace asyncsvr::bench
