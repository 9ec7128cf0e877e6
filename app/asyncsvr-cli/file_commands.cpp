// ls, mkdir, rmdir, rm: the file-management requests of the Upload protocol (§10.2–§10.6).

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/remote_files.hpp"
#include "commands.hpp"

namespace asyncsvr::cli {

namespace {

client::connection connect(const command_context& context) {
  return client::open_session(context.io, context.options.account, upload_protocol);
}

// "name/" for directories, "name  size" for files, names padded to one column.
void print_listing(const client::remote_listing& listing) {
  std::size_t width = 0;
  for (const auto& dir : listing.dirs)
    width = std::max(width, dir.size() + 1);
  for (const auto& file : listing.files)
    width = std::max(width, file.name.size());
  for (const auto& dir : listing.dirs)
    std::cout << dir << "/\n";
  for (const auto& file : listing.files) {
    std::cout << std::left << std::setw(static_cast<int>(width)) << file.name << "  " << std::right
              << file.size << '\n';
  }
}

}  // namespace

void run_ls(const command_context& context) {
  const auto& args = context.options.args;
  const auto dir = client::trim_remote_path(args.empty() ? "" : args.front());
  auto c = connect(context);
  const auto listing = client::list_dir(c, dir);
  print_listing(listing);
  if (listing.truncated) {
    std::cerr << "asyncsvr-cli: the server cut the listing short (Truncated=1)\n";
  }
}

void run_mkdir(const command_context& context) {
  auto c = connect(context);
  client::create_dir(c, client::split_remote_path(context.options.args.front()));
}

void run_rmdir(const command_context& context) {
  auto c = connect(context);
  client::delete_dir(c, client::split_remote_path(context.options.args.front()));
}

void run_rm(const command_context& context) {
  // One DeleteFile per directory, in the order the directories first appear.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_dir;
  for (const auto& arg : context.options.args) {
    auto path = client::split_remote_path(arg);
    auto group = std::find_if(by_dir.begin(), by_dir.end(),
                              [&](const auto& entry) { return entry.first == path.dir; });
    if (group == by_dir.end()) group = by_dir.insert(by_dir.end(), {std::move(path.dir), {}});
    group->second.push_back(std::move(path.name));
  }
  auto c = connect(context);
  for (const auto& [dir, names] : by_dir)
    client::delete_files(c, dir, names);
}

}  // namespace asyncsvr::cli
