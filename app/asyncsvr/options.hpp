#pragma once
// Start-up settings: the command line and an optional config file, merged into one validated
// server_config.
//
// Every server_config field is a setting. Its config-file key is the field name (the PROTOCOL.md
// §18 name where §18 has one) and its flag is that name with '-' for '_':
// `max_packet_size = 8M` in the file, `--max-packet-size 8M` on the command line. The command
// line wins over the file, the file over the built-in default. Units and syntax are those of
// asyncsvr/config/units.hpp.
//
// Thread-safety: pure functions of their arguments; call from any thread.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr {

// what() names the offending setting the way the user wrote it: "--idle-timeout: ..." on the
// command line, "FILE: idle_timeout: ..." in a config file, "idle_timeout: ..." for a rule
// between settings.
class options_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct startup_options {
  server_config config;
  bool show_help = false;
  bool show_version = false;
  std::string help_text;  // always filled, so a caller can also print it after an error
  std::optional<std::filesystem::path> config_file;  // the --config file that was read
  // Windows only, where --service, --install-service and --uninstall-service exist
  // (app/asyncsvr/windows_service.hpp); elsewhere always `none`.
  enum class service_action { none, run, install, uninstall };
  service_action windows_service = service_action::none;
};

// With --help or --version nothing else is read or checked and `config` keeps its defaults, so
// help works even when the configuration is broken. Otherwise the result is complete: empty
// file_root, staging_dir and remote_stream_root are derived from data_dir, and every limit and rule
// between settings has been checked. Throws options_error.
startup_options parse_options(int argc, const char* const argv[]);

// Every setting as (key, value) in the syntax the config file takes, in --help order: for
// logging the effective configuration at start-up.
std::vector<std::pair<std::string, std::string>> effective_settings(const server_config& config);

// "asyncsvr <version>", what --version prints.
std::string version_text();

}  // namespace asyncsvr
