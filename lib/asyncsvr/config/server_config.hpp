#pragma once
// Every setting the server reads, parsed once at start-up into this plain struct (see
// app/asyncsvr/options.cpp for the names, units and validation). Names follow PROTOCOL.md §18 so
// that a reader can grep one name across the contract, the config file and the code.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace asyncsvr {

enum class byte_order { little, big };
enum class plaintext_login { allow, loopback, deny };
enum class log_severity { trace, debug, info, warning, error, fatal };

using duration = std::chrono::milliseconds;

inline constexpr std::uint64_t kib = 1024;
inline constexpr std::uint64_t mib = 1024 * kib;

struct server_config {
  // Listening. An empty `listen` means every interface, IPv4 and IPv6.
  std::vector<std::string> listen;
  std::uint16_t port = 9999;
  std::optional<std::uint16_t> tls_port;
  // TLS (§6.5): PEM files, read at start-up and on SIGHUP.
  std::filesystem::path tls_certificate_file;  // the server's certificate chain, leaf first
  std::filesystem::path tls_private_key_file;
  duration tls_handshake_timeout = std::chrono::seconds(10);
  // Linux caps it at net.core.somaxconn (4096 since 5.4); a burst of thousands of connects that
  // finds the queue full loses handshakes to retransmission timeouts.
  int listen_backlog = 4096;
  unsigned threads = 0;  // 0 = one per hardware thread

  // Framing (§3).
  asyncsvr::byte_order byte_order = byte_order::little;
  std::uint64_t max_packet_size = 4 * mib;
  std::uint64_t max_command_text = 64 * kib;

  // Connections and timers (§2, §8).
  std::uint64_t max_connections = 100000;
  // Ours, not §18: connections from one peer address (IPv4-mapped IPv6 counts as IPv4); 0 =
  // unlimited. 1000 is 1% of max_connections, so one host cannot take the server's slots alone.
  std::uint64_t max_connections_per_ip = 1000;
  duration handshake_timeout = std::chrono::seconds(6);
  duration login_timeout = std::chrono::seconds(60);
  duration idle_timeout = std::chrono::seconds(300);
  duration send_stall_timeout = std::chrono::seconds(60);
  std::uint64_t send_queue_high_water = 8 * mib;
  std::uint64_t send_queue_low_water = 2 * mib;
  duration close_linger = std::chrono::seconds(2);  // §2.3: close 2 s after a final notice
  duration shutdown_timeout = std::chrono::seconds(10);

  // Authentication (§6).
  std::filesystem::path users_file = "etc/users";
  unsigned max_login_failures = 5;
  plaintext_login login_on_plaintext = plaintext_login::allow;
  unsigned auth_threads = 1;  // PBKDF2 runs here, never on an I/O thread
  // Ours, not §18: per-address back-off against password guessing. Once an address has
  // login_backoff_failures failed checks (0 = off), each less than login_backoff_window after the
  // one before, its next Logins wait login_backoff_delay before being checked, doubling with each
  // further failure up to login_backoff_max.
  unsigned login_backoff_failures = 20;
  duration login_backoff_window = std::chrono::minutes(15);
  duration login_backoff_delay = std::chrono::seconds(1);
  duration login_backoff_max = std::chrono::seconds(30);

  // Files (§7, §10–§12). Empty paths are derived from data_dir at start-up.
  std::filesystem::path data_dir = "data";
  std::filesystem::path file_root;
  std::filesystem::path staging_dir;
  duration upload_partial_ttl = std::chrono::hours(24 * 7);
  std::uint64_t upload_max_file_size = 0;  // 0 = unlimited
  bool delete_dir_recursive = false;
  std::uint64_t download_max_chunk = 1 * mib;
  unsigned download_inflight = 2;
  std::filesystem::path remote_stream_root;
  std::uint64_t remote_stream_max_read = 1 * mib;

  // Protocol policies (§9, §13, §14).
  bool throughput_allow_anonymous = false;
  bool get_clients_admin_only = true;
  bool log_output_admin_only = true;
  unsigned log_output_backlog = 100;
  unsigned log_output_queue = 1024;  // lines
  std::uint64_t log_output_queue_bytes = 1 * mib;
  bool log_output_legacy_raw = false;
  std::string log_output_legacy_raw_allow = "127.0.0.0/8, ::1";

  // Memory.
  std::uint64_t buffer_pool_cache_limit = 64 * mib;  // cached free buffers kept for reuse

  // Operations.
  std::string status_listen = "127.0.0.1";
  std::uint16_t status_port = 9990;  // 0 = no status endpoint
  std::string status_token;          // empty = /status open and /log-level off
  log_severity log_level = log_severity::info;
  std::filesystem::path log_file;               // empty = no log file, console only
  std::uint64_t log_file_max_size = 100 * mib;  // the file is rotated beyond this size
  unsigned log_file_count = 10;                 // rotated files kept besides the current one
};

// Fills the file paths left empty from data_dir, as §18 defines their defaults.
inline void derive_file_paths(server_config& config) {
  if (config.file_root.empty()) config.file_root = config.data_dir / "files";
  if (config.staging_dir.empty()) config.staging_dir = config.data_dir / ".staging";
  if (config.remote_stream_root.empty()) config.remote_stream_root = config.file_root;
}

}  // namespace asyncsvr
