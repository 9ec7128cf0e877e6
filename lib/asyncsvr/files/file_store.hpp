#pragma once
// Everything the file protocols share for the server's life: the sandboxed roots, the staging
// area for partial uploads, the table of who writes what, and a few threads for file work that
// may block (fsync, reads that miss the page cache), which must not run on an I/O thread.
//
// Thread-safety: every member may be used from any thread.

#include <chrono>
#include <memory>

#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/files/file_claims.hpp"
#include "asyncsvr/files/sandbox.hpp"
#include "asyncsvr/files/staging_area.hpp"

namespace boost::asio {
class thread_pool;
}

namespace asyncsvr::files {

class file_store {
 public:
  // Creates and opens file_root, staging_dir and remote_stream_root; throws
  // std::filesystem::filesystem_error naming the directory that is unusable.
  explicit file_store(const server_config& config);
  ~file_store();
  file_store(const file_store&) = delete;
  file_store& operator=(const file_store&) = delete;

  const sandbox& root() const noexcept { return root_; }
  const staging_area& staging() const noexcept { return staging_; }
  file_claims& claims() noexcept { return claims_; }

  // RemoteStream's root and claims: file_root's unless remote_stream_root names another tree.
  const sandbox& stream_root() const noexcept { return stream_root_ ? *stream_root_ : root_; }
  file_claims& stream_claims() noexcept { return stream_root_ ? stream_claims_ : claims_; }

  // Threads for blocking file work; post to it and come back with session::run_on_strand.
  boost::asio::thread_pool& workers() noexcept { return *workers_; }
  // Stops the workers after the work already posted (called before the I/O threads end).
  void join() noexcept;

  // Removes partial uploads idle for longer than upload_partial_ttl, on a worker. Cheap when
  // called often: it scans the staging directory at most once every ttl/4 (between 1 s and 1
  // minute). Called from one thread.
  void sweep_partials(std::chrono::steady_clock::time_point now);

 private:
  const server_config& config_;
  sandbox root_;
  staging_area staging_;
  file_claims claims_;
  std::unique_ptr<sandbox> stream_root_;  // only when it differs from root_
  file_claims stream_claims_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::chrono::steady_clock::time_point next_sweep_;
};

}  // namespace asyncsvr::files
