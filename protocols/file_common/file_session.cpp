#include "file_session.hpp"

#include "asyncsvr/files/file_store.hpp"
#include "asyncsvr/files/listing.hpp"

namespace asyncsvr::protocols {

void file_session::dir(const net::request& r) {
  list(r, "ParentDir", files::entry_type::directory);
}

void file_session::file_list(const net::request& r) {
  list(r, "DirName", files::entry_type::regular);
}

void file_session::list(const net::request& r, std::string_view key, files::entry_type type) {
  net::key_reader keys(r);
  const auto value = keys.text(key, net::presence::required);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  const auto canonical = checked(r, *value, files::path_kind::dir);
  if (!canonical) return;
  const files::unique_fd directory = open_dir(r, *canonical);
  if (!directory) return;
  files::fs_error error;
  const auto entries = files::list_directory(directory.get(), type, error);
  if (error) return reply_error(r, error);
  auto reply = begin_reply(r);
  std::string item;
  for (const auto& entry : entries) {
    item = entry.name;
    if (type == files::entry_type::regular) {
      item += '\x01';  // the TextSeperator of §10.5
      item += std::to_string(entry.size);
    }
    if (!add_listed(reply, "Item", item)) break;
  }
  send(reply.text());
}

std::optional<std::string> file_session::checked(const net::request& r, std::string_view value,
                                                 files::path_kind kind) {
  files::checked_path path = files::check_path(value, kind);
  if (!path.ok()) {
    reply_error(r, path.error,
                path.error == codec::result_code::parameter_error ? "empty name" : "path refused");
    return std::nullopt;
  }
  return std::move(path.canonical);
}

files::unique_fd file_session::open_dir(const net::request& r, std::string_view canonical) {
  files::fs_error error;
  files::unique_fd directory = context().files.root().open_dir(canonical, error);
  if (!directory) reply_error(r, error);
  return directory;
}

}  // namespace asyncsvr::protocols
