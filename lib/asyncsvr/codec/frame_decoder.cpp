#include "asyncsvr/codec/frame_decoder.hpp"

namespace asyncsvr::codec {

namespace {

decode_result need(std::size_t total, std::size_t text_size = 0) noexcept {
  return {decode_result::status::need_more, {}, total, result_code::success, text_size};
}

decode_result fail(result_code code) noexcept {
  return {decode_result::status::error, {}, 0, code};
}

}  // namespace

decode_result frame_decoder::decode(std::span<const char> bytes) const noexcept {
  // §19.1: the checks run in the order of the §3.3 table, and the packet length is judged on its
  // own four bytes so that a lying prefix never makes us wait for (or buffer) a body.
  if (bytes.size() < 4) return need(4);
  const std::uint32_t packet_length = load_u32(bytes.data(), limits_.byte_order);
  if (packet_length < 4 || packet_length > limits_.max_packet_size) {
    return fail(result_code::packet_length_error);
  }
  if (bytes.size() < frame_header_size) return need(frame_header_size);
  const std::uint32_t command_length = load_u32(bytes.data() + 4, limits_.byte_order);
  if (command_length > packet_length - 4 || command_length > limits_.max_command_text) {
    return fail(result_code::packet_length_error);
  }
  if (command_length == 0) return fail(result_code::packet_format_error);

  const std::size_t total = std::size_t{4} + packet_length;
  if (bytes.size() < total) return need(total, command_length);
  const char* text = bytes.data() + frame_header_size;
  decode_result result;
  result.state = decode_result::status::complete;
  result.value.text = std::string_view(text, command_length);
  result.value.payload =
      std::span<const char>(text + command_length, total - frame_header_size - command_length);
  result.size = total;
  result.text_size = command_length;
  return result;
}

}  // namespace asyncsvr::codec
