#include "asyncsvr/net/request.hpp"

#include "asyncsvr/codec/values.hpp"

namespace asyncsvr::net {

void key_reader::fail(std::string_view problem) noexcept {
  if (!ok()) return;
  error_ = codec::result_code::parameter_error;
  problem_ = problem;
}

std::optional<std::string_view> key_reader::text(std::string_view key, presence p) {
  if (!ok()) return std::nullopt;
  const auto found = request_.text.find(key);
  if (found.count > 1) {
    fail("a key is repeated");
    return std::nullopt;
  }
  if (found.count == 0) {
    if (p == presence::required) fail("a required key is missing");
    return std::nullopt;
  }
  return found.value;
}

std::optional<std::int64_t> key_reader::integer(std::string_view key, presence p, std::int64_t min,
                                                std::int64_t max) {
  const auto value = text(key, p);
  if (!value) return std::nullopt;
  auto number = codec::parse_integer(*value, min, max);
  if (!number) fail("a number is malformed or out of range");
  return number;
}

}  // namespace asyncsvr::net
