#include "asyncsvr/log/log.hpp"

#include <array>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <boost/core/null_deleter.hpp>
#include <boost/log/attributes/clock.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_file_backend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/support/date_time.hpp>
#include <boost/log/utility/manipulators/add_value.hpp>

#include "asyncsvr/log/log_feed.hpp"

namespace asyncsvr::log {

namespace detail {
std::atomic<int> threshold{static_cast<int>(severity::info)};
}

namespace {

BOOST_LOG_ATTRIBUTE_KEYWORD(severity_attr, "Severity", severity)
BOOST_LOG_ATTRIBUTE_KEYWORD(session_attr, "SessionId", std::uint64_t)
BOOST_LOG_ATTRIBUTE_KEYWORD(timestamp_attr, "TimeStamp", boost::posix_time::ptime)

// Severity column: upper case and padded so that columns line up in a terminal.
void format_record(const boost::log::record_view& rec, boost::log::formatting_ostream& out,
                   bool with_timestamps) {
  if (with_timestamps) {
    if (auto stamp = rec[timestamp_attr]) {
      auto text = boost::posix_time::to_iso_extended_string(*stamp);  // 2024-05-01T08:00:00.125
      text[10] = ' ';
      out << text << ' ';
    }
  }
  static constexpr std::array<std::string_view, 6> labels{"TRACE", "DEBUG", "INFO ",
                                                          "WARN ", "ERROR", "FATAL"};
  if (auto level = rec[severity_attr]) out << labels[static_cast<std::size_t>(*level)] << ' ';
  if (auto id = rec[session_attr]; id && *id != 0) out << '[' << *id << "] ";
  out << rec[boost::log::expressions::smessage];
}

// Every sink formats the record's own time; registering it again changes nothing.
void register_timestamps() {
  boost::log::core::get()->add_global_attribute("TimeStamp", boost::log::attributes::utc_clock());
}

}  // namespace

void set_level(severity level) noexcept {
  detail::threshold.store(static_cast<int>(level), std::memory_order_relaxed);
}

void init_console(severity level, bool with_timestamps) {
  namespace sinks = boost::log::sinks;
  set_level(level);
  register_timestamps();
  auto core = boost::log::core::get();
  auto backend = boost::make_shared<sinks::text_ostream_backend>();
  backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
  backend->auto_flush(true);
  auto sink = boost::make_shared<sinks::synchronous_sink<sinks::text_ostream_backend>>(backend);
  sink->set_formatter(
      [with_timestamps](const boost::log::record_view& rec, boost::log::formatting_ostream& out) {
        format_record(rec, out, with_timestamps);
      });
  core->remove_all_sinks();
  core->add_sink(sink);
}

void init_file(const std::filesystem::path& file, std::uint64_t max_size, unsigned count) {
  namespace sinks = boost::log::sinks;
  namespace keywords = boost::log::keywords;
  const auto absolute = std::filesystem::absolute(file);
  // Boost.Log opens the file with the first record and then only reports failures to itself;
  // a path that cannot be written must stop the server at start-up instead.
  if (!std::ofstream(absolute, std::ios::app)) {
    throw std::runtime_error("cannot open log file " + absolute.string());
  }
  register_timestamps();
  auto backend = boost::make_shared<sinks::text_file_backend>(
      keywords::file_name = absolute.string(),
      keywords::target_file_name = absolute.filename().string() + ".%N",
      keywords::rotation_size = max_size, keywords::open_mode = std::ios::out | std::ios::app,
      // At exit the current file stays where it is, and the next start appends to it.
      keywords::enable_final_rotation = false);
  // Rotated files stay beside the current one; the collector deletes the oldest beyond `count`
  // and, having scanned the directory, counts those left by earlier runs too.
  backend->set_file_collector(sinks::file::make_collector(
      keywords::target = absolute.parent_path().string(), keywords::max_files = count));
  backend->scan_for_files();
  backend->auto_flush(true);
  auto sink = boost::make_shared<sinks::synchronous_sink<sinks::text_file_backend>>(backend);
  sink->set_formatter([](const boost::log::record_view& rec, boost::log::formatting_ostream& out) {
    format_record(rec, out, true);
  });
  // The file is opened with the first record and again at each rotation, which fails when the
  // process is out of descriptors (the very moment the listener warns about it) or the disk is
  // full. That must cost the file this record, never the server: the console sink still has it,
  // and the next record tries the file again.
  sink->set_exception_handler([] {
    try {
      throw;
    } catch (const std::exception& e) {
      std::clog << "log file not written: " << e.what() << std::endl;
    }
  });
  boost::log::core::get()->add_sink(sink);
}

void write(severity level, std::uint64_t session_id, std::string_view message) {
  auto core = boost::log::core::get();
  boost::log::attribute_set attrs;
  attrs.insert("Severity", boost::log::attributes::make_constant(level));
  attrs.insert("SessionId", boost::log::attributes::make_constant(session_id));
  if (auto rec = core->open_record(attrs)) {
    boost::log::record_ostream stream(rec);
    stream.write(message.data(), static_cast<std::streamsize>(message.size()));
    stream.flush();
    core->push_record(std::move(rec));
  }
  // LogOutput subscribers see every record that passed the level check, whatever the sinks do.
  if (detail::feed_active()) detail::feed_publish(level, session_id, message);
}

}  // namespace asyncsvr::log
