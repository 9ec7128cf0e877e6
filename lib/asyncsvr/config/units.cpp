#include "asyncsvr/config/units.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <limits>
#include <numeric>

namespace asyncsvr::units {

namespace {

constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();

struct unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Largest first: formatting takes the first unit that divides the value.
constexpr std::array<unit, 5> duration_units{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};
constexpr std::array<unit, 5> size_units{{
    {"T", std::uint64_t{1} << 40},
    {"G", std::uint64_t{1} << 30},
    {"M", std::uint64_t{1} << 20},
    {"K", std::uint64_t{1} << 10},
    {"", 1},
}};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string quoted(std::string_view text) {
  return text.empty() ? std::string("an empty value") : "'" + std::string(text) + "'";
}

std::size_t leading_digits(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::find_if_not(text.begin(), text.end(), is_digit) -
                                  text.begin());
}

// A number as written: digits, optionally '.' and more digits, then optional spaces and a unit.
struct decimal {
  std::string_view whole;
  std::string_view fraction;  // trailing zeros dropped: they change nothing
  std::string_view unit;
};

std::optional<decimal> split_decimal(std::string_view text) {
  decimal out;
  const auto whole = leading_digits(text);
  if (whole == 0) return std::nullopt;
  out.whole = text.substr(0, whole);
  text.remove_prefix(whole);
  if (!text.empty() && text.front() == '.') {
    text.remove_prefix(1);
    const auto fraction = leading_digits(text);
    if (fraction == 0) return std::nullopt;
    out.fraction = text.substr(0, fraction);
    text.remove_prefix(fraction);
    while (!out.fraction.empty() && out.fraction.back() == '0')
      out.fraction.remove_suffix(1);
  }
  out.unit = trim(text);
  return out;
}

bool multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& out) noexcept {
  if (a != 0 && b > uint64_max / a) return false;
  out = a * b;
  return true;
}

// What one kind of quantity is called in messages, its limit, and how its units read.
struct quantity {
  std::string_view noun;  // "'5x' is not <noun> <hint>"
  std::string_view hint;
  std::string_view inexact;  // "'1.0005s' <inexact>"
  std::uint64_t max;
  std::optional<std::uint64_t> (*factor)(std::string_view unit);
};

// The fraction is scaled without a wider integer type: with g = gcd(factor, 10^n), the value
// fraction * factor / 10^n is whole exactly when 10^n / g divides the fraction, and is then below
// factor, so nothing in the computation can overflow.
parse_result<std::uint64_t> parse_quantity(std::string_view text, const quantity& q) {
  text = trim(text);
  const auto not_a = [&] {
    return parse_failure{quoted(text) + " is not " + std::string(q.noun) +
                         (q.hint.empty() ? "" : " " + std::string(q.hint))};
  };
  const auto too_large = [&] { return parse_failure{quoted(text) + " is too large"}; };
  const auto inexact = [&] { return parse_failure{quoted(text) + " " + std::string(q.inexact)}; };

  if (text.size() > 1 && text.front() == '-' && is_digit(text[1])) {
    return parse_failure{quoted(text) + " is negative"};
  }
  const auto number = split_decimal(text);
  if (!number) return not_a();
  const auto factor = q.factor(number->unit);
  if (!factor) return not_a();

  std::uint64_t whole = 0;
  if (std::from_chars(number->whole.data(), number->whole.data() + number->whole.size(), whole)
          .ec != std::errc{}) {
    return too_large();  // only digits were passed, so the one possible failure is range
  }
  std::uint64_t value = 0;
  if (!multiply(whole, *factor, value)) return too_large();

  if (!number->fraction.empty()) {
    constexpr std::size_t max_fraction_digits = std::numeric_limits<std::uint64_t>::digits10;
    if (number->fraction.size() > max_fraction_digits) return inexact();
    std::uint64_t fraction = 0;
    std::from_chars(number->fraction.data(), number->fraction.data() + number->fraction.size(),
                    fraction);
    std::uint64_t power = 1;
    for (std::size_t i = 0; i < number->fraction.size(); ++i)
      power *= 10;
    const auto common = std::gcd(*factor, power);
    const auto denominator = power / common;
    if (fraction % denominator != 0) return inexact();
    const auto part = fraction / denominator * (*factor / common);
    if (part > uint64_max - value) return too_large();
    value += part;
  }
  if (value > q.max) return too_large();
  return value;
}

std::optional<std::uint64_t> duration_factor(std::string_view unit) {
  if (unit.empty()) return 1'000;
  for (const auto& u : duration_units) {
    if (u.suffix == unit) return u.factor;
  }
  return std::nullopt;
}

// K, KB, KiB (any case), and so on; "", "B" are bytes.
std::optional<std::uint64_t> size_factor(std::string_view unit) {
  auto prefix = lower(unit);
  if (prefix.size() == 3 && prefix.ends_with("ib")) {
    prefix.resize(1);
  } else if (prefix.ends_with('b')) {
    prefix.pop_back();
  }
  for (const auto& u : size_units) {
    if (lower(u.suffix) == prefix) return u.factor;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> no_unit(std::string_view unit) {
  return unit.empty() ? std::optional<std::uint64_t>(1) : std::nullopt;
}

constexpr quantity duration_quantity{
    "a duration", "(use ms, s, m, h or d; a bare number is seconds)",
    "is not a whole number of milliseconds",
    static_cast<std::uint64_t>(std::chrono::milliseconds::max().count()), duration_factor};
constexpr quantity size_quantity{"a size",
                                 "(use K, M, G or T, powers of 1024; a bare number is bytes)",
                                 "is not a whole number of bytes", uint64_max, size_factor};
constexpr quantity count_quantity{"a whole number", "", "is not a whole number", uint64_max,
                                  no_unit};

template <std::size_t N>
std::string format_with(std::uint64_t value, const std::array<unit, N>& units) {
  for (const auto& u : units) {
    if (value % u.factor == 0) return std::to_string(value / u.factor) + std::string(u.suffix);
  }
  return std::to_string(value);  // unreachable while the last unit's factor is 1
}

}  // namespace

parse_result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto ms = parse_quantity(text, duration_quantity);
  if (!ms) return parse_failure{ms.error()};
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*ms));
}

parse_result<std::uint64_t> parse_size(std::string_view text) {
  return parse_quantity(text, size_quantity);
}

parse_result<std::uint64_t> parse_count(std::string_view text) {
  return parse_quantity(text, count_quantity);
}

parse_result<bool> parse_bool(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, bool>, 8> names{{
      {"true", true},
      {"false", false},
      {"yes", true},
      {"no", false},
      {"on", true},
      {"off", false},
      {"1", true},
      {"0", false},
  }};
  const auto key = lower(trim(text));
  for (const auto& [name, value] : names) {
    if (name == key) return value;
  }
  return parse_failure{quoted(trim(text)) +
                       " is not a boolean (use true/false, yes/no, on/off or 1/0)"};
}

std::string format_duration(std::chrono::milliseconds value) {
  assert(value.count() >= 0);
  if (value.count() == 0) return "0s";
  return format_with(static_cast<std::uint64_t>(value.count()), duration_units);
}

std::string format_size(std::uint64_t value) {
  if (value == 0) return "0";
  return format_with(value, size_units);
}

std::string format_bool(bool value) {
  return value ? "true" : "false";
}

}  // namespace asyncsvr::units
