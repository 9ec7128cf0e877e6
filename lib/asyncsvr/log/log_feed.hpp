#pragma once
// The process's log as a feed (DESIGN.md: "one sink fans out to LogOutput subscribers"): every
// record written through log::write() is formatted as a §14.2 line, kept in a ring of the last
// `backlog` lines, and offered to every subscriber. A new subscriber gets the backlog first, then
// live lines, with nothing lost or repeated in between.
//
// While there is neither a backlog nor a subscriber (tools, unit tests) a record costs the feed
// one relaxed atomic load.
//
// Thread-safety: every function may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/log/log_subscriber.hpp"

namespace asyncsvr::log {

// Keeps the last `lines` lines for new subscribers (0: none). Lines already kept beyond the new
// size are forgotten.
void keep_backlog(std::size_t lines);

// Registers a subscriber, first queuing the backlog into it (within its limits).
void subscribe(const std::shared_ptr<log_subscriber>& subscriber);
// After this returns, no logging thread offers the subscriber anything more.
void unsubscribe(const log_subscriber* subscriber);

namespace detail {
bool feed_active() noexcept;
void feed_publish(log_severity level, std::uint64_t session_id, std::string_view text);
}  // namespace detail

}  // namespace asyncsvr::log
