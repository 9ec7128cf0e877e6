#include "asyncsvr/options.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using asyncsvr::options_error;
using asyncsvr::parse_options;
using asyncsvr::startup_options;

namespace {

using arguments = std::vector<std::string>;
using settings_map = std::map<std::string, std::string>;

startup_options parse(const arguments& args) {
  std::vector<const char*> argv{"asyncsvr"};
  for (const auto& arg : args)
    argv.push_back(arg.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

// The message of the options_error that `args` must cause.
std::string error_of(const arguments& args) {
  try {
    parse(args);
  } catch (const options_error& e) {
    return e.what();
  }
  BOOST_ERROR("no error for the arguments given");
  return {};
}

settings_map settings_of(const asyncsvr::server_config& config) {
  const auto list = asyncsvr::effective_settings(config);
  return {list.begin(), list.end()};
}

std::string flag_of(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return "--" + key;
}

// A config file that lives as long as the object.
class temp_config {
 public:
  explicit temp_config(const std::string& text) {
    static std::atomic<unsigned> serial{0};
    path_ = fs::temp_directory_path() /
            ("asyncsvr_options_test_" +
             std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "_" +
             std::to_string(serial++) + ".conf");
    std::ofstream(path_) << text;
  }
  temp_config(const temp_config&) = delete;
  temp_config& operator=(const temp_config&) = delete;
  ~temp_config() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

const fs::path sample_conf = fs::path(ASYNCSVR_SOURCE_DIR) / "etc" / "asyncsvr.conf";

}  // namespace

BOOST_AUTO_TEST_SUITE(options_defaults)

BOOST_AUTO_TEST_CASE(defaults_match_protocol_section_18) {
  const auto c = parse({}).config;
  BOOST_TEST(c.port == 9999);
  BOOST_TEST(!c.tls_port.has_value());
  BOOST_TEST((c.byte_order == asyncsvr::byte_order::little));
  BOOST_TEST(c.max_packet_size == 4194304u);
  BOOST_TEST(c.max_command_text == 65536u);
  BOOST_TEST(c.max_connections == 100000u);
  BOOST_TEST((c.handshake_timeout == 6s));
  BOOST_TEST((c.login_timeout == 60s));
  BOOST_TEST((c.idle_timeout == 300s));
  BOOST_TEST((c.send_stall_timeout == 60s));
  BOOST_TEST(c.send_queue_high_water == 8u * 1024 * 1024);
  BOOST_TEST(c.send_queue_low_water == 2u * 1024 * 1024);
  BOOST_TEST(c.users_file == fs::path("etc/users"));
  BOOST_TEST(c.max_login_failures == 5u);
  BOOST_TEST((c.login_on_plaintext == asyncsvr::plaintext_login::allow));
  BOOST_TEST(c.file_root == fs::path("data") / "files");
  BOOST_TEST(c.staging_dir == fs::path("data") / ".staging");
  BOOST_TEST((c.upload_partial_ttl == 168h));
  BOOST_TEST(c.upload_max_file_size == 0u);
  BOOST_TEST(c.delete_dir_recursive == false);
  BOOST_TEST(c.download_max_chunk == 1048576u);
  BOOST_TEST(c.download_inflight == 2u);
  BOOST_TEST(c.remote_stream_root == c.file_root);
  BOOST_TEST(c.remote_stream_max_read == 1048576u);
  BOOST_TEST(c.throughput_allow_anonymous == false);
  BOOST_TEST(c.get_clients_admin_only == true);
  BOOST_TEST(c.log_output_admin_only == true);
  BOOST_TEST(c.log_output_backlog == 100u);
  BOOST_TEST(c.log_output_queue == 1024u);
  BOOST_TEST(c.log_output_queue_bytes == 1048576u);
  BOOST_TEST(c.log_output_legacy_raw == false);
  BOOST_TEST(c.log_output_legacy_raw_allow == "127.0.0.0/8, ::1");
}

BOOST_AUTO_TEST_CASE(other_defaults) {
  const auto result = parse({});
  BOOST_TEST(!result.show_help);
  BOOST_TEST(!result.show_version);
  BOOST_TEST(!result.config_file.has_value());
  const auto& c = result.config;
  BOOST_TEST(c.listen.empty());  // every interface, IPv4 and IPv6
  BOOST_TEST(c.threads == 0u);
  BOOST_TEST(c.listen_backlog == 4096);
  BOOST_TEST(c.status_listen == "127.0.0.1");
  BOOST_TEST(c.status_port == 9990);
  BOOST_TEST((c.log_level == asyncsvr::log_severity::info));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_sources)

BOOST_AUTO_TEST_CASE(flag_and_config_key_are_equivalent) {
  const std::vector<std::pair<std::string, std::string>> samples{
      {"port", "1234"},
      {"tls_certificate_file", "/etc/asyncsvr/tls/chain.pem"},
      {"tls_handshake_timeout", "30s"},
      {"max_connections", "500"},
      {"threads", "8"},
      {"idle_timeout", "90s"},
      {"upload_partial_ttl", "2d"},
      {"max_packet_size", "6M"},
      {"send_queue_high_water", "16M"},
      {"byte_order", "big"},
      {"login_on_plaintext", "deny"},
      {"log_level", "debug"},
      {"delete_dir_recursive", "true"},
      {"get_clients_admin_only", "false"},
      {"users_file", "/etc/asyncsvr/users"},
      {"data_dir", "/var/lib/asyncsvr"},
      {"listen", "127.0.0.1"},
      {"status_listen", "::1"},
      {"log_output_legacy_raw_allow", "10.0.0.0/8, fd00::/8"},
  };
  const auto defaults = settings_of(parse({}).config);
  for (const auto& [key, value] : samples) {
    BOOST_TEST_CONTEXT(key) {
      const auto from_flag = settings_of(parse({flag_of(key), value}).config);
      const temp_config file(key + " = " + value + "\n");
      const auto from_file = settings_of(parse({"--config", file.path()}).config);
      BOOST_TEST(from_flag.at(key) == value);
      BOOST_TEST(from_flag.at(key) != defaults.at(key));
      BOOST_TEST((from_flag == from_file));
    }
  }
}

BOOST_AUTO_TEST_CASE(command_line_overrides_file) {
  const temp_config file(
      "# a comment\n"
      "port = 1000   # trailing comment\n"
      "idle_timeout = 10s\n"
      "listen = ::1\n"
      "listen = 10.0.0.1\n"
      "delete_dir_recursive = yes\n");
  const auto result = parse({"--port", "2000", "--config", file.path(), "--listen", "127.0.0.1",
                             "--delete-dir-recursive=off"});
  BOOST_TEST(result.config_file.value().string() == file.path());
  const auto& c = result.config;
  BOOST_TEST(c.port == 2000);
  BOOST_TEST((c.idle_timeout == 10s));
  BOOST_TEST(c.listen == std::vector<std::string>{"127.0.0.1"});
  BOOST_TEST(c.delete_dir_recursive == false);

  const auto from_file = parse({"--config", file.path()}).config;
  BOOST_TEST(from_file.listen == (std::vector<std::string>{"::1", "10.0.0.1"}));
}

BOOST_AUTO_TEST_CASE(listen_repeats_and_takes_lists) {
  const auto c =
      parse({"--listen", "127.0.0.1", "--listen", "::1, 10.0.0.1", "--listen=fe80::1"}).config;
  BOOST_TEST(c.listen == (std::vector<std::string>{"127.0.0.1", "::1", "10.0.0.1", "fe80::1"}));
}

BOOST_AUTO_TEST_CASE(tls_port_zero_is_off) {
  const arguments files{"--tls-certificate-file", "c.pem", "--tls-private-key-file", "k.pem"};
  auto with_files = [&](arguments args) {
    args.insert(args.end(), files.begin(), files.end());
    return parse(args).config;
  };
  BOOST_TEST(with_files({"--tls-port", "9443"}).tls_port.value_or(0) == 9443);
  BOOST_TEST(!with_files({"--tls-port", "0"}).tls_port.has_value());
  BOOST_TEST(!parse({"--tls-port", "0"}).config.tls_port.has_value());
}

BOOST_AUTO_TEST_CASE(empty_paths_are_derived_from_data_dir) {
  auto c = parse({"--data-dir", "/srv/a"}).config;
  BOOST_TEST(c.file_root == fs::path("/srv/a/files"));
  BOOST_TEST(c.staging_dir == fs::path("/srv/a/.staging"));
  BOOST_TEST(c.remote_stream_root == fs::path("/srv/a/files"));

  c = parse({"--data-dir", "/srv/a", "--file-root", "/srv/b", "--remote-stream-root", "/srv/c"})
          .config;
  BOOST_TEST(c.file_root == fs::path("/srv/b"));
  BOOST_TEST(c.staging_dir == fs::path("/srv/a/.staging"));
  BOOST_TEST(c.remote_stream_root == fs::path("/srv/c"));

  BOOST_TEST(parse({"--file-root", "/srv/b"}).config.remote_stream_root == fs::path("/srv/b"));
}

BOOST_AUTO_TEST_CASE(effective_settings_read_back_unchanged) {
  const auto original =
      parse({"--listen", "::1,127.0.0.1", "--tls-port", "9443", "--tls-certificate-file", "c.pem",
             "--tls-private-key-file", "k.pem", "--idle-timeout", "1.5s", "--max-packet-size",
             "1536K", "--byte-order", "big", "--throughput-allow-anonymous", "--users-file",
             "/etc/u"})
          .config;
  std::ostringstream text;
  for (const auto& [key, value] : asyncsvr::effective_settings(original)) {
    text << key << " = " << value << "\n";
  }
  const temp_config file(text.str());
  BOOST_TEST((settings_of(parse({"--config", file.path()}).config) == settings_of(original)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_booleans)

BOOST_AUTO_TEST_CASE(every_form_on_the_command_line) {
  const auto value = [](const arguments& args) { return parse(args).config.delete_dir_recursive; };
  BOOST_TEST(value({"--delete-dir-recursive"}) == true);
  for (const char* yes : {"true", "1", "yes", "on", "TRUE"}) {
    BOOST_TEST_CONTEXT(yes) {
      BOOST_TEST(value({std::string("--delete-dir-recursive=") + yes}) == true);
      BOOST_TEST(value({"--delete-dir-recursive", yes}) == true);
    }
  }
  for (const char* no : {"false", "0", "no", "off", "False"}) {
    BOOST_TEST_CONTEXT(no) {
      BOOST_TEST(value({std::string("--delete-dir-recursive=") + no}) == false);
      BOOST_TEST(value({"--delete-dir-recursive", no}) == false);
    }
  }
  // A bare flag does not swallow the option after it.
  const auto c = parse({"--get-clients-admin-only", "--port", "1234"}).config;
  BOOST_TEST(c.get_clients_admin_only == true);
  BOOST_TEST(c.port == 1234);
}

BOOST_AUTO_TEST_CASE(every_form_in_the_file) {
  for (const char* yes : {"true", "1", "yes", "on"}) {
    const temp_config file(std::string("throughput_allow_anonymous = ") + yes + "\n");
    BOOST_TEST(parse({"--config", file.path()}).config.throughput_allow_anonymous == true);
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    const temp_config file(std::string("log_output_admin_only=") + no + "\n");
    BOOST_TEST(parse({"--config", file.path()}).config.log_output_admin_only == false);
  }
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_option) {
  BOOST_TEST(error_of({"--delete-dir-recursive=maybe"}) ==
             "--delete-dir-recursive: 'maybe' is not a boolean (use true/false, yes/no, on/off "
             "or 1/0)");
  const temp_config file("log_output_legacy_raw = 2\n");
  BOOST_TEST(error_of({"--config", file.path()}) ==
             file.path() +
                 ": log_output_legacy_raw: '2' is not a boolean (use true/false, yes/no, on/off "
                 "or 1/0)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_validation)

BOOST_AUTO_TEST_CASE(unit_errors_name_the_option) {
  BOOST_TEST(error_of({"--idle-timeout", "5x"}) ==
             "--idle-timeout: '5x' is not a duration (use ms, s, m, h or d; a bare number is "
             "seconds)");
  BOOST_TEST(error_of({"--max-packet-size", "4X"}) ==
             "--max-packet-size: '4X' is not a size (use K, M, G or T, powers of 1024; a bare "
             "number is bytes)");
  BOOST_TEST(error_of({"--max-connections", "many"}) ==
             "--max-connections: 'many' is not a whole number");
  BOOST_TEST(error_of({"--port", "-1"}) == "--port: '-1' is negative");
  const temp_config file("idle_timeout = 5x\n");
  BOOST_TEST(error_of({"--config", file.path()}).starts_with(file.path() + ": idle_timeout: '5x'"));
}

BOOST_AUTO_TEST_CASE(ranges_name_the_option) {
  const std::vector<std::pair<arguments, std::string>> cases{
      {{"--port", "65536"}, "--port: must be at most 65535"},
      {{"--tls-port", "65536"}, "--tls-port: must be at most 65535"},
      {{"--status-port", "65536"}, "--status-port: must be at most 65535"},
      {{"--max-packet-size", "63"}, "--max-packet-size: must be between 64 and 1G"},
      {{"--max-packet-size", "1025M"}, "--max-packet-size: must be between 64 and 1G"},
      {{"--max-command-text", "63"}, "--max-command-text: must be at least 64"},
      {{"--max-connections", "0"}, "--max-connections: must be at least 1"},
      {{"--max-login-failures", "0"}, "--max-login-failures: must be at least 1"},
      {{"--download-max-chunk", "0"}, "--download-max-chunk: must be at least 1"},
      {{"--download-inflight", "0"}, "--download-inflight: must be at least 1"},
      {{"--threads", "1025"}, "--threads: must be at most 1024"},
      {{"--auth-threads", "0"}, "--auth-threads: must be between 1 and 1024"},
      {{"--listen-backlog", "0"}, "--listen-backlog: must be between 1 and 65535"},
      {{"--listen-backlog", "65536"}, "--listen-backlog: must be between 1 and 65535"},
      {{"--log-output-queue", "0"}, "--log-output-queue: must be at least 1"},
      {{"--log-output-queue-bytes", "0"}, "--log-output-queue-bytes: must be at least 1"},
      {{"--remote-stream-max-read", "0"}, "--remote-stream-max-read: must be at least 1"},
      {{"--upload-partial-ttl", "366d"}, "--upload-partial-ttl: must be between 1ms and 365d"},
      {{"--log-output-backlog", "4294967296"}, "--log-output-backlog: must be at most 4294967295"},
  };
  for (const auto& [args, message] : cases) {
    BOOST_TEST_CONTEXT(args.front()) {
      BOOST_TEST(error_of(args) == message);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_timeout_is_positive_and_at_most_30_days) {
  for (const char* key : {"handshake_timeout", "login_timeout", "idle_timeout",
                          "send_stall_timeout", "close_linger", "shutdown_timeout"}) {
    BOOST_TEST_CONTEXT(key) {
      const auto expected = flag_of(key) + ": must be between 1ms and 30d";
      BOOST_TEST(error_of({flag_of(key), "0"}) == expected);
      BOOST_TEST(error_of({flag_of(key), "31d"}) == expected);
      BOOST_TEST(parse({flag_of(key), "30d"}).config.port == 9999);
      BOOST_TEST(parse({flag_of(key), "1ms"}).config.port == 9999);
    }
  }
}

BOOST_AUTO_TEST_CASE(rules_between_settings_name_the_setting) {
  const std::vector<std::pair<arguments, std::string>> cases{
      {{"--max-command-text", "4194301"},
       "max_command_text: must be at most max_packet_size - 4 (4194300)"},
      {{"--send-queue-low-water", "8M"},
       "send_queue_low_water: must be below send_queue_high_water (8M)"},
      {{"--max-packet-size", "8M"},
       "send_queue_high_water: must be at least max_packet_size + 8 (8388616) so that one frame "
       "fits"},
      {{"--download-max-chunk", "5M"}, "download_max_chunk: must be at most max_packet_size (4M)"},
      {{"--tls-port", "9999"}, "tls_port: must differ from port (9999)"},
      {{"--status-port", "9999"}, "status_port: must differ from port and tls_port"},
      {{"--status-port", "9443", "--tls-port", "9443"},
       "status_port: must differ from port and tls_port"},
      {{"--tls-port", "9443"}, "tls_certificate_file: must be set when tls_port is"},
      {{"--tls-port", "9443", "--tls-certificate-file", "c.pem"},
       "tls_private_key_file: must be set when tls_port is"},
      {{"--staging-dir", "data/files/.staging"},
       "staging_dir: must be outside file_root, or clients would see partial uploads"},
      {{"--file-root", "data/.staging/"},
       "staging_dir: must be outside file_root, or clients would see partial uploads"},
      {{"--remote-stream-root", "data/files/sub"},
       "remote_stream_root: must be file_root itself or a tree apart from it"},
      {{"--remote-stream-root", "data"},
       "remote_stream_root: must be file_root itself or a tree apart from it"},
      {{"--users-file", ""}, "users_file: must not be empty"},
      {{"--data-dir", ""}, "data_dir: must not be empty"},
  };
  for (const auto& [args, message] : cases) {
    BOOST_TEST_CONTEXT(args.front()) {
      BOOST_TEST(error_of(args) == message);
    }
  }
  // The same limits hold at their edges.
  const auto c = parse({"--max-command-text", "4194300", "--send-queue-low-water", "4194311",
                        "--send-queue-high-water", "4194312", "--download-max-chunk", "4M",
                        "--status-port", "0"})
                     .config;
  BOOST_TEST(c.max_command_text == 4194300u);
  BOOST_TEST(c.status_port == 0);
}

BOOST_AUTO_TEST_CASE(addresses_and_choices) {
  const std::vector<std::pair<arguments, std::string>> cases{
      {{"--listen", "localhost"}, "--listen: 'localhost' is not an IP address"},
      {{"--listen", "::1,1.2.3"}, "--listen: '1.2.3' is not an IP address"},
      {{"--status-listen", "1.2.3.4.5"}, "--status-listen: '1.2.3.4.5' is not an IP address"},
      {{"--log-output-legacy-raw-allow", "10.0.0.0/8, bogus"},
       "--log-output-legacy-raw-allow: 'bogus' is not an IP address or CIDR block"},
      {{"--log-output-legacy-raw-allow", "10.0.0.0/33"},
       "--log-output-legacy-raw-allow: '10.0.0.0/33' has a bad prefix length (0 to 32)"},
      {{"--log-output-legacy-raw-allow", "::1/129"},
       "--log-output-legacy-raw-allow: '::1/129' has a bad prefix length (0 to 128)"},
      {{"--log-output-legacy-raw-allow", "10.0.0.0/x"},
       "--log-output-legacy-raw-allow: '10.0.0.0/x' has a bad prefix length (0 to 32)"},
      {{"--byte-order", "middle"}, "--byte-order: 'middle' is not one of little, big"},
      {{"--login-on-plaintext", "never"},
       "--login-on-plaintext: 'never' is not one of allow, loopback, deny"},
      {{"--log-level", "verbose"},
       "--log-level: 'verbose' is not one of trace, debug, info, warning, error, fatal"},
  };
  for (const auto& [args, message] : cases) {
    BOOST_TEST_CONTEXT(args.back()) {
      BOOST_TEST(error_of(args) == message);
    }
  }
  const auto c = parse({"--log-output-legacy-raw-allow", " 10.0.0.0/8 ,192.0.2.1,, fd00::/8 ",
                        "--login-on-plaintext", "loopback", "--log-level", "warning"})
                     .config;
  BOOST_TEST(c.log_output_legacy_raw_allow == "10.0.0.0/8, 192.0.2.1, fd00::/8");
  BOOST_TEST((c.login_on_plaintext == asyncsvr::plaintext_login::loopback));
  BOOST_TEST((c.log_level == asyncsvr::log_severity::warning));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_errors)

BOOST_AUTO_TEST_CASE(unknown_options_and_keys) {
  BOOST_TEST(error_of({"--bogus"}) == "unrecognised option '--bogus'");
  BOOST_TEST(error_of({"--idle", "5s"}) == "unrecognised option '--idle'");  // no prefix guessing
  BOOST_TEST(error_of({"--max_packet_size", "8M"}) == "unrecognised option '--max_packet_size'");
  BOOST_TEST(error_of({"stray"}) ==
             "unexpected argument 'stray'; settings are given as --name VALUE");
  BOOST_TEST(error_of({"--port", "1", "--port", "2"}) ==
             "option '--port' cannot be specified more than once");
  BOOST_TEST(error_of({"--port"}) == "the required argument for option '--port' is missing");

  const temp_config unknown("port = 1\nbogus_key = 5\n");
  BOOST_TEST(error_of({"--config", unknown.path()}) ==
             unknown.path() + ": unknown key 'bogus_key'");
  const temp_config dashed("max-packet-size = 8M\n");
  BOOST_TEST(error_of({"--config", dashed.path()}) ==
             dashed.path() + ": unknown key 'max-packet-size'");
  const temp_config sectioned("[server]\nport = 1\n");
  BOOST_TEST(error_of({"--config", sectioned.path()}) ==
             sectioned.path() + ": unknown key 'server.port'");
  const temp_config not_cli_only("config = other.conf\n");
  BOOST_TEST(error_of({"--config", not_cli_only.path()}) ==
             not_cli_only.path() + ": unknown key 'config'");
  const temp_config twice("port = 1\nport = 2\n");
  BOOST_TEST(error_of({"--config", twice.path()}) ==
             twice.path() + ": option 'port' cannot be specified more than once");
  const temp_config no_equals("port 1\n");
  BOOST_TEST(error_of({"--config", no_equals.path()}).starts_with(no_equals.path() + ": "));
}

BOOST_AUTO_TEST_CASE(unreadable_config_file) {
  BOOST_TEST(error_of({"--config", "/nonexistent/asyncsvr.conf"}) ==
             "--config: cannot read '/nonexistent/asyncsvr.conf'");
  const auto directory = fs::temp_directory_path().string();
  BOOST_TEST(error_of({"--config", directory}) == "--config: cannot read '" + directory + "'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_help)

BOOST_AUTO_TEST_CASE(help_and_version_skip_everything_else) {
  for (const char* flag : {"--help", "-h"}) {
    const auto result = parse({"--port", "0", flag, "--config", "/nonexistent"});
    BOOST_TEST(result.show_help);
    BOOST_TEST(!result.help_text.empty());
  }
  BOOST_TEST(parse({"--version", "--port", "0"}).show_version);
  BOOST_TEST(asyncsvr::version_text().starts_with("asyncsvr "));
  BOOST_TEST(asyncsvr::version_text().size() > std::string("asyncsvr ").size());
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_with_its_default) {
  const auto help = parse({}).help_text;
  // Descriptions wrap, so look for defaults in the text with its line breaks folded away.
  const auto folded = std::regex_replace(help, std::regex("\\s+"), " ");
  for (const auto& [key, value] : asyncsvr::effective_settings(asyncsvr::server_config{})) {
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(help.find("  " + flag_of(key) + " ") != std::string::npos);
      if (!value.empty()) {
        BOOST_TEST(folded.find("(default: " + value + ")") != std::string::npos);
      }
    }
  }
  for (const char* other : {"--help", "--version", "--config FILE"}) {
    BOOST_TEST(help.find(other) != std::string::npos);
  }
  // Units are spelled out for the reader.
  BOOST_TEST(help.find("--idle-timeout DURATION") != std::string::npos);
  BOOST_TEST(help.find("--max-packet-size SIZE") != std::string::npos);
  BOOST_TEST(help.find("--delete-dir-recursive [BOOL]") != std::string::npos);
  BOOST_TEST(help.find("--byte-order little|big") != std::string::npos);
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    BOOST_TEST_CONTEXT(line) {
      BOOST_TEST(line.size() <= 100u + 1);
    }  // one multi-byte '§'
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options_sample_conf)

BOOST_AUTO_TEST_CASE(sample_conf_parses_as_shipped) {
  const auto result = parse({"--config", sample_conf.string()});
  BOOST_TEST((settings_of(result.config) == settings_of(parse({}).config)));
}

// Every setting appears in the sample exactly once as "# key = default", and uncommenting all of
// them changes nothing: the sample documents the real defaults.
BOOST_AUTO_TEST_CASE(sample_conf_lists_every_setting_at_its_default) {
  const auto defaults = settings_of(parse({}).config);
  std::ifstream in(sample_conf);
  BOOST_REQUIRE(in);
  const std::regex setting_line("^# ([a-z_]+) =(.*)$");
  std::multiset<std::string> listed;
  std::string uncommented;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_match(line, match, setting_line) && defaults.count(match[1].str()) != 0) {
      listed.insert(match[1].str());
      uncommented += line.substr(2) + "\n";
    }
  }
  for (const auto& [key, value] : defaults) {
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(listed.count(key) == 1u);
    }
  }
  const temp_config file(uncommented);
  BOOST_TEST((settings_of(parse({"--config", file.path()}).config) == defaults));
}

BOOST_AUTO_TEST_SUITE_END()
