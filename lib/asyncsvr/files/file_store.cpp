#include "file_store.hpp"

#include <algorithm>
#include <unordered_set>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "asyncsvr/log/log.hpp"

namespace asyncsvr::files {
namespace {

// Often enough that a partial goes within a quarter of its time to live after it expires, never
// more than once a minute (the scan reads the whole staging directory) nor once a second.
std::chrono::steady_clock::duration sweep_interval(const server_config& config) {
  return std::clamp<std::chrono::steady_clock::duration>(
      config.upload_partial_ttl / 4, std::chrono::seconds(1), std::chrono::minutes(1));
}
// fsync of a large file can take seconds on a busy disk; two threads keep one slow flush from
// holding up every other upload's Eof and download's reads.
constexpr std::size_t worker_threads = 2;

bool same_directory(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

}  // namespace

file_store::file_store(const server_config& config)
    : config_(config),
      root_(config.file_root),
      staging_(config.staging_dir, root_),
      workers_(std::make_unique<boost::asio::thread_pool>(worker_threads)),
      // Not at once: a server starting up has better things to do than to scan for leftovers.
      next_sweep_(std::chrono::steady_clock::now() + sweep_interval(config)) {
  if (!config.remote_stream_root.empty() &&
      !same_directory(config.remote_stream_root, config.file_root)) {
    stream_root_ = std::make_unique<sandbox>(config.remote_stream_root);
  }
}

file_store::~file_store() {
  join();
}

void file_store::join() noexcept {
  workers_->join();
}

void file_store::sweep_partials(std::chrono::steady_clock::time_point now) {
  if (now < next_sweep_) return;
  next_sweep_ = now + sweep_interval(config_);
  // Reading a large staging directory is blocking file work, so it runs on a worker.
  boost::asio::post(*workers_, [this] {
    std::unordered_set<std::string> in_use;
    for (const auto& path : claims_.owned_uploads()) {
      in_use.insert(staging_area::partial_name(path));
    }
    const std::size_t removed =
        staging_.sweep(config_.upload_partial_ttl,
                       [&](std::string_view name) { return in_use.contains(std::string(name)); });
    if (removed > 0) {
      LOG_INFO(0) << "removed " << removed << " expired partial uploads";
    }
  });
}

}  // namespace asyncsvr::files
