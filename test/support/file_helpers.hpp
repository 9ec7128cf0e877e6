#pragma once
// Real files for the file-protocol tests: contents to upload, and checks of what landed on disk.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/client/connection.hpp"

namespace asyncsvr::test {

using auth::sha256_hex;

// `size` bytes that differ from seed to seed (so a misplaced chunk shows in a hash).
std::string random_bytes(std::size_t size, std::uint32_t seed = 1);
std::string read_file(const std::filesystem::path& path);
// Bytes per Upload Data frame that send_data() sends.
inline constexpr std::size_t data_chunk = 64 * 1024;

// Sends `bytes` as Upload Data frames of at most data_chunk bytes (Data has no reply, §10.8).
void send_data(client::connection& c, std::string_view bytes);

// Creates the file's directory first if needed.
void write_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace asyncsvr::test
