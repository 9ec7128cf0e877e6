#include "upload_plan.hpp"

#include <algorithm>
#include <glob.h>
#include <string_view>

#include "options.hpp"

namespace asyncsvr::cli {

namespace {

namespace fs = std::filesystem;

bool is_pattern(std::string_view arg) {
  return arg.find_first_of("*?[") != std::string_view::npos;
}

// Expands a pattern the shell did not (quoted, or a shell without globbing), sorted.
std::vector<fs::path> expand(const std::string& pattern) {
  glob_t matches{};
  const int result = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<fs::path> paths(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  ::globfree(&matches);
  if (result == GLOB_NOMATCH) throw usage_error("no local file matches '" + pattern + "'");
  if (result != 0) throw usage_error("cannot expand '" + pattern + "'");
  return paths;
}

// The name a local directory gets on the server: its own name, also when written as "photos/",
// "." or "..".
std::string directory_name(const fs::path& dir) {
  auto absolute = fs::absolute(dir).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();
  const auto name = absolute.filename().string();
  if (name.empty())
    throw usage_error("cannot name a remote directory after '" + dir.string() + "'");
  return name;
}

// The tree under `dir` as `remote` (created first), parents before children.
void add_tree(const fs::path& dir, const std::string& remote, upload_plan& plan) {
  plan.dirs.push_back(client::split_remote_path(remote));
  std::vector<fs::directory_entry> entries(fs::recursive_directory_iterator(dir), {});
  std::sort(entries.begin(), entries.end());
  for (const auto& entry : entries) {
    const auto target =
        client::join_remote_path(remote, entry.path().lexically_relative(dir).generic_string());
    if (entry.is_symlink() && entry.is_directory()) {
      // Not followed: a link back up the tree would never end.
      plan.skipped.push_back(entry.path().string() + ": symbolic link to a directory");
    } else if (entry.is_directory()) {
      plan.dirs.push_back(client::split_remote_path(target));
    } else if (entry.is_regular_file()) {
      plan.files.push_back({entry.path(), client::split_remote_path(target)});
    } else {
      plan.skipped.push_back(entry.path().string() + ": not a regular file");
    }
  }
}

void add_local(const fs::path& local, const std::string& remote_dir, bool recursive,
               upload_plan& plan) {
  const auto status = fs::status(local);
  if (fs::is_regular_file(status)) {
    plan.files.push_back({local, {remote_dir, local.filename().string()}});
  } else if (fs::is_directory(status)) {
    if (!recursive) {
      throw usage_error(local.string() + " is a directory; -r uploads it with its contents, " +
                        "-d DIR names the remote directory");
    }
    add_tree(local, client::join_remote_path(remote_dir, directory_name(local)), plan);
  } else if (fs::exists(status)) {
    throw usage_error(local.string() + " is not a regular file");
  } else {
    throw usage_error(local.string() + " does not exist");
  }
}

}  // namespace

upload_plan plan_upload(const std::vector<std::string>& args,
                        const std::optional<std::string>& remote_dir, bool recursive) {
  auto locals = args;
  std::string remote;
  if (remote_dir) {
    remote = client::trim_remote_path(*remote_dir);
  } else if (locals.size() >= 2 && !is_pattern(locals.back()) && !fs::exists(locals.back())) {
    remote = client::trim_remote_path(locals.back());
    locals.pop_back();
  }
  if (locals.empty()) throw usage_error("upload needs at least one LOCAL file");

  upload_plan plan;
  for (const auto& arg : locals) {
    if (is_pattern(arg) && !fs::exists(arg)) {
      for (const auto& match : expand(arg))
        add_local(match, remote, recursive, plan);
    } else {
      add_local(arg, remote, recursive, plan);
    }
  }
  return plan;
}

}  // namespace asyncsvr::cli
