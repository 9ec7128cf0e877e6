#pragma once
// One parsed request as a command handler sees it, and typed access to its keys with the
// PROTOCOL.md §4.2 rules: a missing required key, a repeated key or a value outside its type or
// range is a ParameterError; unknown keys are ignored.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::net {

struct request {
  std::string_view command;  // canonical spelling (§4.4)
  const codec::command_text& text;
  std::span<const char> payload;
};

enum class presence { required, optional };

// Reads a request's keys; the first problem is remembered and later reads return nothing.
class key_reader {
 public:
  explicit key_reader(const request& r) noexcept : request_(r) {}

  std::optional<std::string_view> text(std::string_view key, presence p);
  std::optional<std::int64_t> integer(std::string_view key, presence p, std::int64_t min,
                                      std::int64_t max);

  bool ok() const noexcept { return error_ == codec::result_code::success; }
  codec::result_code error() const noexcept { return error_; }
  std::string_view problem() const noexcept { return problem_; }

 private:
  void fail(std::string_view problem) noexcept;

  const request& request_;
  codec::result_code error_ = codec::result_code::success;
  std::string_view problem_;
};

}  // namespace asyncsvr::net
