#pragma once
// Uploading a local file with resume (PROTOCOL.md §10.7–§10.9).
//
// Thread-safety: none; runs on the caller's thread, over the caller's session.

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/remote_path.hpp"
#include "asyncsvr/client/transfer_listener.hpp"

namespace asyncsvr::client {

// Data payload per frame. Large enough that per-frame costs vanish next to the copy through the
// kernel, small enough to stay in cache; reduced to what max_packet_size allows.
inline constexpr std::size_t default_upload_chunk = 256 * 1024;

// Uploads `local` as target.dir/target.name over `session`, an Upload-protocol session (flag 2).
// Sending starts at the server's resume offset, so an interrupted upload — in this call after a
// reconnection, or from an earlier run — continues without resending what the server holds.
// Returns the size of the published file. Throws server_error when the server refuses (a failed
// Data included, §10.8), client::error when the connection cannot be restored, std::system_error
// when the local file cannot be read, and std::runtime_error when the server holds more bytes
// than the local file has (a partial upload of some other content).
std::uint64_t upload_file(reconnecting_session& session, const std::filesystem::path& local,
                          const remote_path& target, transfer_listener& listener,
                          std::size_t chunk_size = default_upload_chunk);

}  // namespace asyncsvr::client
