// The client library's pieces that need no server: remote paths, byte formatting, the local
// file wrapper and the progress display's quiet mode.

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/client/local_file.hpp"
#include "asyncsvr/client/progress.hpp"
#include "asyncsvr/client/remote_path.hpp"

namespace client = asyncsvr::client;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(remote_paths)

BOOST_AUTO_TEST_CASE(split_at_the_last_separator) {
  const auto nested = client::split_remote_path("inbox/2024/report.pdf");
  BOOST_TEST(nested.dir == "inbox/2024");
  BOOST_TEST(nested.name == "report.pdf");
  const auto top = client::split_remote_path("report.pdf");
  BOOST_TEST(top.dir == "");
  BOOST_TEST(top.name == "report.pdf");
  const auto backslash = client::split_remote_path("inbox\\report.pdf");
  BOOST_TEST(backslash.dir == "inbox");
  BOOST_TEST(backslash.name == "report.pdf");
}

BOOST_AUTO_TEST_CASE(outer_separators_are_dropped) {
  const auto dir = client::split_remote_path("/inbox/sub/");
  BOOST_TEST(dir.dir == "inbox");
  BOOST_TEST(dir.name == "sub");
  BOOST_TEST(client::trim_remote_path("/inbox/") == "inbox");
  BOOST_TEST(client::trim_remote_path("/") == "");
  BOOST_CHECK_THROW(client::split_remote_path("/"), std::invalid_argument);
  BOOST_CHECK_THROW(client::split_remote_path(""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(join) {
  BOOST_TEST(client::join_remote_path("", "a.txt") == "a.txt");
  BOOST_TEST(client::join_remote_path("inbox/", "a.txt") == "inbox/a.txt");
  BOOST_TEST(client::join_remote_path("inbox/sub", "a.txt") == "inbox/sub/a.txt");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(byte_counts_for_people) {
  BOOST_TEST(client::format_bytes(0) == "0 B");
  BOOST_TEST(client::format_bytes(1023) == "1023 B");
  BOOST_TEST(client::format_bytes(1536) == "1.5 KiB");
  BOOST_TEST(client::format_bytes(3 * 1024 * 1024) == "3.0 MiB");
}

BOOST_AUTO_TEST_CASE(quiet_progress_reports_only_reconnections) {
  std::ostringstream out;
  {
    client::progress_display display(out, "file", false);
    display.started(10, 100);
    display.advanced(100);
    BOOST_TEST(out.str().empty());
    display.retrying(std::runtime_error("reset"), 2, std::chrono::milliseconds(500));
    display.finish();
    BOOST_TEST(display.resumed_from() == 10u);
  }
  BOOST_TEST(out.str() == "file: connection lost (reset); attempt 2 in 0.5 s\n");
}

BOOST_AUTO_TEST_CASE(local_file_appends_and_reads_back) {
  const auto path = fs::temp_directory_path() / ("client_test." + std::to_string(::getpid()));
  fs::remove(path);
  {
    auto file = client::local_file::open_for_appending(path);
    file.append("hello ");
    file.append("world");
    BOOST_TEST(file.size() == 11u);
    file.sync();
    file.close();
  }
  auto file = client::local_file::open_for_reading(path);
  std::string buffer(8, '\0');
  BOOST_TEST(file.read_at(buffer, 6) == 5u);
  BOOST_TEST(buffer.substr(0, 5) == "world");
  fs::remove(path);
  BOOST_CHECK_THROW(client::local_file::open_for_reading(path), std::system_error);
}
