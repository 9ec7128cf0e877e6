#pragma once
// What the Upload (§10) and Download (§11) protocols share: Dir and FileList, and turning path
// keys into checked paths and open directories beneath file_root, with the §7 refusals as
// replies.

#include <optional>
#include <string>
#include <string_view>

#include "asyncsvr/files/path_rules.hpp"
#include "asyncsvr/files/sandbox.hpp"
#include "asyncsvr/net/framed_session.hpp"

namespace asyncsvr::protocols {

class file_session : public net::framed_session {
 public:
  using framed_session::framed_session;

 protected:
  // Dir (§10.2): the subdirectories of ParentDir.
  void dir(const net::request& r);
  // FileList (§10.5): the regular files of DirName with their sizes.
  void file_list(const net::request& r);

  // The canonical form of a path value (§7); on refusal replies and returns nothing.
  std::optional<std::string> checked(const net::request& r, std::string_view value,
                                     files::path_kind kind);
  // Opens a checked directory beneath file_root; on failure replies and returns an empty fd.
  files::unique_fd open_dir(const net::request& r, std::string_view canonical);

  using framed_session::reply_error;
  void reply_error(const net::request& r, const files::fs_error& error) {
    reply_error(r, error.code, error.message);
  }

 private:
  void list(const net::request& r, std::string_view key, files::entry_type type);
};

}  // namespace asyncsvr::protocols
