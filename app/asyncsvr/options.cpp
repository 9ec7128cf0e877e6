#include "asyncsvr/options.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <limits>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>

#include "asyncsvr/config/units.hpp"
#include "asyncsvr/net/address_list.hpp"

namespace asyncsvr {

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint64_t unbounded_count = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t max_port = 65535;
constexpr std::uint64_t max_threads = 1024;

using reason = std::optional<std::string>;  // why a value was refused; nullopt when it was taken

// one: exactly one value. flag: the value may be left out and then means true. many: may be
// given repeatedly, and all occurrences together form one comma-separated list.
enum class arity { one, flag, many };

// One setting: how its text is stored into server_config and shown back. The accessors are
// type-erased so that one table can hold every kind of setting, and --help, both parsers,
// effective_settings() and the sample-config test all walk that same table.
struct setting {
  std::string_view group;
  std::string_view key;
  std::string value_name;
  std::string_view help;
  std::function<reason(server_config&, std::string_view)> assign;
  std::function<std::string(const server_config&)> show;
  arity kind = arity::one;
};

std::string flag_name(std::string_view key) {
  std::string name(key);
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::string single_quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Items separated by commas, each trimmed; empty items are skipped.
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> items;
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (const auto item = trim(list.substr(0, comma)); !item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return items;
}

template <class Items>
std::string join(const Items& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::optional<boost::asio::ip::address> parse_ip(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

reason address_error(std::string_view text) {
  if (parse_ip(text)) return std::nullopt;
  return single_quoted(text) + " is not an IP address";
}

// Parses a comma-separated list, checks every item, and stores the items.
using item_check = reason (*)(std::string_view);
reason assign_list(std::string_view text, item_check check, std::vector<std::string>& out) {
  const auto items = split_list(text);
  for (const auto item : items) {
    if (auto error = check(item)) return error;
  }
  out.assign(items.begin(), items.end());
  return std::nullopt;
}

// `unbounded` is the most the field can hold: a maximum equal to it is not worth mentioning.
template <class Value, class Format>
reason range_error(Value value, Value min, Value max, Value unbounded, Format format) {
  const auto between = [&] { return "must be between " + format(min) + " and " + format(max); };
  if (value < min) return max == unbounded ? "must be at least " + format(min) : between();
  if (value > max) return min == Value{} ? "must be at most " + format(max) : between();
  return std::nullopt;
}

// The common shape of counts, sizes and durations: parse, check the range, store.
template <class Field, class Value>
setting numeric(std::string_view key, Field server_config::*field, std::string value_name,
                std::string_view help, units::parse_result<Value> (*parse)(std::string_view),
                std::string (*format)(Value), Value min, Value max, Value unbounded) {
  return {{},
          key,
          std::move(value_name),
          help,
          [=](server_config& config, std::string_view text) -> reason {
            const auto value = parse(text);
            if (!value) return value.error();
            if (auto error = range_error(*value, min, max, unbounded, format)) return error;
            config.*field = static_cast<Field>(*value);
            return std::nullopt;
          },
          [=](const server_config& config) { return format(static_cast<Value>(config.*field)); }};
}

std::string format_count(std::uint64_t value) {
  return std::to_string(value);
}

// The maximum defaults to what the field can hold, so a stored value is never truncated.
template <class Field>
setting count(std::string_view key, Field server_config::*field, std::string value_name,
              std::string_view help, std::uint64_t min,
              std::uint64_t max = std::numeric_limits<Field>::max()) {
  return numeric<Field, std::uint64_t>(key, field, std::move(value_name), help, units::parse_count,
                                       format_count, min, max, std::numeric_limits<Field>::max());
}

setting size(std::string_view key, std::uint64_t server_config::*field, std::string_view help,
             std::uint64_t min, std::uint64_t max = unbounded_count) {
  return numeric<std::uint64_t, std::uint64_t>(key, field, "SIZE", help, units::parse_size,
                                               units::format_size, min, max, unbounded_count);
}

// Zero is never a sensible timeout, and a month bounds the arithmetic of every deadline.
setting timespan(std::string_view key, duration server_config::*field, std::string_view help,
                 duration max = std::chrono::days(30)) {
  return numeric<duration, duration>(key, field, "DURATION", help, units::parse_duration,
                                     units::format_duration, 1ms, max, duration::max());
}

setting boolean(std::string_view key, bool server_config::*field, std::string_view help) {
  return {{},
          key,
          "BOOL",
          help,
          [=](server_config& config, std::string_view text) -> reason {
            const auto value = units::parse_bool(text);
            if (!value) return value.error();
            config.*field = *value;
            return std::nullopt;
          },
          [=](const server_config& config) { return units::format_bool(config.*field); },
          arity::flag};
}

template <class Enum, std::size_t N>
using names_of = std::array<std::pair<std::string_view, Enum>, N>;

template <class Enum, std::size_t N>
setting choice(std::string_view key, Enum server_config::*field, const names_of<Enum, N>& names,
               std::string_view help) {
  std::vector<std::string_view> spellings;
  for (const auto& entry : names)
    spellings.push_back(entry.first);
  return {{},
          key,
          join(spellings, "|"),
          help,
          [=](server_config& config, std::string_view text) -> reason {
            for (const auto& [name, value] : names) {
              if (name == text) {
                config.*field = value;
                return std::nullopt;
              }
            }
            return single_quoted(text) + " is not one of " + join(spellings, ", ");
          },
          [=](const server_config& config) {
            const auto it = std::find_if(names.begin(), names.end(), [&](const auto& entry) {
              return entry.second == config.*field;
            });
            return std::string(it->first);
          }};
}

setting path(std::string_view key, fs::path server_config::*field, std::string value_name,
             std::string_view help) {
  return {{},
          key,
          std::move(value_name),
          help,
          [=](server_config& config, std::string_view text) -> reason {
            config.*field = fs::path(std::string(text));
            return std::nullopt;
          },
          [=](const server_config& config) { return (config.*field).string(); }};
}

setting text(std::string_view key, std::string server_config::*field, std::string value_name,
             std::string_view help) {
  return {{},
          key,
          std::move(value_name),
          help,
          [=](server_config& config, std::string_view value) -> reason {
            config.*field = std::string(value);
            return std::nullopt;
          },
          [=](const server_config& config) { return config.*field; }};
}

setting address(std::string_view key, std::string server_config::*field, std::string_view help) {
  return {{},
          key,
          "ADDRESS",
          help,
          [=](server_config& config, std::string_view text) -> reason {
            if (auto error = address_error(text)) return error;
            config.*field = std::string(text);
            return std::nullopt;
          },
          [=](const server_config& config) { return config.*field; }};
}

setting listen_setting() {
  return {{},
          "listen",
          "ADDRESS",
          "IP address to accept clients on; repeat, or separate with commas, for several "
          "(default: every interface, IPv4 and IPv6)",
          [](server_config& config, std::string_view text) {
            return assign_list(text, address_error, config.listen);
          },
          [](const server_config& config) { return join(config.listen, ", "); },
          arity::many};
}

setting tls_port_setting() {
  return {{},
          "tls_port",
          "PORT",
          "TCP port for TLS connections (§6.5); 0 = TLS off",
          [](server_config& config, std::string_view text) -> reason {
            const auto port = units::parse_count(text);
            if (!port) return port.error();
            if (auto error =
                    range_error<std::uint64_t>(*port, 0, max_port, unbounded_count, format_count)) {
              return error;
            }
            config.tls_port = *port == 0
                                  ? std::nullopt
                                  : std::optional<std::uint16_t>(static_cast<std::uint16_t>(*port));
            return std::nullopt;
          },
          [](const server_config& config) { return std::to_string(config.tls_port.value_or(0)); }};
}

setting legacy_raw_allow_setting() {
  return {{},
          "log_output_legacy_raw_allow",
          "LIST",
          "comma-separated addresses and CIDR blocks allowed the legacy raw mode",
          [](server_config& config, std::string_view text) -> reason {
            // The parser LogOutput itself uses, so that what starts is what it accepts.
            std::string error;
            if (!net::address_list::parse(text, &error)) return error;
            config.log_output_legacy_raw_allow = join(split_list(text), ", ");
            return std::nullopt;
          },
          [](const server_config& config) { return config.log_output_legacy_raw_allow; }};
}

constexpr names_of<byte_order, 2> byte_order_names{{
    {"little", byte_order::little},
    {"big", byte_order::big},
}};
constexpr names_of<plaintext_login, 3> plaintext_login_names{{
    {"allow", plaintext_login::allow},
    {"loopback", plaintext_login::loopback},
    {"deny", plaintext_login::deny},
}};
constexpr names_of<log_severity, 6> log_level_names{{
    {"trace", log_severity::trace},
    {"debug", log_severity::debug},
    {"info", log_severity::info},
    {"warning", log_severity::warning},
    {"error", log_severity::error},
    {"fatal", log_severity::fatal},
}};

std::vector<setting> make_settings() {
  using c = server_config;
  std::vector<setting> all;
  const auto group = [&](std::string_view title, std::initializer_list<setting> members) {
    for (auto member : members) {
      member.group = title;
      all.push_back(std::move(member));
    }
  };
  group("Listening",
        {
            listen_setting(),
            count("port", &c::port, "PORT",
                  "TCP port of the framed protocols (0 = any free port, logged at start-up)", 0,
                  max_port),
            count("listen_backlog", &c::listen_backlog, "N",
                  "length of the kernel's queue of connections not yet accepted (Linux caps it at "
                  "net.core.somaxconn)",
                  1, 65535),
            count("threads", &c::threads, "N", "I/O threads; 0 = one per hardware thread", 0,
                  max_threads),
        });
  group("TLS (§6.5)",
        {
            tls_port_setting(),
            path("tls_certificate_file", &c::tls_certificate_file, "FILE",
                 "PEM certificate chain of the TLS port, the server's certificate first"),
            path("tls_private_key_file", &c::tls_private_key_file, "FILE",
                 "PEM private key of that certificate (unencrypted)"),
            timespan("tls_handshake_timeout", &c::tls_handshake_timeout,
                     "time from accept to a completed TLS handshake; then handshake_timeout"),
        });
  group("Framing (§3)", {
                            choice("byte_order", &c::byte_order, byte_order_names,
                                   "byte order of both frame length fields, both directions"),
                            size("max_packet_size", &c::max_packet_size,
                                 "largest packetLength received or sent (M)", 64, 1024 * mib),
                            size("max_command_text", &c::max_command_text,
                                 "largest text block of a received frame, at most M - 4", 64),
                        });
  group("Connections and timers (§2, §8)",
        {
            count("max_connections", &c::max_connections, "N",
                  "sessions open at once; further connections are accepted and closed", 1),
            count("max_connections_per_ip", &c::max_connections_per_ip, "N",
                  "connections open at once from one address (IPv4-mapped IPv6 counts as IPv4); "
                  "further ones are accepted and closed; 0 = unlimited",
                  0),
            timespan("handshake_timeout", &c::handshake_timeout,
                     "time from accept to the protocol flag byte"),
            timespan("login_timeout", &c::login_timeout,
                     "time from the flag byte to a successful Login"),
            timespan("idle_timeout", &c::idle_timeout,
                     "close a session after this long without a frame or a completed write"),
            timespan("send_stall_timeout", &c::send_stall_timeout,
                     "close a session whose queued output makes no progress for this long"),
            size("send_queue_high_water", &c::send_queue_high_water,
                 "queued output above which a session's requests are no longer read", 1),
            size("send_queue_low_water", &c::send_queue_low_water,
                 "queued output below which reading resumes", 0),
            timespan("close_linger", &c::close_linger,
                     "longest wait for a final notice to be written before closing"),
            timespan("shutdown_timeout", &c::shutdown_timeout,
                     "on SIGINT/SIGTERM, time sessions get to finish before being closed"),
        });
  group("Authentication (§6)",
        {
            path("users_file", &c::users_file, "FILE", "user accounts and password hashes"),
            count("max_login_failures", &c::max_login_failures, "N",
                  "failed Logins after which a session is closed", 1),
            count("login_backoff_failures", &c::login_backoff_failures, "N",
                  "failed password checks from one address after which its Logins are delayed; "
                  "0 = no back-off",
                  0),
            timespan("login_backoff_window", &c::login_backoff_window,
                     "an address's failures are forgotten after this long without a new one"),
            timespan("login_backoff_delay", &c::login_backoff_delay,
                     "first delay of a backed-off Login; doubles with each further failure"),
            timespan("login_backoff_max", &c::login_backoff_max,
                     "longest delay of a backed-off Login", std::chrono::minutes(10)),
            choice("login_on_plaintext", &c::login_on_plaintext, plaintext_login_names,
                   "Login without TLS: allowed, from loopback only, or refused"),
            count("auth_threads", &c::auth_threads, "N",
                  "threads that hash passwords, off the I/O threads", 1, max_threads),
        });
  group("Files (§7, §10-§12)",
        {
            path("data_dir", &c::data_dir, "DIR",
                 "directory the defaults of the paths below live in"),
            path("file_root", &c::file_root, "DIR",
                 "root of every path a client names (default: DATA_DIR/files)"),
            path("staging_dir", &c::staging_dir, "DIR",
                 "partial uploads, outside the file root (default: DATA_DIR/.staging)"),
            timespan("upload_partial_ttl", &c::upload_partial_ttl,
                     "partial uploads untouched this long are deleted", std::chrono::days(365)),
            size("upload_max_file_size", &c::upload_max_file_size,
                 "largest file an upload or a RemoteStream write may make; 0 = unlimited", 0),
            boolean("delete_dir_recursive", &c::delete_dir_recursive,
                    "DeleteDir also removes directories that are not empty"),
            size("download_max_chunk", &c::download_max_chunk,
                 "largest payload of one download Data push, at most M", 1),
            count("download_inflight", &c::download_inflight, "N",
                  "download frames queued at once per session", 1),
            path("remote_stream_root", &c::remote_stream_root, "DIR",
                 "root of RemoteStream paths (default: FILE_ROOT)"),
            size("remote_stream_max_read", &c::remote_stream_max_read,
                 "largest RemoteStream Read; larger requests are reduced", 1),
        });
  group("Protocol policies (§9, §13, §14)",
        {
            boolean("throughput_allow_anonymous", &c::throughput_allow_anonymous,
                    "CyclePacket works without Login"),
            boolean("get_clients_admin_only", &c::get_clients_admin_only,
                    "only admins may call GetClients"),
            boolean("log_output_admin_only", &c::log_output_admin_only,
                    "only admins may subscribe to LogOutput"),
            count("log_output_backlog", &c::log_output_backlog, "N",
                  "recent log lines a new subscriber receives first", 0),
            count("log_output_queue", &c::log_output_queue, "N",
                  "log lines queued per subscriber before lines are dropped", 1),
            size("log_output_queue_bytes", &c::log_output_queue_bytes,
                 "log bytes queued per subscriber before lines are dropped", 1),
            boolean("log_output_legacy_raw", &c::log_output_legacy_raw,
                    "offer the unframed, login-free legacy LogOutput mode"),
            legacy_raw_allow_setting(),
        });
  group("Memory", {
                      size("buffer_pool_cache_limit", &c::buffer_pool_cache_limit,
                           "free buffers kept for reuse; beyond it they go back to the system", 0),
                  });
  group("Operations",
        {
            address("status_listen", &c::status_listen, "address of the HTTP status endpoint"),
            count("status_port", &c::status_port, "PORT",
                  "port of the HTTP status endpoint; 0 = off", 0, max_port),
            text("status_token", &c::status_token, "TOKEN",
                 "bearer token that GET /status and PUT /log-level of the status endpoint "
                 "require; empty = /status open and the log level fixed at run time"),
            choice("log_level", &c::log_level, log_level_names, "least severe log record written"),
            path("log_file", &c::log_file, "FILE",
                 "log file written beside the console, rotated by size; empty = none"),
            size("log_file_max_size", &c::log_file_max_size,
                 "size at which the log file is renamed to FILE.N and a new one begun", 4096),
            count("log_file_count", &c::log_file_count, "N", "rotated log files kept", 1),
        });
  return all;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> all = make_settings();
  return all;
}

// --- help -------------------------------------------------------------------------------------

constexpr std::size_t help_width = 100;

// Words of `text` filled into lines of at most help_width columns. The caller has already written
// the first `indent` columns; every further line starts with `indent` spaces.
std::string wrap(std::string_view text, std::size_t indent) {
  std::string out;
  std::size_t column = indent;
  bool line_empty = true;
  while (!text.empty()) {
    const auto space = text.find(' ');
    const auto word = text.substr(0, space);
    text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    if (word.empty()) continue;
    if (!line_empty && column + 1 + word.size() > help_width) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out;
}

constexpr std::string_view help_intro =
    "Durations take ms, s, m, h or d (a bare number is seconds); sizes take K, M, G or T, powers "
    "of 1024 (a bare number is bytes); booleans take true/false, yes/no, on/off or 1/0, and a "
    "bare --flag means true. Every setting can also go in the --config file as `key = value`, "
    "spelled with '_' for '-' (max_packet_size = 8M); the command line wins over the file.";

std::string make_help() {
  struct row {
    std::string left;
    std::string right;
  };
  std::vector<std::pair<std::string_view, std::vector<row>>> sections{
      {"General",
       {
           {"-h, --help", "show this help and exit"},
           {"--version", "show the version and exit"},
           {"--config FILE", "read settings from FILE: `key = value` lines, # comments"},
#ifdef _WIN32
           {"--service", "run under the Service Control Manager (what the service runs)"},
           {"--install-service", "register this binary, with --config, as the asyncsvr service"},
           {"--uninstall-service", "stop and remove the asyncsvr service"},
#endif
       }}};
  const server_config defaults;
  for (const auto& s : settings()) {
    if (sections.back().first != s.group) sections.push_back({s.group, {}});
    auto left = "--" + flag_name(s.key) + " " +
                (s.kind == arity::flag ? "[" + s.value_name + "]" : s.value_name);
    std::string right(s.help);
    if (const auto shown = s.show(defaults); !shown.empty()) right += " (default: " + shown + ")";
    sections.back().second.push_back({std::move(left), std::move(right)});
  }

  // The description column starts after the longest option that leaves it enough room; a longer
  // option gets its description on the next line.
  constexpr std::size_t max_left_width = 32;
  std::size_t left_width = 0;
  for (const auto& [title, rows] : sections) {
    for (const auto& r : rows) {
      if (r.left.size() <= max_left_width) left_width = std::max(left_width, r.left.size());
    }
  }
  const auto indent = left_width + 4;
  auto out = "Usage: asyncsvr [OPTION]...\n\n" + wrap(help_intro, 0) + "\n";
  for (const auto& [title, rows] : sections) {
    out += "\n" + std::string(title) + ":\n";
    for (const auto& r : rows) {
      out += "  " + r.left;
      out += r.left.size() <= left_width ? std::string(indent - 2 - r.left.size(), ' ')
                                         : "\n" + std::string(indent, ' ');
      out += wrap(r.right, indent) + "\n";
    }
  }
  return out;
}

// --- parsing ----------------------------------------------------------------------------------

po::options_description describe(bool command_line) {
  po::options_description description;
  auto add = description.add_options();
  for (const auto& s : settings()) {
    const auto name = command_line ? flag_name(s.key) : std::string(s.key);
    switch (s.kind) {
      case arity::one:
        add(name.c_str(), po::value<std::string>());
        break;
      case arity::flag:
        add(name.c_str(), command_line ? po::value<std::string>()->implicit_value("true")
                                       : po::value<std::string>());
        break;
      case arity::many:
        add(name.c_str(), po::value<std::vector<std::string>>());
        break;
    }
  }
  if (command_line) add("help,h", "")("version", "")("config", po::value<std::string>());
#ifdef _WIN32
  if (command_line) add("service", "")("install-service", "")("uninstall-service", "");
#endif
  return description;
}

po::variables_map read_command_line(int argc, const char* const argv[]) {
  // Without guessing, "--idle" is an error rather than a silent "--idle-timeout".
  constexpr auto style =
      po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  const auto description = describe(true);  // outlives `parsed`, which points into it
  po::variables_map values;
  try {
    const auto parsed = po::command_line_parser(argc, argv).options(description).style(style).run();
    for (const auto& option : parsed.options) {
      if (option.position_key >= 0) {
        throw options_error("unexpected argument " + single_quoted(option.value.front()) +
                            "; settings are given as --name VALUE");
      }
    }
    po::store(parsed, values);
  } catch (const po::error& e) {
    throw options_error(e.what());
  }
  return values;
}

po::variables_map read_config_file(const fs::path& file) {
  std::ifstream in(file);
  std::error_code ec;
  if (!in || fs::is_directory(file, ec)) {
    throw options_error("--config: cannot read " + single_quoted(file.string()));
  }
  const auto description = describe(false);  // outlives the parsed options, which point into it
  po::variables_map values;
  try {
    po::store(po::parse_config_file(in, description), values);
  } catch (const po::unknown_option& e) {
    throw options_error(file.string() + ": unknown key " + single_quoted(e.get_option_name()));
  } catch (const po::error& e) {
    throw options_error(file.string() + ": " + e.what());
  }
  return values;
}

// Stores every setting present in `values` into `config`. `file` is empty for the command line
// and names the config file otherwise, so that an error names the setting as the user wrote it.
void apply(const po::variables_map& values, const std::string& file, server_config& config) {
  const bool command_line = file.empty();
  for (const auto& s : settings()) {
    const auto name = command_line ? flag_name(s.key) : std::string(s.key);
    const auto found = values.find(name);
    if (found == values.end()) continue;
    const auto text = s.kind == arity::many
                          ? join(found->second.as<std::vector<std::string>>(), ",")
                          : found->second.as<std::string>();
    if (auto error = s.assign(config, text)) {
      throw options_error((command_line ? "--" + name : file + ": " + name) + ": " + *error);
    }
  }
}

void require(bool ok, std::string_view key, const std::string& rule) {
  if (!ok) throw options_error(std::string(key) + ": " + rule);
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  const auto relative = fs::absolute(inner).lexically_normal().lexically_relative(
      fs::absolute(outer).lexically_normal());
  return !relative.empty() && *relative.begin() != "..";
}

// Rules between settings. Each setting's own range was checked when it was read.
void validate(const server_config& c) {
  using units::format_size;
  const auto m = c.max_packet_size;
  require(c.max_command_text <= m - 4, "max_command_text",
          "must be at most max_packet_size - 4 (" + format_size(m - 4) + ")");
  require(
      c.send_queue_high_water >= m + 8, "send_queue_high_water",
      "must be at least max_packet_size + 8 (" + format_size(m + 8) + ") so that one frame fits");
  require(c.send_queue_low_water < c.send_queue_high_water, "send_queue_low_water",
          "must be below send_queue_high_water (" + format_size(c.send_queue_high_water) + ")");
  require(
      c.login_backoff_delay <= c.login_backoff_max, "login_backoff_delay",
      "must be at most login_backoff_max (" + units::format_duration(c.login_backoff_max) + ")");
  require(c.download_max_chunk <= m, "download_max_chunk",
          "must be at most max_packet_size (" + format_size(m) + ")");
  require(c.tls_port != c.port, "tls_port",
          "must differ from port (" + std::to_string(c.port) + ")");
  require(c.status_port == 0 || (c.status_port != c.port && c.status_port != c.tls_port),
          "status_port", "must differ from port and tls_port");
  require(!c.tls_port || !c.tls_certificate_file.empty(), "tls_certificate_file",
          "must be set when tls_port is");
  require(!c.tls_port || !c.tls_private_key_file.empty(), "tls_private_key_file",
          "must be set when tls_port is");
  require(!c.users_file.empty(), "users_file", "must not be empty");
  require(!c.data_dir.empty(), "data_dir", "must not be empty");
  require(!is_within(c.staging_dir, c.file_root), "staging_dir",
          "must be outside file_root, or clients would see partial uploads");
  // Write locks are kept per root; a file reachable through both roots would have two.
  const bool same_root =
      is_within(c.remote_stream_root, c.file_root) && is_within(c.file_root, c.remote_stream_root);
  require(same_root || (!is_within(c.remote_stream_root, c.file_root) &&
                        !is_within(c.file_root, c.remote_stream_root)),
          "remote_stream_root", "must be file_root itself or a tree apart from it");
}

}  // namespace

startup_options parse_options(int argc, const char* const argv[]) {
  startup_options result;
  result.help_text = make_help();
  const auto command_line = read_command_line(argc, argv);
  result.show_help = command_line.count("help") != 0;
  result.show_version = command_line.count("version") != 0;
  if (result.show_help || result.show_version) return result;
#ifdef _WIN32
  using action = startup_options::service_action;
  for (const auto& [flag, chosen] :
       {std::pair{"service", action::run}, std::pair{"install-service", action::install},
        std::pair{"uninstall-service", action::uninstall}}) {
    if (command_line.count(flag) == 0) continue;
    if (result.windows_service != action::none) {
      throw options_error(
          "--service, --install-service and --uninstall-service exclude each other");
    }
    result.windows_service = chosen;
  }
  // Removing the service needs no configuration, not even a valid one.
  if (result.windows_service == action::uninstall) return result;
#endif

  if (const auto found = command_line.find("config"); found != command_line.end()) {
    result.config_file = found->second.as<std::string>();
    apply(read_config_file(*result.config_file), result.config_file->string(), result.config);
  }
  apply(command_line, {}, result.config);
  derive_file_paths(result.config);
  validate(result.config);
  return result;
}

std::vector<std::pair<std::string, std::string>> effective_settings(const server_config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : settings())
    out.emplace_back(s.key, s.show(config));
  return out;
}

std::string version_text() {
  return std::string("asyncsvr ") + ASYNCSVR_VERSION;
}

}  // namespace asyncsvr
