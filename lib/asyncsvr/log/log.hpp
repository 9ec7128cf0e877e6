#pragma once
// The project's logging front end. Call sites stay cheap and free of Boost.Log's heavy templates:
// the level check is one relaxed atomic load, and only enabled records are formatted and handed
// to Boost.Log (log.cpp) together with the session id they belong to.
//
// Thread-safety: every function here may be called from any thread.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string_view>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::log {

using severity = log_severity;

namespace detail {
extern std::atomic<int> threshold;
}

inline bool enabled(severity level) noexcept {
  return static_cast<int>(level) >= detail::threshold.load(std::memory_order_relaxed);
}

void set_level(severity level) noexcept;

// Installs the console sink. Timestamps are left out when a supervisor (journald) adds its own.
void init_console(severity level, bool with_timestamps = true);

// Adds a file sink (with timestamps) beside the console: `file` is written until it passes
// `max_size` bytes, then renamed to `file`.0, .1, … and a new one started; only the newest
// `count` renamed files are kept, also across restarts. Throws when the file cannot be opened.
void init_file(const std::filesystem::path& file, std::uint64_t max_size, unsigned count);

// session_id 0 means "not about a session".
void write(severity level, std::uint64_t session_id, std::string_view message);

// Collects one record's text and writes it when destroyed.
class record {
 public:
  record(severity level, std::uint64_t session_id) : level_(level), session_id_(session_id) {}
  record(const record&) = delete;
  record& operator=(const record&) = delete;
  ~record() { write(level_, session_id_, stream_.view()); }
  std::ostream& stream() { return stream_; }

 private:
  severity level_;
  std::uint64_t session_id_;
  std::ostringstream stream_;
};

}  // namespace asyncsvr::log

#define ASYNCSVR_LOG(level, session_id)   \
  if (!::asyncsvr::log::enabled(level)) { \
  } else                                  \
    ::asyncsvr::log::record(level, session_id).stream()

#define LOG_TRACE(sid) ASYNCSVR_LOG(::asyncsvr::log_severity::trace, sid)
#define LOG_DEBUG(sid) ASYNCSVR_LOG(::asyncsvr::log_severity::debug, sid)
#define LOG_INFO(sid) ASYNCSVR_LOG(::asyncsvr::log_severity::info, sid)
#define LOG_WARN(sid) ASYNCSVR_LOG(::asyncsvr::log_severity::warning, sid)
#define LOG_ERROR(sid) ASYNCSVR_LOG(::asyncsvr::log_severity::error, sid)
