#include "asyncsvr/client/remote_path.hpp"

#include <stdexcept>

namespace asyncsvr::client {

namespace {

constexpr std::string_view separators = "/\\";

std::string_view trim_separators(std::string_view path) {
  const auto first = path.find_first_not_of(separators);
  if (first == std::string_view::npos) return {};
  return path.substr(first, path.find_last_not_of(separators) - first + 1);
}

}  // namespace

std::string trim_remote_path(std::string_view path) {
  return std::string(trim_separators(path));
}

remote_path split_remote_path(std::string_view path) {
  const auto trimmed = trim_separators(path);
  if (trimmed.empty()) {
    throw std::invalid_argument("'" + std::string(path) + "' names no file or directory");
  }
  const auto cut = trimmed.find_last_of(separators);
  if (cut == std::string_view::npos) return {"", std::string(trimmed)};
  return {std::string(trimmed.substr(0, cut)), std::string(trimmed.substr(cut + 1))};
}

std::string join_remote_path(std::string_view dir, std::string_view name) {
  std::string joined = trim_remote_path(dir);
  if (!joined.empty()) joined += '/';
  joined += name;
  return joined;
}

}  // namespace asyncsvr::client
