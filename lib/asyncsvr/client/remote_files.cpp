#include "asyncsvr/client/remote_files.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>

#include "asyncsvr/client/server_error.hpp"
#include "asyncsvr/codec/values.hpp"

namespace asyncsvr::client {

namespace {

// FileList items are "<name> U+0001 <size>" (§10.5).
constexpr char text_separator = '\x01';

remote_file parse_file_item(std::string_view item) {
  const auto cut = item.rfind(text_separator);
  const auto size = cut == std::string_view::npos
                        ? std::nullopt
                        : codec::parse_integer(item.substr(cut + 1), 0, INT64_MAX);
  if (!size) throw std::runtime_error("server sent a malformed FileList item");
  return {std::string(item.substr(0, cut)), static_cast<std::uint64_t>(*size)};
}

bool truncated(const message& reply) {
  return reply.value("Truncated").value_or("0") != "0";
}

std::string describe(std::string_view action, const remote_path& dir) {
  return std::string(action) + " " + join_remote_path(dir.dir, dir.name);
}

}  // namespace

remote_listing list_dir(connection& c, std::string_view dir) {
  const auto context = "list " + (dir.empty() ? std::string("/") : std::string(dir));
  const auto dirs = c.call("Dir", {{"ParentDir", dir}});
  expect_success(dirs, context);
  const auto files = c.call("FileList", {{"DirName", dir}});
  expect_success(files, context);

  remote_listing listing;
  for (const auto name : dirs.values("Item"))
    listing.dirs.emplace_back(name);
  for (const auto item : files.values("Item"))
    listing.files.push_back(parse_file_item(item));
  listing.truncated = truncated(dirs) || truncated(files);
  return listing;
}

void create_dir(connection& c, const remote_path& dir) {
  expect_success(c.call("CreateDir", {{"ParentDir", dir.dir}, {"DirName", dir.name}}),
                 describe("create directory", dir));
}

void delete_dir(connection& c, const remote_path& dir) {
  expect_success(c.call("DeleteDir", {{"ParentDir", dir.dir}, {"DirName", dir.name}}),
                 describe("delete directory", dir));
}

void delete_files(connection& c, std::string_view dir, std::span<const std::string> names) {
  std::vector<key_value> keys{{"DirName", dir}};
  for (const auto& name : names)
    keys.emplace_back("Item", name);
  auto context = "delete " + join_remote_path(dir, names.empty() ? "" : names.front());
  if (names.size() > 1) context += " and " + std::to_string(names.size() - 1) + " more";
  expect_success(c.call("DeleteFile", key_span(keys)), context);
}

}  // namespace asyncsvr::client
