#include "asyncsvr/log/log.hpp"

#include <array>
#include <iostream>

#include <boost/core/null_deleter.hpp>
#include <boost/log/attributes/clock.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/support/date_time.hpp>
#include <boost/log/utility/manipulators/add_value.hpp>

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

}  // namespace

void set_level(severity level) noexcept {
  detail::threshold.store(static_cast<int>(level), std::memory_order_relaxed);
}

void init_console(severity level, bool with_timestamps) {
  namespace sinks = boost::log::sinks;
  set_level(level);
  auto core = boost::log::core::get();
  core->add_global_attribute("TimeStamp", boost::log::attributes::utc_clock());
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
}

}  // namespace asyncsvr::log
