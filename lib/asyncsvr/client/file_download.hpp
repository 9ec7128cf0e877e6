#pragma once
// Downloading a file with resume (PROTOCOL.md §11).
//
// Thread-safety: none; runs on the caller's thread, over the caller's session.

#include <cstdint>
#include <filesystem>

#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/remote_path.hpp"
#include "asyncsvr/client/transfer_listener.hpp"

namespace asyncsvr::client {

// Payload per Data push that we ask for; the server caps it at download_max_chunk (1 MiB by
// default, §11.2), and it is reduced to what max_packet_size allows.
inline constexpr std::uint32_t default_download_packet = 1024 * 1024;

// Where a download of `local` keeps its bytes until complete: `local` + ".part".
std::filesystem::path partial_download_path(const std::filesystem::path& local);

// Downloads `source` over `session`, a Download-protocol session (flag 3), into `local`. The
// bytes are appended to partial_download_path(local) straight from the receive buffer, and the
// request asks for what follows that file's size, so a rerun or a reconnection resumes. When
// complete the partial file is synced and renamed to `local` (replacing it). Returns the size.
// Throws server_error when the server refuses or reports a read failure (§11.3), client::error
// when the connection cannot be restored, std::system_error when the local file cannot be
// written, std::runtime_error when the server breaks the §11.3 sequence.
std::uint64_t download_file(reconnecting_session& session, const remote_path& source,
                            const std::filesystem::path& local, transfer_listener& listener,
                            std::uint32_t packet_size = default_download_packet);

}  // namespace asyncsvr::client
