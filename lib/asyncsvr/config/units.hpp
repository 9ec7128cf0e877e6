#pragma once
// Text forms of the typed values in server_config: durations, byte sizes, plain counts and
// booleans, as an operator writes them on the command line or in the config file.
//
// Parsing is strict and exact: the whole text must be one value, and a value that cannot be
// represented exactly ("1.0005s", "1.1K") is refused rather than rounded, so what the server runs
// with is always what the operator wrote. Surrounding spaces and spaces between the number and
// its unit are allowed. format_* give the shortest text that parse_* read back to the same value.
//
// Thread-safety: pure functions; call from any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace asyncsvr::units {

// Why a text was refused: one line that quotes the text, e.g. "'5x' is not a duration (...)".
// It does not name the setting; the caller knows how the user spelled that.
struct parse_failure {
  std::string reason;
};

// A value or the reason there is none. Errors are ordinary results here, not exceptions: a
// caller usually wants to add context before reporting.
template <class T>
class parse_result {
 public:
  parse_result(T value) : value_(std::move(value)) {}
  parse_result(parse_failure failure) : error_(std::move(failure.reason)) {}

  explicit operator bool() const noexcept { return value_.has_value(); }
  const T& operator*() const { return *value_; }
  const std::string& error() const noexcept { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

// "250ms", "30s", "5m", "2h", "7d"; a bare number is seconds. A decimal fraction is accepted when
// it is a whole number of milliseconds ("1.5s", "0.25h"). Never negative; at most
// milliseconds::max().
parse_result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "512", "64K", "4M", "1G", "1T" in powers of 1024; a bare number is bytes. The unit is
// case-insensitive and may end in "B" or "iB" ("64KB", "4MiB", "100B"). A decimal fraction is
// accepted when it is a whole number of bytes ("1.5M").
parse_result<std::uint64_t> parse_size(std::string_view text);

// A plain non-negative decimal integer: no unit, no sign, no fraction.
parse_result<std::uint64_t> parse_count(std::string_view text);

// true/false, yes/no, on/off, 1/0, case-insensitive.
parse_result<bool> parse_bool(std::string_view text);

// The largest unit that represents `value` exactly: "5m", "7d", "250ms"; zero is "0s".
// Precondition: value >= 0.
std::string format_duration(std::chrono::milliseconds value);

// The largest power-of-1024 unit that represents `value` exactly: "4M", "64K", "1000"; zero is
// "0".
std::string format_size(std::uint64_t value);

std::string format_bool(bool value);

}  // namespace asyncsvr::units
