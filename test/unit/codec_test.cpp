// Unit tests for the codec: framing (PROTOCOL.md §3), the text block (§4), value syntax (§4.3)
// and result codes (§5). No sockets: the session's read loop is simulated on strings.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/ascii_scan.hpp"
#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/codec/frame_decoder.hpp"
#include "asyncsvr/codec/result_code.hpp"
#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/codec/values.hpp"

namespace asyncsvr::codec {

// Lets BOOST_TEST print the enums it compares (found by ADL; not an operator<< so that it can
// never clash with one the library might add).
inline std::ostream& boost_test_print_type(std::ostream& out, result_code code) {
  return out << name(code) << " (" << value(code) << ")";
}
inline std::ostream& boost_test_print_type(std::ostream& out, decode_result::status state) {
  constexpr const char* names[] = {"complete", "need_more", "error"};
  return out << names[static_cast<int>(state)];
}

}  // namespace asyncsvr::codec

namespace codec = asyncsvr::codec;
using asyncsvr::byte_order;
using codec::result_code;
using status = codec::decode_result::status;
using namespace std::literals;

namespace {

constexpr byte_order both_orders[] = {byte_order::little, byte_order::big};

const char* order_name(byte_order order) {
  return order == byte_order::little ? "little" : "big";
}

std::span<const char> as_span(std::string_view bytes) {
  return {bytes.data(), bytes.size()};
}

// "00 0a ff" → the three bytes; whitespace is ignored so dumps can be pasted as they are.
std::string from_hex(std::string_view hex) {
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (hex[i] == ' ' || hex[i] == '\n') continue;
    BOOST_REQUIRE(i + 1 < hex.size());
    bytes.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    ++i;
  }
  return bytes;
}

std::string u32(std::uint32_t v, byte_order order) {
  std::string bytes(4, '\0');
  codec::store_u32(bytes.data(), v, order);
  return bytes;
}

// A bare frame header, for lengths no well-formed frame would carry.
std::string header(std::uint32_t packet_length, std::uint32_t command_length,
                   byte_order order = byte_order::little) {
  return u32(packet_length, order) + u32(command_length, order);
}

std::string frame_bytes(std::string_view text, std::string_view payload,
                        byte_order order = byte_order::little) {
  std::string out;
  codec::append_frame(out, text, as_span(payload), order);
  return out;
}

struct owned_frame {
  std::string text;
  std::string payload;
  bool operator==(const owned_frame&) const = default;
};

std::ostream& operator<<(std::ostream& out, const owned_frame& f) {
  return out << "{text " << f.text.size() << " bytes, payload " << f.payload.size() << " bytes}";
}

// The session's read loop in miniature: unconsumed bytes stay pending, each chunk is appended,
// and frames are taken off the front until the decoder asks for more.
class reassembler {
 public:
  explicit reassembler(const codec::frame_limits& limits) : decoder_(limits) {}

  void feed(std::string_view chunk) {
    pending_.append(chunk);
    for (;;) {
      const auto result = decoder_.decode(as_span(pending_));
      if (result.state == status::need_more) {
        BOOST_TEST(result.size > pending_.size());
        return;
      }
      BOOST_TEST_REQUIRE(result.state == status::complete);
      frames_.push_back({std::string(result.value.text),
                         std::string(result.value.payload.begin(), result.value.payload.end())});
      pending_.erase(0, result.size);
    }
  }

  const std::vector<owned_frame>& frames() const { return frames_; }
  std::size_t pending() const { return pending_.size(); }

 private:
  codec::frame_decoder decoder_;
  std::string pending_;
  std::vector<owned_frame> frames_;
};

// Three frames of different sizes: one with a 300-byte binary payload (NULs and high bytes
// included), one with an empty payload, and one with a 1-byte text.
std::vector<owned_frame> sample_frames() {
  std::string payload;
  for (int i = 0; i < 300; ++i)
    payload.push_back(static_cast<char>(i * 7));
  return {
      {"[Request]\r\nCommand=Upload\r\nFileName=a.bin", payload},
      {"[Request]\r\nCommand=Active", ""},
      {"x", "\x01"},
  };
}

std::string serialize(const std::vector<owned_frame>& frames, byte_order order) {
  std::string stream;
  for (const auto& f : frames)
    codec::append_frame(stream, f.text, as_span(f.payload), order);
  return stream;
}

codec::frame_limits limits_for(byte_order order) {
  codec::frame_limits limits;
  limits.byte_order = order;
  return limits;
}

