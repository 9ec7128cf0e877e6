// The log module: the §14.2 line, a subscriber's bounded queue and its gaps, and the rotating
// log file.

#include "asyncsvr/log/log.hpp"

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/log/log_line.hpp"
#include "asyncsvr/log/log_subscriber.hpp"
#include "support/temp_dir.hpp"

using asyncsvr::log_severity;
namespace log = asyncsvr::log;

BOOST_AUTO_TEST_SUITE(log_module)

BOOST_AUTO_TEST_CASE(a_line_has_time_level_session_and_sanitised_text) {
  std::string line;
  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  log::format_line(line, log_severity::warning, 42, when, "a\r\nb\x01\tc");
  BOOST_TEST(line == "2023-11-14 22:13:20.123 WARN [42] a\\r\\nb?\tc");
  log::format_line(line, log_severity::info, 0, when, "no session");
  BOOST_TEST(line == "2023-11-14 22:13:20.123 INFO no session");
}

BOOST_AUTO_TEST_CASE(a_long_line_is_cut_at_8_kib_on_a_character_boundary) {
  std::string text;
  while (text.size() < 20000)
    text += "\xe2\x82\xac";  // €: three bytes
  std::string line;
  log::format_line(line, log_severity::info, 0, std::chrono::system_clock::now(), text);
  BOOST_TEST(line.size() <= log::max_line_bytes);
  BOOST_TEST(line.size() > log::max_line_bytes - 3);
  BOOST_TEST(asyncsvr::codec::is_valid_utf8(line));
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_until_taken_and_reports_the_gap_after_its_lines) {
  int wakes = 0;
  int drops = 0;
  log::log_subscriber s(
      {2, 1024}, [&] { ++wakes; }, [&] { ++drops; });
  BOOST_TEST(s.offer("one"));   // the first line wakes the consumer
  BOOST_TEST(!s.offer("two"));  // later ones do not
  BOOST_TEST(!s.offer("three"));
  BOOST_TEST(!s.offer("x"));  // dropped as well, although it would fit in the bytes
  BOOST_TEST(drops == 2);
  log::log_batch batch;
  s.take(batch);
  BOOST_TEST(batch.text == "one\r\ntwo\r\n");
  BOOST_TEST(batch.lines == 2u);
  BOOST_TEST(batch.dropped_after == 2u);
  BOOST_TEST(!s.offer("four"));  // the consumer is still at work on what it took
  s.take(batch);
  BOOST_TEST(batch.text == "four\r\n");
  BOOST_TEST(batch.dropped_after == 0u);
  s.take(batch);
  BOOST_TEST(batch.lines == 0u);
  BOOST_TEST(s.offer("five"));  // idle again: the next line wakes it
}

BOOST_AUTO_TEST_CASE(the_log_file_rotates_by_size_and_keeps_count_files) {
  const asyncsvr::test::temp_dir dir;
  const auto file = dir.path / "server.log";
  log::init_file(file, 4096, 2);
  log::set_level(log_severity::info);
  const std::string text(200, 'r');
  for (int i = 0; i < 200; ++i)
    LOG_INFO(0) << i << ' ' << text;
  std::size_t rotated = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    if (entry.path() == file) continue;
    BOOST_TEST(entry.path().filename().string().starts_with("server.log."));
    BOOST_TEST(entry.file_size() <= 4096u + 512);
    ++rotated;
  }
  BOOST_TEST(rotated == 2u);
  BOOST_TEST(std::filesystem::exists(file));
  BOOST_TEST(std::filesystem::file_size(file) <= 4096u + 512);
}

BOOST_AUTO_TEST_CASE(an_unwritable_log_file_is_refused) {
  BOOST_CHECK_THROW(log::init_file("/nonexistent-dir/server.log", 4096, 2), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
