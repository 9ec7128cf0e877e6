// libFuzzer target: a byte stream through the frame decoder the way a session reads it — in
// chunks of arbitrary sizes, decoding what is buffered after each one — under small and default
// limits in both byte orders. Run: scripts/fuzz.sh frame_decoder 600
//
// Input layout: an options byte (bit 0: big-endian, bit 1: small limits), a count byte n, then
// n % 8 + 1 chunk sizes (each byte + 1, used in turn), then the stream itself.
//
// The properties checked beyond "no crash, no sanitizer report": a complete frame lies at the
// start of the buffered bytes, its length fields say exactly what it spans and respect the limits;
// "need more" asks for more than is buffered and never beyond the largest allowed frame; an error
// is a framing code and stays that error whatever bytes follow (a session reads nothing more);
// and the frames, the error and the leftover bytes do not depend on how the stream was split.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asyncsvr/codec/frame_decoder.hpp"

namespace {

using namespace asyncsvr::codec;

void check(bool condition) {
  if (!condition) std::abort();
}

// What a reader got out of the stream: each frame's text and payload, then how it stopped.
struct outcome {
  std::vector<std::string> frames;
  std::optional<result_code> error;
  // Buffered bytes that are not a complete frame: the start of the next one, or from the frame
  // in error on.
  std::vector<char> leftover;
};

// Checks one decode of `bytes` and returns it.
decode_result decode_checked(const frame_decoder& decoder, std::span<const char> bytes) {
  const frame_limits& limits = decoder.limits();
  const std::size_t largest_frame = std::size_t{4} + limits.max_packet_size;
  const decode_result result = decoder.decode(bytes);
  switch (result.state) {
    case decode_result::status::complete: {
      const frame& f = result.value;
      check(result.size <= bytes.size() && result.size <= largest_frame);
      check(f.text.data() == bytes.data() + frame_header_size);
      check(f.payload.data() == f.text.data() + f.text.size());
      check(result.size == frame_header_size + f.text.size() + f.payload.size());
      check(!f.text.empty() && f.text.size() <= limits.max_command_text);
      check(load_u32(bytes.data(), limits.byte_order) == result.size - 4);
      check(load_u32(bytes.data() + 4, limits.byte_order) == f.text.size());
      check(result.error == result_code::success);
      break;
    }
    case decode_result::status::need_more:
      check(result.size > bytes.size() && result.size <= largest_frame);
      check(result.error == result_code::success);
      break;
    case decode_result::status::error:
      check(result.error == result_code::packet_length_error ||
            result.error == result_code::packet_format_error);
      break;
  }
  return result;
}

// Decodes everything `buffer` holds, as a session does after each read.
void drain(const frame_decoder& decoder, std::vector<char>& buffer, outcome& out) {
  if (out.error) {
    // A session stops reading after a framing error; the decoder must agree that more bytes
    // change nothing about it.
    const auto again = decode_checked(decoder, buffer);
    check(again.state == decode_result::status::error && again.error == *out.error);
    return;
  }
  std::size_t begin = 0;
  while (begin < buffer.size()) {
    const auto result = decode_checked(decoder, std::span(buffer).subspan(begin));
    if (result.state == decode_result::status::need_more) break;
    if (result.state == decode_result::status::error) {
      out.error = result.error;
      break;
    }
    std::string f(result.value.text);
    f.append(result.value.payload.begin(), result.value.payload.end());
    out.frames.push_back(std::move(f));
    begin += result.size;
  }
  buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(begin));
}

outcome read_in_chunks(const frame_decoder& decoder, std::span<const char> stream,
                       std::span<const std::uint8_t> chunk_sizes) {
  outcome out;
  std::vector<char> buffer;
  for (std::size_t i = 0; !stream.empty(); ++i) {
    const std::size_t n =
        std::min<std::size_t>(stream.size(), chunk_sizes[i % chunk_sizes.size()] + 1u);
    buffer.insert(buffer.end(), stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(n));
    stream = stream.subspan(n);
    drain(decoder, buffer, out);
  }
  out.leftover = std::move(buffer);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t options = data[0];
  const std::size_t split_count = data[1] % 8u + 1;
  if (size < 2 + split_count) return 0;
  const std::span<const std::uint8_t> chunk_sizes(data + 2, split_count);
  const std::span<const char> stream(reinterpret_cast<const char*>(data) + 2 + split_count,
                                     size - 2 - split_count);

  frame_limits limits;  // the server's defaults
  if (options & 2) limits = {64, 24, limits.byte_order};
  if (options & 1) limits.byte_order = asyncsvr::byte_order::big;
  const frame_decoder decoder(limits);

  // The same stream read all at once is the reference the chunked read must match.
  outcome reference;
  std::vector<char> buffer(stream.begin(), stream.end());
  drain(decoder, buffer, reference);
  reference.leftover = std::move(buffer);

  const outcome chunked = read_in_chunks(decoder, stream, chunk_sizes);
  check(chunked.frames == reference.frames);
  check(chunked.error == reference.error);
  check(chunked.leftover == reference.leftover);
  return 0;
}