// Shared prefix of most rejected requests: a valid header and Command, so the failure comes from
// the line that follows and the command name can still be reported.
std::string login_with(std::string_view extra) {
  return "[Request]\r\nCommand=Login\r\n" + std::string(extra);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(length_fields_in_both_byte_orders) {
  BOOST_TEST(u32(0x01020304, byte_order::little) == "\x04\x03\x02\x01"sv);
  BOOST_TEST(u32(0x01020304, byte_order::big) == "\x01\x02\x03\x04"sv);
  BOOST_TEST(codec::load_u32("\x04\x03\x02\x01", byte_order::little) == 0x01020304u);
  BOOST_TEST(codec::load_u32("\x01\x02\x03\x04", byte_order::big) == 0x01020304u);
  // High bytes must not be sign-extended through char.
  BOOST_TEST(codec::load_u32("\xff\xfe\xfd\xfc", byte_order::little) == 0xfcfdfeffu);
  BOOST_TEST(codec::load_u32("\xff\xfe\xfd\xfc", byte_order::big) == 0xfffefdfcu);

  // §16.1: a frame whose lengths are 29 and 25.
  const std::string text(25, 'a');
  BOOST_TEST(frame_bytes(text, "", byte_order::big).substr(0, 8) ==
             from_hex("00 00 00 1d 00 00 00 19"));
  BOOST_TEST(frame_bytes(text, "", byte_order::little).substr(0, 8) ==
             from_hex("1d 00 00 00 19 00 00 00"));
}

BOOST_AUTO_TEST_CASE(write_frame_layout) {
  const std::string_view text = "[Request]\r\nCommand=X";
  const std::string_view payload = "\x00\x01\x02"sv;
  for (const auto order : both_orders) {
    BOOST_TEST_CONTEXT(order_name(order)) {
      std::string out(codec::frame_size(text.size(), payload.size()), '\0');
      char* end = codec::write_frame(out.data(), text, as_span(payload), order);
      BOOST_TEST(end == out.data() + out.size());
      BOOST_TEST(out == u32(4 + 20 + 3, order) + u32(20, order) + std::string(text) +
                            std::string(payload));
      // append_frame appends; it never overwrites what the string already holds.
      std::string appended = "prefix";
      codec::append_frame(appended, text, as_span(payload), order);
      BOOST_TEST(appended == "prefix" + out);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_split_point_reassembles_the_stream) {
  const auto frames = sample_frames();
  for (const auto order : both_orders) {
    const std::string stream = serialize(frames, order);
    for (std::size_t split = 0; split <= stream.size(); ++split) {
      BOOST_TEST_CONTEXT(order_name(order) << " split at " << split) {
        reassembler session(limits_for(order));
        session.feed(std::string_view(stream).substr(0, split));
        session.feed(std::string_view(stream).substr(split));
        BOOST_TEST(session.frames() == frames, boost::test_tools::per_element());
        BOOST_TEST(session.pending() == 0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(one_byte_at_a_time_reassembles_the_stream) {
  const auto frames = sample_frames();
  for (const auto order : both_orders) {
    BOOST_TEST_CONTEXT(order_name(order)) {
      const std::string stream = serialize(frames, order);
      reassembler session(limits_for(order));
      for (char byte : stream)
        session.feed(std::string_view(&byte, 1));
      BOOST_TEST(session.frames() == frames, boost::test_tools::per_element());
      BOOST_TEST(session.pending() == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(many_frames_in_one_buffer) {
  std::vector<owned_frame> frames;
  for (int i = 0; i < 100; ++i) {
    frames.push_back({"[Request]\r\nCommand=Data\r\nN=" + std::to_string(i), std::string(i, 'p')});
  }
  const std::string stream = serialize(frames, byte_order::little);
  reassembler session(codec::frame_limits{});
  session.feed(stream);
  BOOST_TEST(session.frames() == frames, boost::test_tools::per_element());
  BOOST_TEST(session.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(decoded_views_point_into_the_buffer) {
  const std::string stream = frame_bytes("T", "PP") + frame_bytes("U", "");
  const codec::frame_decoder decoder(codec::frame_limits{});
  const auto result = decoder.decode(as_span(stream));
  BOOST_TEST_REQUIRE(result.state == status::complete);
  BOOST_TEST(result.size == 11u);
  // void* so Boost.Test compares addresses, not C strings.
  const void* text = result.value.text.data();
  const void* payload = result.value.payload.data();
  BOOST_TEST(text == static_cast<const void*>(stream.data() + 8));
  BOOST_TEST(payload == static_cast<const void*>(stream.data() + 9));
  BOOST_TEST(result.value.payload.size() == 2u);
}

BOOST_AUTO_TEST_CASE(need_more_reports_the_exact_total) {
  const codec::frame_decoder decoder(codec::frame_limits{});
  const std::string frame = frame_bytes("[Request]\r\nCommand=Active", "payload");
  for (std::size_t have = 0; have < frame.size(); ++have) {
    BOOST_TEST_CONTEXT("prefix of " << have << " bytes") {
      const auto result = decoder.decode(as_span(std::string_view(frame).substr(0, have)));
      BOOST_TEST(result.state == status::need_more);
      BOOST_TEST(result.size == (have < 4 ? 4 : have < 8 ? 8 : frame.size()));
      BOOST_TEST(result.text_size == (have < 8 ? 0u : 25u));
    }
  }
  const auto whole = decoder.decode(as_span(frame));
  BOOST_TEST(whole.state == status::complete);
  BOOST_TEST(whole.size == frame.size());
}

BOOST_AUTO_TEST_CASE(framing_errors) {
  // Small limits keep the boundary frames short; the default limits are checked below.
  constexpr std::uint32_t M = 1000;
  constexpr std::uint32_t T = 100;
  struct row {
    const char* name;
    std::uint32_t packet_length;
    std::optional<std::uint32_t> command_length;  // absent: only the first 4 bytes are supplied
    result_code expected;
  };
  const row rows[] = {
      // §19.1: both packetLength checks are decided on the first 4 bytes alone.
      {"packetLength 0", 0, std::nullopt, result_code::packet_length_error},
      {"packetLength 3 (< 4)", 3, std::nullopt, result_code::packet_length_error},
      {"packetLength M+1", M + 1, std::nullopt, result_code::packet_length_error},
      {"packetLength 0xFFFFFFFF", 0xFFFFFFFF, std::nullopt, result_code::packet_length_error},
      {"commandLength > packetLength-4", 10, 7, result_code::packet_length_error},
      {"commandLength > packetLength-4 at packetLength 4", 4, 1, result_code::packet_length_error},
      {"commandLength 0xFFFFFFFF", 10, 0xFFFFFFFF, result_code::packet_length_error},
      {"commandLength T+1", 4 + T + 1, T + 1, result_code::packet_length_error},
      {"commandLength 0", 10, 0, result_code::packet_format_error},
      {"commandLength 0, packetLength 4", 4, 0, result_code::packet_format_error},
      // The order of the §3.3 rows decides which code wins (§19.1).
      {"packetLength < 4 beats commandLength 0", 3, 0, result_code::packet_length_error},
      {"packetLength > M beats commandLength 0", M + 1, 0, result_code::packet_length_error},
  };
  for (const auto order : both_orders) {
    codec::frame_limits limits = limits_for(order);
    limits.max_packet_size = M;
    limits.max_command_text = T;
    const codec::frame_decoder decoder(limits);
    for (const auto& r : rows) {
      BOOST_TEST_CONTEXT(order_name(order) << ": " << r.name) {
        // Only the header is supplied: errors are found before any body is buffered.
        const std::string bytes = r.command_length
                                      ? header(r.packet_length, *r.command_length, order)
                                      : u32(r.packet_length, order);
        const auto result = decoder.decode(as_span(bytes));
        BOOST_TEST(result.state == status::error);
        BOOST_TEST(result.error == r.expected);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(framing_limits_are_inclusive) {
  constexpr std::uint32_t M = 1000;
  constexpr std::uint32_t T = 100;
  codec::frame_limits limits;
  limits.max_packet_size = M;
  limits.max_command_text = T;
  const codec::frame_decoder decoder(limits);
  struct row {
    const char* name;
    std::uint32_t packet_length;
    std::uint32_t command_length;
  };
  const row rows[] = {
      {"packetLength M", M, 1},
      {"commandLength T", 4 + T, T},
      {"commandLength = packetLength-4 (no payload)", 20, 16},
      {"smallest frame", 5, 1},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      const auto result = decoder.decode(as_span(header(r.packet_length, r.command_length)));
      BOOST_TEST(result.state == status::need_more);
      BOOST_TEST(result.size == 4u + r.packet_length);
    }
  }
}

BOOST_AUTO_TEST_CASE(default_limits) {
  const codec::frame_decoder decoder(codec::frame_limits{});
  BOOST_TEST(decoder.limits().max_packet_size == 4194304u);
  BOOST_TEST(decoder.limits().max_command_text == 65536u);

  const auto too_long = decoder.decode(as_span(u32(4194305, byte_order::little)));
  BOOST_TEST(too_long.state == status::error);
  BOOST_TEST(too_long.error == result_code::packet_length_error);
  const auto longest = decoder.decode(as_span(header(4194304, 65536)));
  BOOST_TEST(longest.state == status::need_more);
  BOOST_TEST(longest.size == 4194308u);
  const auto text_too_long = decoder.decode(as_span(header(4194304, 65537)));
  BOOST_TEST(text_too_long.state == status::error);
  BOOST_TEST(text_too_long.error == result_code::packet_length_error);
}

BOOST_AUTO_TEST_CASE(byte_order_mismatch_is_a_length_error) {
  // §3.3: a client that sees PacketLengthError should first suspect the byte order; this is why.
  const std::string big = frame_bytes("[Request]\r\nCommand=Active", "", byte_order::big);
  const auto result = codec::frame_decoder(codec::frame_limits{}).decode(as_span(big));
  BOOST_TEST(result.state == status::error);
  BOOST_TEST(result.error == result_code::packet_length_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_text)

BOOST_AUTO_TEST_CASE(rejections) {
  struct row {
    const char* name;
    std::string text;
    std::string_view command;  // what the error reply's Command line would carry
  };
  const row rows[] = {
      // Rule 1: well-formed UTF-8, no BOM.
      {"overlong C0 AF", login_with("Name=\xC0\xAF"), "Login"},
      {"overlong E0 80 AF", login_with("Name=\xE0\x80\xAF"), "Login"},
      {"surrogate ED A0 80", login_with("Name=\xED\xA0\x80"), "Login"},
      {"truncated at end", login_with("Name=\xE2\x82"), "Login"},
      {"truncated before ASCII 'A'", login_with("Name=\xE2\x82\x41"), "Login"},
      {"above U+10FFFF F4 90 80 80", login_with("Name=\xF4\x90\x80\x80"), "Login"},
      {"lone continuation byte", login_with("Name=\x80"), "Login"},
      {"byte FF", login_with("Name=\xFF"), "Login"},
      {"byte-order mark", "\xEF\xBB\xBF[Request]\r\nCommand=Login", "Login"},
      {"bad UTF-8 in Command", "[Request]\r\nCommand=Log\xC0\xAF", ""},
      // Rule 2: no NUL, CR and LF only as a pair.
      {"NUL in value", login_with("Name=a\0b"sv), "Login"},
      {"NUL on its own line", login_with("\0"sv), "Login"},
      {"lone CR", login_with("Name=a\rb"), "Login"},
      {"CR at the end", login_with("Name=a\r"), "Login"},
      {"lone LF", login_with("Name=a\nb"), "Login"},
      {"LF CR", login_with("Name=a\n\r\nX=y"), "Login"},
      {"LF-only line ends", "[Request]\nCommand=Login", ""},
      // Rule 3: the first non-empty line is [Request], exactly (§19.2).
      {"header [Response]", "[Response]\r\nCommand=Login", "Login"},
      {"header with trailing space", "[Request] \r\nCommand=Login", "Login"},
      {"header with leading space", " [Request]\r\nCommand=Login", "Login"},
      {"header with TAB", "[Request]\t\r\nCommand=Login", "Login"},
      {"no header", "Command=Login", "Login"},
      {"empty text", "", ""},
      {"blank lines only", "\r\n\r\n", ""},
      // Rule 4: key = ALPHA *63( ALPHA / DIGIT / "_" ), split at the first '='.
      {"line without '='", login_with("Name"), "Login"},
      {"empty key", login_with("=value"), "Login"},
      {"key starting with a digit", login_with("1Name=x"), "Login"},
      {"key starting with '_'", login_with("_Name=x"), "Login"},
      {"key with '-'", login_with("File-Name=x"), "Login"},
      {"key with trailing space", login_with("Name =x"), "Login"},
      {"key with leading space", login_with(" Name=x"), "Login"},
      {"non-ASCII key", login_with("N\xC3\xA4me=x"), "Login"},
      {"key of 65 characters", login_with(std::string(65, 'k') + "=x"), "Login"},
      {"header repeated", login_with("[Request]"), "Login"},
      // Rule 5: no C0 control but TAB in a value, and no U+007F.
      {"value with 0x01", login_with("Name=\x01"), "Login"},
      {"value with 0x1B", login_with("Name=\x1B[0m"), "Login"},
      {"value with 0x1F", login_with("Name=\x1F"), "Login"},
      {"value with 0x7F", login_with("Name=a\x7F"), "Login"},
      // Rule 6: exactly one Command, non-empty after trimming spaces and TABs.
      {"no Command", "[Request]\r\nUserName=admin", ""},
      {"two Commands", login_with("Command=Active"), "Login"},
      {"two Commands, different case", login_with("COMMAND=Login"), "Login"},
      {"empty Command", "[Request]\r\nCommand=", ""},
      {"Command of blanks", "[Request]\r\nCommand= \t \t", ""},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      codec::command_text out;
      std::string_view reason;
      BOOST_TEST(!codec::parse_request(r.text, out, reason));
      BOOST_TEST(!reason.empty());
      BOOST_TEST(out.command() == r.command);
      BOOST_TEST(out.pairs().empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(failed_parse_reports_at_most_64_bytes_of_command) {
  struct row {
    const char* name;
    std::string command;
    std::string expected;
  };
  const std::string ascii_100(100, 'c');
  const std::string two_byte_char = "\xC3\xA9";  // é
  const row rows[] = {
      {"ASCII", ascii_100, ascii_100.substr(0, 64)},
      {"exactly 64", ascii_100.substr(0, 64), ascii_100.substr(0, 64)},
      // A character straddling byte 64 is dropped whole, never cut.
      {"multi-byte at the cut", std::string(63, 'c') + two_byte_char + "tail",
       std::string(63, 'c')},
      {"trimmed first", " \t" + ascii_100.substr(0, 10) + "\t ", ascii_100.substr(0, 10)},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      codec::command_text out;
      std::string_view reason;
      const std::string text = "[Request]\r\nCommand=" + r.command + "\r\nbad line";
      BOOST_TEST(!codec::parse_request(text, out, reason));
      BOOST_TEST(out.command() == r.expected);
      BOOST_TEST(out.command().size() <= codec::max_echoed_command);
    }
  }
}

BOOST_AUTO_TEST_CASE(accepted_forms) {
  struct row {
    const char* name;
    std::string text;
    std::string_view command;
  };
  const row rows[] = {
      {"canonical", "[Request]\r\nCommand=Login", "Login"},
      {"header upper case", "[REQUEST]\r\nCommand=Login", "Login"},
      {"header mixed case", "[rEqUeSt]\r\nCommand=Login", "Login"},
      {"trailing CRLF", "[Request]\r\nCommand=Login\r\n", "Login"},
      {"blank lines everywhere", "\r\n\r\n[Request]\r\n\r\nCommand=Login\r\n\r\nA=1\r\n\r\n",
       "Login"},
      {"Command key in any case", "[Request]\r\ncOMMAND=Login", "Login"},
      {"Command trimmed", "[Request]\r\nCommand= \t Login\t ", "Login"},
      {"Command case preserved", "[Request]\r\nCommand=lOgIn", "lOgIn"},
      {"Command with inner blank kept", "[Request]\r\nCommand=Log in", "Log in"},
      {"Command after other keys", "[Request]\r\nA=1\r\nCommand=Login", "Login"},
      {"key of 64 characters", login_with(std::string(64, 'k') + "=x"), "Login"},
      {"key with digits and '_'", login_with("a_1_B2=x"), "Login"},
      {"TAB in value", login_with("Items=a\tb\t"), "Login"},
      {"non-ASCII value", login_with("Name=\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), "Login"},
      {"largest scalar U+10FFFF", login_with("Name=\xF4\x8F\xBF\xBF"), "Login"},
      // U+0085 is a C1 control; rule 5 only forbids C0 and U+007F.
      {"C1 control in value", login_with("Name=\xC2\x85"), "Login"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      codec::command_text out;
      std::string_view reason;
      BOOST_TEST(codec::parse_request(r.text, out, reason), "reason: " << reason);
      BOOST_TEST(out.command() == r.command);
    }
  }
}

BOOST_AUTO_TEST_CASE(keys_and_values) {
  const std::string text =
      "[Request]\r\nCommand=Upload\r\nFileName=a=b==c\r\nLead=  x  \r\nEmpty=\r\n"
      "Item=one\r\nFuture_Key=kept\r\nitem=two\r\nITEM=three";
  codec::command_text out;
  std::string_view reason;
  BOOST_TEST_REQUIRE(codec::parse_request(text, out, reason), "reason: " << reason);

  BOOST_TEST(out.command() == "Upload");
  // Keys match case-insensitively; values are verbatim, split at the first '='.
  BOOST_TEST(out.find("filename").value == "a=b==c");
  BOOST_TEST(out.find("FILENAME").count == 1u);
  BOOST_TEST(out.find("Lead").value == "  x  ");
  BOOST_TEST(out.find("Empty").count == 1u);
  BOOST_TEST(out.find("Empty").value == "");
  BOOST_TEST(out.find("Missing").count == 0u);
  BOOST_TEST(out.find("future_key").value == "kept");
  // Repeats are kept in order; find() gives the first and the count.
  BOOST_TEST(out.find("Item").count == 3u);
  BOOST_TEST(out.find("Item").value == "one");
  // Command is not among the pairs; everything else is, in order, with its key as sent.
  BOOST_TEST(out.find("Command").count == 0u);
  std::vector<std::string> keys;
  for (const auto& pair : out.pairs())
    keys.emplace_back(pair.key);
  const std::vector<std::string> expected_keys = {"FileName",   "Lead", "Empty", "Item",
                                                  "Future_Key", "item", "ITEM"};
  BOOST_TEST(keys == expected_keys, boost::test_tools::per_element());
  // Views point into the frame: parsing copies nothing. (void* so Boost.Test compares
  // addresses, not C strings.)
  const void* command = out.command().data();
  BOOST_TEST(command == static_cast<const void*>(text.data() + text.find("Upload")));
  const void* value = out.find("Lead").value.data();
  BOOST_TEST(value == static_cast<const void*>(text.data() + text.find("  x  ")));
}

BOOST_AUTO_TEST_CASE(command_text_is_reused_between_frames) {
  codec::command_text out;
  std::string_view reason;
  BOOST_TEST_REQUIRE(codec::parse_request(login_with("A=1\r\nB=2"), out, reason));
  BOOST_TEST_REQUIRE(codec::parse_request("[Request]\r\nCommand=Active", out, reason));
  BOOST_TEST(out.command() == "Active");
  BOOST_TEST(out.pairs().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reply_text)

BOOST_AUTO_TEST_CASE(reply_layout) {
  struct row {
    const char* name;
    result_code code;
    std::string_view message;
    std::string_view expected;
  };
  const row rows[] = {
      {"success: no Message", result_code::success, "ignored",
       "[Response]\r\nCommand=Cmd\r\nCode=0\r\nReplyKey=v"},
      {"error with Message", result_code::user_or_password_error, "wrong password",
       "[Response]\r\nCommand=Cmd\r\nCode=7\r\nMessage=wrong password\r\nReplyKey=v"},
      {"error with default Message", result_code::not_login, "",
       "[Response]\r\nCommand=Cmd\r\nCode=8\r\nMessage=login required\r\nReplyKey=v"},
      {"large code in decimal", result_code::path_not_allowed, "no",
       "[Response]\r\nCommand=Cmd\r\nCode=268435457\r\nMessage=no\r\nReplyKey=v"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      std::string out = "stale bytes are replaced";
      const auto builder =
          codec::begin_response(out, "Cmd", r.code, r.message).add("ReplyKey", "v");
      BOOST_TEST(out == r.expected);
      BOOST_TEST(builder.text() == r.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(integer_values) {
  std::string out;
  codec::begin_request(out, "X")
      .add("I", -5)
      .add("U", 7u)
      .add("Min", std::numeric_limits<std::int64_t>::min())
      .add("Max", std::numeric_limits<std::uint64_t>::max());
  BOOST_TEST(out ==
             "[Request]\r\nCommand=X\r\nI=-5\r\nU=7\r\nMin=-9223372036854775808\r\n"
             "Max=18446744073709551615");
}

BOOST_AUTO_TEST_CASE(builder_sanitizes_values) {
  // Every C0 control and U+007F, plus the two that §4.4 allows through: TAB and U+0001.
  std::string value;
  std::string expected;
  for (int c = 0; c < 0x20; ++c) {
    value.push_back(static_cast<char>(c));
    expected.push_back(c == '\t' || c == 0x01 ? static_cast<char>(c) : '?');
  }
  value += "\x7Fok\xC3\xA9";
  expected += "?ok\xC3\xA9";

  std::string out;
  codec::begin_response(out, "FileList", result_code::success).add("Item", value);
  BOOST_TEST(out == "[Response]\r\nCommand=FileList\r\nCode=0\r\nItem=" + expected);

  codec::command_text reply;
  BOOST_TEST_REQUIRE(codec::parse_response(out, reply));
  BOOST_TEST(reply.find("Item").value == expected);
}

BOOST_AUTO_TEST_CASE(response_round_trip) {
  std::string out;
  codec::begin_response(out, "Login", result_code::success)
      .add("SessionId", std::uint64_t{1})
      .add("Role", "admin")
      .add("Path", "a=b");
  codec::command_text reply;
  BOOST_TEST_REQUIRE(codec::parse_response(out, reply));
  BOOST_TEST(reply.command() == "Login");
  BOOST_TEST(reply.find("Code").value == "0");
  BOOST_TEST(reply.find("Message").count == 0u);
  BOOST_TEST(reply.find("sessionid").value == "1");
  BOOST_TEST(reply.find("Role").value == "admin");
  BOOST_TEST(reply.find("Path").value == "a=b");

  codec::begin_response(out, "Login", result_code::user_or_password_error, "bad");
  BOOST_TEST_REQUIRE(codec::parse_response(out, reply));
  BOOST_TEST(reply.find("Code").value == "7");
  BOOST_TEST(reply.find("Message").value == "bad");
  BOOST_TEST(reply.find("Role").count == 0u);
}

BOOST_AUTO_TEST_CASE(request_round_trip) {
  std::string out;
  codec::begin_request(out, "Upload").add("FileName", "dir/a b.txt").add("Size", 12);
  codec::command_text request;
  std::string_view reason;
  BOOST_TEST_REQUIRE(codec::parse_request(out, request, reason), "reason: " << reason);
  BOOST_TEST(request.command() == "Upload");
  BOOST_TEST(request.find("FileName").value == "dir/a b.txt");
  BOOST_TEST(request.find("Size").value == "12");
}

BOOST_AUTO_TEST_CASE(lenient_response_parsing) {
  struct row {
    const char* name;
    std::string_view text;
    bool accepted;
  };
  const row rows[] = {
      {"canonical", "[Response]\r\nCommand=Active\r\nCode=0", true},
      {"trailing CRLF", "[Response]\r\nCommand=Active\r\nCode=0\r\n", true},
      {"blank lines", "\r\n[Response]\r\n\r\nCommand=Active\r\n\r\nCode=0\r\n\r\n", true},
      {"bare LF", "[Response]\nCommand=Active\nCode=0", true},
      {"header case", "[RESPONSE]\r\nCommand=Active\r\nCode=0", true},
      {"junk line ignored", "[Response]\r\nCommand=Active\r\nno equals\r\nCode=0", true},
      {"request header", "[Request]\r\nCommand=Active\r\nCode=0", false},
      {"no header", "Command=Active\r\nCode=0", false},
      {"empty", "", false},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      codec::command_text reply;
      BOOST_TEST(codec::parse_response(r.text, reply) == r.accepted);
      if (r.accepted) {
        BOOST_TEST(reply.command() == "Active");
        BOOST_TEST(reply.find("code").value == "0");
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(worked_examples)

struct example {
  const char* name;
  std::string (*build)();
  std::string_view hex;
};

std::string login_request() {
  std::string text;
  codec::begin_request(text, "Login")
      .add("UserName", "admin")
      .add("Password", "21232f297a57a5a743894a0e4a801fc3");
  std::string wire = "\x08";  // the Control flag byte (§2.1)
  codec::append_frame(wire, text, {}, byte_order::little);
  return wire;
}

std::string login_reply() {
  std::string text;
  codec::begin_response(text, "Login", result_code::success)
      .add("SessionId", std::uint64_t{1})
      .add("Role", "admin");
  std::string wire;
  codec::append_frame(wire, text, {}, byte_order::little);
  return wire;
}

std::string cycle_packet(bool reply) {
  std::string text;
  if (reply) {
    codec::begin_response(text, "CyclePacket", result_code::success).add("Count", 2);
  } else {
    codec::begin_request(text, "CyclePacket").add("Count", 1);
  }
  const std::string payload(8, '\x01');
  std::string wire;
  codec::append_frame(wire, text, as_span(payload), byte_order::little);
  return wire;
}

// The dumps of PROTOCOL.md §16.1 and §16.2, byte columns only.
const example examples[] = {
    {"16.1 Login request", login_request,
     "08 57 00 00 00 53 00 00 00 5b 52 65 71 75 65 73"
     "74 5d 0d 0a 43 6f 6d 6d 61 6e 64 3d 4c 6f 67 69"
     "6e 0d 0a 55 73 65 72 4e 61 6d 65 3d 61 64 6d 69"
     "6e 0d 0a 50 61 73 73 77 6f 72 64 3d 32 31 32 33"
     "32 66 32 39 37 61 35 37 61 35 61 37 34 33 38 39"
     "34 61 30 65 34 61 38 30 31 66 63 33"},
    {"16.1 Login reply", login_reply,
     "3e 00 00 00 3a 00 00 00 5b 52 65 73 70 6f 6e 73"
     "65 5d 0d 0a 43 6f 6d 6d 61 6e 64 3d 4c 6f 67 69"
     "6e 0d 0a 43 6f 64 65 3d 30 0d 0a 53 65 73 73 69"
     "6f 6e 49 64 3d 31 0d 0a 52 6f 6c 65 3d 61 64 6d"
     "69 6e"},
    {"16.2 CyclePacket request", [] { return cycle_packet(false); },
     "33 00 00 00 27 00 00 00 5b 52 65 71 75 65 73 74"
     "5d 0d 0a 43 6f 6d 6d 61 6e 64 3d 43 79 63 6c 65"
     "50 61 63 6b 65 74 0d 0a 43 6f 75 6e 74 3d 31 01"
     "01 01 01 01 01 01 01"},
    {"16.2 CyclePacket reply", [] { return cycle_packet(true); },
     "3c 00 00 00 30 00 00 00 5b 52 65 73 70 6f 6e 73"
     "65 5d 0d 0a 43 6f 6d 6d 61 6e 64 3d 43 79 63 6c"
     "65 50 61 63 6b 65 74 0d 0a 43 6f 64 65 3d 30 0d"
     "0a 43 6f 75 6e 74 3d 32 01 01 01 01 01 01 01 01"},
};

BOOST_AUTO_TEST_CASE(builders_reproduce_the_dumps) {
  for (const auto& e : examples) {
    BOOST_TEST_CONTEXT(e.name) {
      BOOST_TEST(e.build() == from_hex(e.hex));
    }
  }
}

BOOST_AUTO_TEST_CASE(decoder_and_parsers_read_the_dumps) {
  const codec::frame_decoder decoder(codec::frame_limits{});
  for (const auto& e : examples) {
    BOOST_TEST_CONTEXT(e.name) {
      std::string wire = from_hex(e.hex);
      if (wire.front() == '\x08') wire.erase(0, 1);  // the flag byte precedes the first frame
      const auto result = decoder.decode(as_span(wire));
      BOOST_TEST_REQUIRE(result.state == status::complete);
      BOOST_TEST(result.size == wire.size());
      codec::command_text parsed;
      std::string_view reason;
      const bool ok = result.value.text.starts_with("[Request]")
                          ? codec::parse_request(result.value.text, parsed, reason)
                          : codec::parse_response(result.value.text, parsed);
      BOOST_TEST(ok);
      BOOST_TEST(!parsed.command().empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(values)

BOOST_AUTO_TEST_CASE(parse_integer) {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t i32_lo = std::numeric_limits<std::int32_t>::min();
  constexpr std::int64_t i32_hi = std::numeric_limits<std::int32_t>::max();
  struct row {
    std::string_view text;
    std::int64_t min;
    std::int64_t max;
    std::optional<std::int64_t> expected;
  };
  const row rows[] = {
      {"0", lo, hi, 0},
      {"-0", lo, hi, 0},
      {"42", lo, hi, 42},
      {"-42", lo, hi, -42},
      {"007", lo, hi, 7},
      {"-007", lo, hi, -7},
      {"0000000000000000001", lo, hi, 1},              // 19 digits
      {"00000000000000000001", lo, hi, std::nullopt},  // 20 digits
      {"9223372036854775807", lo, hi, hi},
      {"-9223372036854775808", lo, hi, lo},
      {"9223372036854775808", lo, hi, std::nullopt},
      {"-9223372036854775809", lo, hi, std::nullopt},
      {"9999999999999999999", lo, hi, std::nullopt},  // 19 digits, beyond int64
      {"-9999999999999999999", lo, hi, std::nullopt},
      {"2147483647", i32_lo, i32_hi, i32_hi},
      {"-2147483648", i32_lo, i32_hi, i32_lo},
      {"2147483648", i32_lo, i32_hi, std::nullopt},
      {"-2147483649", i32_lo, i32_hi, std::nullopt},
      {"4", 0, 4, 4},
      {"5", 0, 4, std::nullopt},
      {"-1", 0, 4, std::nullopt},
      {"", lo, hi, std::nullopt},
      {"-", lo, hi, std::nullopt},
      {"+1", lo, hi, std::nullopt},
      {"--1", lo, hi, std::nullopt},
      {" 1", lo, hi, std::nullopt},
      {"1 ", lo, hi, std::nullopt},
      {"1\t", lo, hi, std::nullopt},
      {"- 1", lo, hi, std::nullopt},
      {"1-", lo, hi, std::nullopt},
      {"1a", lo, hi, std::nullopt},
      {"0x10", lo, hi, std::nullopt},
      {"1.0", lo, hi, std::nullopt},
      {"1e3", lo, hi, std::nullopt},
      {"\xEF\xBC\x91", lo, hi, std::nullopt},  // full-width digit one
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("\"" << r.text << "\" in [" << r.min << ", " << r.max << "]") {
      const auto got = codec::parse_integer(r.text, r.min, r.max);
      BOOST_TEST(got.has_value() == r.expected.has_value());
      if (got && r.expected) BOOST_TEST(*got == *r.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(list_tokens) {
  struct row {
    std::string_view list;
    std::vector<std::string> expected;
  };
  const row rows[] = {
      {"", {}},
      {",", {}},
      {" , \t,", {}},
      {"Message", {"Message"}},
      {" Message , Stats ", {"Message", "Stats"}},
      {"a,,b", {"a", "b"}},
      {"\ta\t,b c,", {"a", "b c"}},
      {",x", {"x"}},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("\"" << r.list << "\"") {
      std::vector<std::string> tokens;
      codec::for_each_list_token(r.list, [&](std::string_view t) { tokens.emplace_back(t); });
      BOOST_TEST(tokens == r.expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(format_time) {
  using namespace std::chrono;
  struct row {
    system_clock::time_point t;
    std::string_view expected;
  };
  const row rows[] = {
      {system_clock::time_point{}, "1970-01-01 00:00:00.000"},
      {sys_days{2021y / 3 / 4} + 5h + 6min + 7s + 89ms, "2021-03-04 05:06:07.089"},
      {sys_days{2024y / 2 / 29} + 23h + 59min + 59s + 999ms + 999us, "2024-02-29 23:59:59.999"},
      {sys_days{2000y / 12 / 31} + 12h + 1ms, "2000-12-31 12:00:00.001"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.expected) {
      BOOST_TEST(codec::format_time(time_point_cast<system_clock::duration>(r.t)) == r.expected);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(well_formed_sequences) {
  struct row {
    const char* name;
    std::string_view bytes;
    std::size_t first_length;  // utf8_sequence_length at offset 0; 0 = malformed
  };
  const row rows[] = {
      {"ASCII", "abc", 1},
      {"U+0080", "\xC2\x80", 2},
      {"U+07FF", "\xDF\xBF", 2},
      {"U+0800", "\xE0\xA0\x80", 3},
      {"U+D7FF", "\xED\x9F\xBF", 3},
      {"U+E000", "\xEE\x80\x80", 3},
      {"U+FFFF", "\xEF\xBF\xBF", 3},
      {"U+10000", "\xF0\x90\x80\x80", 4},
      {"U+10FFFF", "\xF4\x8F\xBF\xBF", 4},
      {"overlong C0 AF", "\xC0\xAF", 0},
      {"overlong C1 BF", "\xC1\xBF", 0},
      {"overlong E0 9F BF", "\xE0\x9F\xBF", 0},
      {"overlong F0 8F BF BF", "\xF0\x8F\xBF\xBF", 0},
      {"surrogate ED A0 80", "\xED\xA0\x80", 0},
      {"surrogate ED BF BF", "\xED\xBF\xBF", 0},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"lead F5", "\xF5\x80\x80\x80", 0},
      {"lead FF", "\xFF", 0},
      {"lone continuation", "\x80", 0},
      {"truncated 2-byte", "\xC3", 0},
      {"truncated 3-byte", "\xE2\x82", 0},
      {"truncated 4-byte", "\xF0\x9F\x98", 0},
      {"bad third byte 'A'", "\xE2\x82\x41", 0},
      {"bad fourth byte 'A'", "\xF0\x9F\x98\x41", 0},
  };
  BOOST_TEST(codec::is_valid_utf8(""));
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      BOOST_TEST(codec::utf8_sequence_length(r.bytes, 0) == r.first_length);
      BOOST_TEST(codec::is_valid_utf8(r.bytes) == (r.first_length != 0));
    }
  }
}

BOOST_AUTO_TEST_CASE(prefix_never_cuts_a_character) {
  // 1-, 2-, 3- and 4-byte characters: the only cuts allowed are at these offsets.
  const std::string_view text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const std::size_t boundaries[] = {0, 1, 3, 6, 10};
  for (std::size_t max = 0; max <= text.size() + 1; ++max) {
    BOOST_TEST_CONTEXT("max " << max) {
      std::size_t expected = 0;
      for (const auto b : boundaries) {
        if (b <= max) expected = b;
      }
      const auto prefix = codec::utf8_prefix(text, max);
      BOOST_TEST(prefix.data() == text.data());
      BOOST_TEST(prefix.size() == expected);
      BOOST_TEST(codec::is_valid_utf8(prefix));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(result_code_names) {
  struct row {
    result_code code;
    std::uint32_t value;
    std::string_view name;
  };
  // PROTOCOL.md §5, every row.
  const row rows[] = {
      {result_code::success, 0, "Success"},
      {result_code::not_exist_command, 1, "NotExistCommand"},
      {result_code::packet_length_error, 2, "PacketLengthError"},
      {result_code::packet_format_error, 3, "PacketFormatError"},
      {result_code::unknown_error, 4, "UnknownError"},
      {result_code::command_no_completed, 5, "CommandNoCompleted"},
      {result_code::parameter_error, 6, "ParameterError"},
      {result_code::user_or_password_error, 7, "UserOrPasswordError"},
      {result_code::not_login, 8, "NotLogin"},
      {result_code::file_not_exist, 9, "FileNotExist"},
      {result_code::not_open_file, 10, "NotOpenFile"},
      {result_code::file_is_in_use, 11, "FileIsInUse"},
      {result_code::dir_not_exist, 33554433, "DirNotExist"},
      {result_code::create_dir_error, 33554434, "CreateDirError"},
      {result_code::delete_dir_error, 33554435, "DeleteDirError"},
      {result_code::delete_file_failed, 33554439, "DeleteFileFailed"},
      {result_code::file_size_error, 33554440, "FileSizeError"},
      {result_code::path_not_allowed, 268435457, "PathNotAllowed"},
      {result_code::permission_denied, 268435458, "PermissionDenied"},
      {result_code::session_not_found, 268435459, "SessionNotFound"},
      {result_code::upload_taken_over, 268435460, "UploadTakenOver"},
      {result_code::kicked, 268435461, "Kicked"},
      {result_code::server_shutting_down, 268435462, "ServerShuttingDown"},
      {result_code::quota_exceeded, 268435463, "QuotaExceeded"},
      {result_code::too_many_login_failures, 268435464, "TooManyLoginFailures"},
      {result_code::idle_timeout, 268435465, "IdleTimeout"},
      {result_code::login_timeout, 268435466, "LoginTimeout"},
      {result_code::not_a_file, 268435467, "NotAFile"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      BOOST_TEST(codec::value(r.code) == r.value);
      BOOST_TEST(codec::name(r.code) == r.name);
      BOOST_TEST(!codec::default_message(r.code).empty());
    }
  }
  // The Delphi numbers of §5 are not ours to name.
  BOOST_TEST(codec::name(static_cast<result_code>(0x02000004)) == "Unknown");
}

BOOST_AUTO_TEST_SUITE(ascii_scan)

// The word-at-a-time scanner must find exactly the first byte that is not printable ASCII or is
// the stop character, wherever it sits relative to the 8-byte words, for every byte value.
BOOST_AUTO_TEST_CASE(finds_the_first_special_byte_at_every_position) {
  for (int value = 0; value < 256; ++value) {
    const auto byte = static_cast<char>(value);
    const bool special = value < 0x20 || value > 0x7E || byte == '=';
    for (std::size_t position = 0; position < 20; ++position) {
      std::string text(20, 'a');
      text[position] = byte;
      const auto found = asyncsvr::codec::detail::find_special(text.data(), 0, text.size(), '=');
      BOOST_TEST_CONTEXT("byte " << value << " at " << position) {
        BOOST_TEST(found == (special ? position : text.size()));
      }
      // A second special byte later never hides the first one.
      text[19] = '\x01';
      if (position < 19) {
        BOOST_TEST(asyncsvr::codec::detail::find_special(text.data(), 0, text.size(), '=') ==
                   (special ? position : std::size_t{19}));
      }
    }
  }
}

// Scans that start inside the text and end in its last, partial word: the bytes before the start
// are special too (a line's CR LF, a DEL, a multi-byte character), and must not show through.
BOOST_AUTO_TEST_CASE(find_special_from_any_start_ignores_what_lies_before_it) {
  for (const char before : {'\n', '\x7F', '\xC3', ' ', '='}) {
    for (std::size_t size = 8; size <= 20; ++size) {
      for (std::size_t start = 1; start <= size; ++start) {
        for (std::size_t position = start; position <= size; ++position) {
          std::string text(size, ' ');  // a space right after a special byte is the hard case
          for (std::size_t i = 0; i < start; ++i)
            text[i] = before;
          if (position < size) text[position] = '\r';
          BOOST_TEST_CONTEXT("size " << size << ", start " << start << ", CR at " << position) {
            BOOST_TEST(asyncsvr::codec::detail::find_special(text.data(), start, size, '=') ==
                       position);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
