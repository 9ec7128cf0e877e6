#pragma once
// The commands of asyncsvr-cli, one function each. They print results on stdout (and progress
// on stderr) and report failure by throwing: client::server_error when the server refuses,
// usage_error for a bad argument, anything else for connection and local I/O failures; main()
// turns these into exit codes 1, 2 and 3.

#include <boost/asio/io_context.hpp>

#include "options.hpp"

namespace asyncsvr::cli {

// Protocol flags (PROTOCOL.md §2.1).
inline constexpr std::uint8_t upload_protocol = 2;
inline constexpr std::uint8_t download_protocol = 3;
inline constexpr std::uint8_t remote_stream_protocol = 4;
inline constexpr std::uint8_t control_protocol = 8;
inline constexpr std::uint8_t log_output_protocol = 9;

// Everything a command needs; `options.account` carries the password when the command logs in.
struct command_context {
  const cli_options& options;
  boost::asio::io_context& io;
};

void run_upload(const command_context& context);
void run_download(const command_context& context);
void run_ls(const command_context& context);
void run_mkdir(const command_context& context);
void run_rmdir(const command_context& context);
void run_rm(const command_context& context);
void run_cat(const command_context& context);
void run_stat(const command_context& context);
void run_clients(const command_context& context);
void run_ping(const command_context& context);
void run_tail(const command_context& context);

}  // namespace asyncsvr::cli
