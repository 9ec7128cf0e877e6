#include "asyncsvr/config/units.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <boost/test/unit_test.hpp>

namespace units = asyncsvr::units;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t K = 1024;
constexpr std::uint64_t M = 1024 * K;
constexpr std::uint64_t G = 1024 * M;
constexpr std::uint64_t T = 1024 * G;

template <class T>
void check_refused(const units::parse_result<T>& result, const std::string& expected_reason) {
  BOOST_TEST(!result);
  BOOST_TEST(result.error() == expected_reason);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(units_duration)

BOOST_AUTO_TEST_CASE(every_unit) {
  BOOST_TEST((*units::parse_duration("250ms") == 250ms));
  BOOST_TEST((*units::parse_duration("30s") == 30s));
  BOOST_TEST((*units::parse_duration("5m") == 5min));
  BOOST_TEST((*units::parse_duration("2h") == 2h));
  BOOST_TEST((*units::parse_duration("7d") == 168h));
  BOOST_TEST((*units::parse_duration("0ms") == 0ms));
}

BOOST_AUTO_TEST_CASE(bare_number_is_seconds) {
  BOOST_TEST((*units::parse_duration("45") == 45s));
  BOOST_TEST((*units::parse_duration("0") == 0s));
  BOOST_TEST((*units::parse_duration("007") == 7s));
}

BOOST_AUTO_TEST_CASE(spaces_around_and_before_the_unit) {
  BOOST_TEST((*units::parse_duration(" 5 s\t") == 5s));
  BOOST_TEST((*units::parse_duration("10  ms") == 10ms));
}

BOOST_AUTO_TEST_CASE(exact_fractions) {
  BOOST_TEST((*units::parse_duration("1.5s") == 1500ms));
  BOOST_TEST((*units::parse_duration("0.25h") == 15min));
  BOOST_TEST((*units::parse_duration("1.500000000000000000000s") == 1500ms));
  BOOST_TEST((*units::parse_duration("0.001s") == 1ms));
  BOOST_TEST((*units::parse_duration("2.5") == 2500ms));
  check_refused(units::parse_duration("1.0005s"),
                "'1.0005s' is not a whole number of milliseconds");
  check_refused(units::parse_duration("0.5ms"), "'0.5ms' is not a whole number of milliseconds");
  check_refused(units::parse_duration("0.0000000000000000001d"),
                "'0.0000000000000000001d' is not a whole number of milliseconds");
}

BOOST_AUTO_TEST_CASE(limits) {
  BOOST_TEST((*units::parse_duration("9223372036854775807ms") == std::chrono::milliseconds::max()));
  check_refused(units::parse_duration("9223372036854775808ms"),
                "'9223372036854775808ms' is too large");
  BOOST_TEST(static_cast<bool>(units::parse_duration("106751991167d")));
  check_refused(units::parse_duration("106751991168d"), "'106751991168d' is too large");
  check_refused(units::parse_duration("99999999999999999999"),
                "'99999999999999999999' is too large");
  check_refused(units::parse_duration("18446744073709551615.5s"),
                "'18446744073709551615.5s' is too large");
  check_refused(units::parse_duration("18446744073709551.9s"),
                "'18446744073709551.9s' is too large");
}

BOOST_AUTO_TEST_CASE(rejections_name_the_text) {
  const std::string hint = " is not a duration (use ms, s, m, h or d; a bare number is seconds)";
  check_refused(units::parse_duration("-5s"), "'-5s' is negative");
  check_refused(units::parse_duration(""), "an empty value" + hint);
  check_refused(units::parse_duration("  "), "an empty value" + hint);
  for (const char* junk : {"5x", "s", "5 5s", "5s5", ".5s", "5.s", "+5s", "5S", "5sec", "1e3",
                           "0x10", "5m30s", "-", "--5", "5,5s"}) {
    BOOST_TEST_CONTEXT(junk) {
      check_refused(units::parse_duration(junk), "'" + std::string(junk) + "'" + hint);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(units_size)

BOOST_AUTO_TEST_CASE(every_unit_in_powers_of_1024) {
  BOOST_TEST(*units::parse_size("512") == 512u);
  BOOST_TEST(*units::parse_size("0") == 0u);
  BOOST_TEST(*units::parse_size("100B") == 100u);
  BOOST_TEST(*units::parse_size("64K") == 64 * K);
  BOOST_TEST(*units::parse_size("4M") == 4 * M);
  BOOST_TEST(*units::parse_size("1G") == G);
  BOOST_TEST(*units::parse_size("1T") == T);
}

BOOST_AUTO_TEST_CASE(unit_spellings) {
  for (const char* text : {"64k", "64K", "64KB", "64kb", "64KiB", "64kib", "64 KiB", " 64K "}) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(*units::parse_size(text) == 64 * K);
    }
  }
  BOOST_TEST(*units::parse_size("4MiB") == 4 * M);
  BOOST_TEST(*units::parse_size("2gb") == 2 * G);
}

BOOST_AUTO_TEST_CASE(exact_fractions) {
  BOOST_TEST(*units::parse_size("1.5M") == M + M / 2);
  BOOST_TEST(*units::parse_size("0.5K") == 512u);
  BOOST_TEST(*units::parse_size("0.0009765625K") == 1u);
  check_refused(units::parse_size("1.1K"), "'1.1K' is not a whole number of bytes");
  check_refused(units::parse_size("0.5"), "'0.5' is not a whole number of bytes");
}

BOOST_AUTO_TEST_CASE(limits) {
  BOOST_TEST(*units::parse_size("18446744073709551615") ==
             std::numeric_limits<std::uint64_t>::max());
  check_refused(units::parse_size("18446744073709551616"), "'18446744073709551616' is too large");
  BOOST_TEST(*units::parse_size("16777215T") == 16777215 * T);
  check_refused(units::parse_size("16777216T"), "'16777216T' is too large");
  BOOST_TEST(*units::parse_size("16777215.5T") == 16777215 * T + T / 2);
}

BOOST_AUTO_TEST_CASE(rejections_name_the_text) {
  const std::string hint =
      " is not a size (use K, M, G or T, powers of 1024; a bare number is bytes)";
  check_refused(units::parse_size("-1K"), "'-1K' is negative");
  check_refused(units::parse_size(""), "an empty value" + hint);
  for (const char* junk : {"4X", "4MB5", "iB", "4Mi", "4 M B", "4P", "K", "4KiBB", "+4K", "4e3"}) {
    BOOST_TEST_CONTEXT(junk) {
      check_refused(units::parse_size(junk), "'" + std::string(junk) + "'" + hint);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(units_count)

BOOST_AUTO_TEST_CASE(plain_integers) {
  BOOST_TEST(*units::parse_count("0") == 0u);
  BOOST_TEST(*units::parse_count(" 42 ") == 42u);
  BOOST_TEST(*units::parse_count("18446744073709551615") ==
             std::numeric_limits<std::uint64_t>::max());
}

BOOST_AUTO_TEST_CASE(rejections) {
  check_refused(units::parse_count("18446744073709551616"), "'18446744073709551616' is too large");
  check_refused(units::parse_count("1.5"), "'1.5' is not a whole number");
  check_refused(units::parse_count("-1"), "'-1' is negative");
  check_refused(units::parse_count(""), "an empty value is not a whole number");
  check_refused(units::parse_count("5K"), "'5K' is not a whole number");
  check_refused(units::parse_count("0x10"), "'0x10' is not a whole number");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(units_bool)

BOOST_AUTO_TEST_CASE(every_spelling) {
  for (const char* text : {"true", "TRUE", "True", "yes", "on", "1", " on "}) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(*units::parse_bool(text) == true);
    }
  }
  for (const char* text : {"false", "FALSE", "no", "No", "off", "0"}) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(*units::parse_bool(text) == false);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejections) {
  const std::string hint = " is not a boolean (use true/false, yes/no, on/off or 1/0)";
  check_refused(units::parse_bool("maybe"), "'maybe'" + hint);
  check_refused(units::parse_bool("2"), "'2'" + hint);
  check_refused(units::parse_bool("t"), "'t'" + hint);
  check_refused(units::parse_bool(""), "an empty value" + hint);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(units_format)

BOOST_AUTO_TEST_CASE(durations_in_the_largest_exact_unit) {
  BOOST_TEST(units::format_duration(0ms) == "0s");
  BOOST_TEST(units::format_duration(250ms) == "250ms");
  BOOST_TEST(units::format_duration(1500ms) == "1500ms");
  BOOST_TEST(units::format_duration(90s) == "90s");
  BOOST_TEST(units::format_duration(60s) == "1m");
  BOOST_TEST(units::format_duration(300s) == "5m");
  BOOST_TEST(units::format_duration(1h) == "1h");
  BOOST_TEST(units::format_duration(36h) == "36h");
  BOOST_TEST(units::format_duration(48h) == "2d");
  BOOST_TEST(units::format_duration(std::chrono::milliseconds::max()) == "9223372036854775807ms");
}

BOOST_AUTO_TEST_CASE(sizes_in_the_largest_exact_unit) {
  BOOST_TEST(units::format_size(0) == "0");
  BOOST_TEST(units::format_size(1000) == "1000");
  BOOST_TEST(units::format_size(1024) == "1K");
  BOOST_TEST(units::format_size(1536) == "1536");
  BOOST_TEST(units::format_size(4 * M) == "4M");
  BOOST_TEST(units::format_size(1024 * M) == "1G");
  BOOST_TEST(units::format_size(3 * T) == "3T");
  BOOST_TEST(units::format_size(std::numeric_limits<std::uint64_t>::max()) ==
             "18446744073709551615");
}

BOOST_AUTO_TEST_CASE(booleans) {
  BOOST_TEST(units::format_bool(true) == "true");
  BOOST_TEST(units::format_bool(false) == "false");
}

BOOST_AUTO_TEST_CASE(format_then_parse_is_the_identity) {
  using std::chrono::milliseconds;
  for (const milliseconds value :
       {milliseconds(0), 1ms, 999ms, 1000ms, milliseconds(61s), milliseconds(1h), 86400001ms,
        milliseconds(720h), milliseconds::max()}) {
    BOOST_TEST_CONTEXT(value.count()) {
      BOOST_TEST((*units::parse_duration(units::format_duration(value)) == value));
    }
  }
  for (const auto value : {std::uint64_t{0}, std::uint64_t{1}, K - 1, K, 5 * M, G + 1, 7 * T,
                           std::numeric_limits<std::uint64_t>::max()}) {
    BOOST_TEST_CONTEXT(value) {
      BOOST_TEST(*units::parse_size(units::format_size(value)) == value);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
