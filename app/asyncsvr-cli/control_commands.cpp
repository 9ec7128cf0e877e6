// clients and ping: the Control protocol (§9, §6.3).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "commands.hpp"

namespace asyncsvr::cli {

namespace {

using row = std::vector<std::string>;

// GetClients items have seven TAB-separated fields (§9.1); the table leads with the session id
// and the user, which is what an administrator looks for first.
struct column {
  std::string_view title;
  std::size_t field;
};
constexpr std::array<column, 7> client_columns{{{"SESSION", 6},
                                                {"USER", 3},
                                                {"PROTOCOL", 2},
                                                {"REMOTE", 1},
                                                {"LOCAL", 0},
                                                {"CONNECTED (UTC)", 4},
                                                {"LAST ACTIVE (UTC)", 5}}};

// An empty field (a user not logged in) or a missing one (an older server sends six) shows "-".
row client_row(std::string_view item) {
  std::vector<std::string_view> fields;
  for (;;) {
    const auto tab = item.find('\t');
    fields.push_back(item.substr(0, tab));
    if (tab == std::string_view::npos) break;
    item.remove_prefix(tab + 1);
  }
  row r;
  for (const auto& col : client_columns) {
    const bool present = col.field < fields.size() && !fields[col.field].empty();
    r.emplace_back(present ? fields[col.field] : "-");
  }
  return r;
}

void print_table(const std::vector<row>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    widths.resize(std::max(widths.size(), r.size()));
    for (std::size_t i = 0; i < r.size(); ++i)
      widths[i] = std::max(widths[i], r[i].size());
  }
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      const bool last = i + 1 == r.size();
      std::cout << std::left << std::setw(last ? 0 : static_cast<int>(widths[i] + 2)) << r[i];
    }
    std::cout << '\n';
  }
}

std::string milliseconds(std::chrono::steady_clock::duration d) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.3f ms",
                std::chrono::duration<double, std::milli>(d).count());
  return text.data();
}

}  // namespace

void run_clients(const command_context& context) {
  auto c = client::open_session(context.io, context.options.account, control_protocol);
  const auto reply = c.call("GetClients");
  client::expect_success(reply, "list clients");
  std::vector<row> rows(1);
  for (const auto& col : client_columns)
    rows.front().emplace_back(col.title);
  for (const auto item : reply.values("Item"))
    rows.push_back(client_row(item));
  print_table(rows);
  if (reply.value("Truncated").value_or("0") != "0") {
    std::cerr << "asyncsvr-cli: the server cut the list short (Truncated=1)\n";
  }
}

void run_ping(const command_context& context) {
  const auto& o = context.options;
  // Active needs no Login (§6.3), so ping works without a password.
  client::connection c(context.io, o.account.host, o.account.port, control_protocol,
                       o.account.options);
  const auto target = o.account.host + ":" + std::to_string(o.account.port);
  using clock = std::chrono::steady_clock;
  auto least = clock::duration::max();
  auto most = clock::duration::zero();
  auto sum = clock::duration::zero();
  for (unsigned i = 1; i <= o.count; ++i) {
    if (i > 1) std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto start = clock::now();
    client::expect_success(c.call("Active"), "ping " + target);
    const auto rtt = clock::now() - start;
    least = std::min(least, rtt);
    most = std::max(most, rtt);
    sum += rtt;
    std::cout << "Active reply from " << target << ": seq=" << i << " time=" << milliseconds(rtt)
              << std::endl;
  }
  std::cout << o.count << " replies: min " << milliseconds(least) << ", avg "
            << milliseconds(sum / o.count) << ", max " << milliseconds(most) << '\n';
}

}  // namespace asyncsvr::cli
