#pragma once
// Upload protocol, flag 2 (PROTOCOL.md §10): browsing and changing the tree under file_root,
// and uploads that are staged, resumable and published atomically.
//
// An upload's bytes are appended to its partial file in the staging area on the session's strand:
// a write of at most one frame goes to the page cache and returns in microseconds, and keeping it
// on the strand keeps Data frames in order without a queue. Only Eof's fsync and rename, which
// can take as long as the disk needs, run on the file workers.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "asyncsvr/files/file_claims.hpp"
#include "asyncsvr/files/unique_fd.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "file_session.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t upload_flag = 2;

class upload_session final : public file_session, public files::upload_owner {
 public:
  using file_session::file_session;

  void surrender(std::function<void()> released) override;

 private:
  // The upload open on this connection (§10.1): at most one.
  struct open_upload {
    std::string target;     // canonical path of the file being uploaded
    std::string directory;  // canonical path of its directory
    std::string name;       // its last component
    files::unique_fd partial;
    std::uint64_t size = 0;  // bytes in the partial, the resume offset
  };

  std::span<const net::command_spec> commands() const override;
  void on_close() override;

  // CreateDir's and DeleteDir's ParentDir, opened, and DirName, checked; on failure replies.
  struct dir_entry {
    files::unique_fd parent;
    std::string name;
  };
  std::optional<dir_entry> directory_entry(const net::request& r);
  void create_dir(const net::request& r);
  void delete_dir(const net::request& r);
  void delete_file(const net::request& r);
  void upload(const net::request& r);
  void data(const net::request& r);
  void eof(const net::request& r);

  // Opens the partial of an upload this session now owns and replies with the resume offset.
  void open_owned(std::string target, std::string directory, std::string name);
  void published(const files::fs_error& error);
  void fail_data(codec::result_code code, std::string_view message);
  // Closes the open upload without completing it; its partial stays for a later resume.
  void close_upload() noexcept;
  files::file_claims& claims() noexcept;

  std::optional<open_upload> upload_;
  bool publishing_ = false;  // Eof's fsync and rename are running on a worker
  // A takeover that arrived while publishing; it completes when the publication does.
  std::function<void()> surrender_after_publish_;
};

void register_upload(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
