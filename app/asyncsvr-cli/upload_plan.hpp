#pragma once
// What `upload LOCAL... [REMOTE_DIR]` will do, worked out before connecting, so that a bad
// argument is reported before anything is sent: which argument is the remote directory, glob
// patterns the shell left alone, and with -r the directories to create and the files in them.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "asyncsvr/client/remote_path.hpp"

namespace asyncsvr::cli {

struct upload_plan {
  struct file {
    std::filesystem::path local;
    client::remote_path target;
  };
  std::vector<client::remote_path> dirs;  // to create first, parents before children (-r)
  std::vector<file> files;
  std::vector<std::string> skipped;  // why entries of a -r tree are left out
};

// `args` are the command's arguments; `remote_dir` is -d's value. The remote directory is -d's
// value when given, else the last argument when there are two or more and it exists neither
// locally nor as a glob pattern, else the root. Throws usage_error for a LOCAL that does not
// exist, matches nothing, or is a directory without -r.
upload_plan plan_upload(const std::vector<std::string>& args,
                        const std::optional<std::string>& remote_dir, bool recursive);

}  // namespace asyncsvr::cli
