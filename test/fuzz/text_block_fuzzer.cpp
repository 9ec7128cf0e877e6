// libFuzzer target: arbitrary bytes through the frame decoder and, for every complete frame, the
// strict text-block parser and the key reader — the path every byte from the network takes
// before a protocol sees it. Run: scripts/fuzz.sh text_block 600
//
// The properties checked beyond "no crash, no sanitizer report": a decoded frame lies inside the
// input and is never larger than the limits allow; a parse either fails or yields a non-empty
// command; reply text built from any parsed value never contains CR, LF or NUL.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame_decoder.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace asyncsvr::codec;
  const frame_limits limits{4096, 1024,
                            size % 2 ? asyncsvr::byte_order::big : asyncsvr::byte_order::little};
  const frame_decoder decoder(limits);
  std::span<const char> rest(reinterpret_cast<const char*>(data), size);
  command_text text;
  std::string reply;
  while (!rest.empty()) {
    const auto result = decoder.decode(rest);
    if (result.state != decode_result::status::complete) break;
    check(result.size <= rest.size() && result.size <= 4u + limits.max_packet_size);
    check(result.value.text.size() <= limits.max_command_text);
    std::string_view reason;
    if (parse_request(result.value.text, text, reason)) {
      check(!text.command().empty());
      auto builder = begin_response(reply, text.command(), result_code::success);
      for (const auto& pair : text.pairs())
        builder.add("Echo", pair.value);
      for (std::size_t i = 0; i + 1 < reply.size(); ++i) {
        // CR only ever as part of the CR LF line separator; never NUL or a bare LF.
        check(reply[i] != '\0');
        if (reply[i] == '\r') check(reply[i + 1] == '\n');
        if (reply[i] == '\n') check(i > 0 && reply[i - 1] == '\r');
      }
    }
    rest = rest.subspan(result.size);
  }
  return 0;
}
