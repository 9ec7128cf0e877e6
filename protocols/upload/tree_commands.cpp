// The Upload protocol's commands that change the tree itself: CreateDir, DeleteDir, DeleteFile
// (PROTOCOL.md §10.3, §10.4, §10.6).

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/files/file_store.hpp"
#include "asyncsvr/files/remove_tree.hpp"
#include "upload_session.hpp"

namespace asyncsvr::protocols {

using codec::result_code;

namespace {

std::string system_message(int error) {
  return std::generic_category().message(error);
}

}  // namespace

std::optional<upload_session::dir_entry> upload_session::directory_entry(const net::request& r) {
  net::key_reader keys(r);
  const auto parent_value = keys.text("ParentDir", net::presence::required);
  const auto name_value = keys.text("DirName", net::presence::required);
  if (!keys.ok()) {
    reply_error(r, keys.error(), keys.problem());
    return std::nullopt;
  }
  // The name first: an empty one is a ParameterError, which goes before any PathNotAllowed (§6.4).
  auto name = checked(r, *name_value, files::path_kind::name);
  if (!name) return std::nullopt;
  const auto parent = checked(r, *parent_value, files::path_kind::dir);
  if (!parent) return std::nullopt;
  files::unique_fd parent_fd = open_dir(r, *parent);
  if (!parent_fd) return std::nullopt;
  return dir_entry{std::move(parent_fd), std::move(*name)};
}

void upload_session::create_dir(const net::request& r) {
  const auto entry = directory_entry(r);
  if (!entry) return;
  const int parent_fd = entry->parent.get();
  const std::string& name = entry->name;
  if (::mkdirat(parent_fd, name.c_str(), 0755) == 0) return reply_ok(r);
  const int error = errno;
  if (error == EEXIST) {
    // An existing directory of that name is success (§10.3); anything else there is not.
    switch (files::status_at(parent_fd, name).type) {
      case files::entry_type::directory:
        return reply_ok(r);
      case files::entry_type::symlink:  // never treated as the directory it may point to
        return reply_error(r, result_code::path_not_allowed, "symbolic links are not followed");
      default:
        return reply_error(r, result_code::create_dir_error, "something else has that name");
    }
  }
  reply_error(r, result_code::create_dir_error, system_message(error));
}

void upload_session::delete_dir(const net::request& r) {
  const auto entry = directory_entry(r);
  if (!entry) return;
  const int parent_fd = entry->parent.get();
  const std::string& name = entry->name;
  switch (files::status_at(parent_fd, name).type) {
    case files::entry_type::directory:
      break;
    case files::entry_type::symlink:  // §19.5: the link is not followed, nor removed
      return reply_error(r, result_code::path_not_allowed, "symbolic links are not followed");
    default:
      return reply_error(r, result_code::dir_not_exist, "no directory of that name");
  }
  const int error = context().config.delete_dir_recursive
                        ? files::remove_tree(parent_fd, name)
                        : (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno);
  if (error == 0) return reply_ok(r);
  if (error == ENOTEMPTY || error == EEXIST) {
    return reply_error(r, result_code::delete_dir_error, "the directory is not empty");
  }
  if (error == ENOENT)
    return reply_error(r, result_code::dir_not_exist, "no directory of that name");
  reply_error(r, result_code::delete_dir_error, system_message(error));
}

void upload_session::delete_file(const net::request& r) {
  net::key_reader keys(r);
  const auto dir_value = keys.text("DirName", net::presence::required);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  std::vector<std::string_view> items;
  for (const auto& pair : r.text.pairs()) {
    if (codec::iequals(pair.key, "Item")) items.push_back(pair.value);
  }
  if (items.empty()) return reply_error(r, result_code::parameter_error, "no Item to delete");
  // Every ParameterError goes before any PathNotAllowed (§6.4).
  if (std::any_of(items.begin(), items.end(), [](std::string_view item) { return item.empty(); })) {
    return reply_error(r, result_code::parameter_error, "an Item is empty");
  }
  // §10.6: every name is validated, then every file checked, and only then is anything deleted.
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const auto item : items) {
    auto name = checked(r, item, files::path_kind::name);
    if (!name) return;
    names.push_back(std::move(*name));
  }
  const auto directory = checked(r, *dir_value, files::path_kind::dir);
  if (!directory) return;
  const files::unique_fd dir_fd = open_dir(r, *directory);
  if (!dir_fd) return;
  for (const auto& name : names) {
    switch (files::status_at(dir_fd.get(), name).type) {
      case files::entry_type::regular:
        break;
      case files::entry_type::missing:
        return reply_error(r, result_code::file_not_exist, name);
      case files::entry_type::symlink:  // §19.5
        return reply_error(r, result_code::path_not_allowed, name);
      default:
        return reply_error(r, result_code::not_a_file, name);
    }
    if (claims().write_locked(files::join_path(*directory, name))) {
      return reply_error(r, result_code::file_is_in_use, name);
    }
  }
  for (const auto& name : names) {
    if (::unlinkat(dir_fd.get(), name.c_str(), 0) != 0) {
      return reply_error(r, result_code::delete_file_failed, name + ": " + system_message(errno));
    }
  }
  reply_ok(r);
}

}  // namespace asyncsvr::protocols
