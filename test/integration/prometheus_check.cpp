#include "prometheus_check.hpp"

#include <cctype>
#include <charconv>
#include <set>
#include <sstream>
#include <string_view>

namespace asyncsvr::test {

namespace {

bool name_char(char c, bool first, bool colon_allowed) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalpha(u) || c == '_') return true;
  if (c == ':') return colon_allowed;
  return !first && std::isdigit(u);
}

// Length of the name at the start of `text` (0 when there is none).
std::size_t name_length(std::string_view text, bool colon_allowed) {
  std::size_t n = 0;
  while (n < text.size() && name_char(text[n], n == 0, colon_allowed))
    ++n;
  return n;
}

bool is_number(std::string_view text) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") return true;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

class reader {
 public:
  explicit reader(prometheus_exposition& out) : out_(out) {}

  void line(std::size_t number, std::string_view text) {
    number_ = number;
    if (text.empty()) return;
    if (text.starts_with("# HELP ")) return comment(text.substr(7), helps_, false);
    if (text.starts_with("# TYPE ")) return comment(text.substr(7), typed_, true);
    if (text.starts_with("#")) return;
    sample(text);
  }

 private:
  void problem(const std::string& what) {
    out_.problems.push_back("line " + std::to_string(number_) + ": " + what);
  }

  std::size_t refuse(const std::string& what) {
    problem(what);
    return 0;
  }

  void comment(std::string_view rest, std::set<std::string>& seen, bool is_type) {
    const auto n = name_length(rest, true);
    if (n == 0 || n >= rest.size() || rest[n] != ' ') return problem("bad metric name");
    const std::string name(rest.substr(0, n));
    if (!seen.insert(name).second) problem("second " + std::string(is_type ? "TYPE" : "HELP"));
    if (sampled_.count(name)) problem("HELP/TYPE after samples of " + name);
    if (!is_type) return;
    const std::string type(rest.substr(n + 1));
    static const std::set<std::string> types{"counter", "gauge", "histogram", "summary", "untyped"};
    if (!types.count(type)) problem("unknown type " + type);
    out_.types[name] = type;
  }

  void sample(std::string_view text) {
    const auto n = name_length(text, true);
    if (n == 0) return problem("bad metric name");
    const std::string name(text.substr(0, n));
    std::size_t at = n;
    if (at < text.size() && text[at] == '{') {
      at = labels(text, at + 1);
      if (at == 0) return;
    }
    if (at >= text.size() || text[at] != ' ') return problem("no value");
    const std::string series(text.substr(0, at));
    auto value = text.substr(at + 1);
    // An optional timestamp follows the value.
    if (const auto space = value.find(' '); space != std::string_view::npos) {
      if (!is_number(value.substr(space + 1))) problem("bad timestamp");
      value = value.substr(0, space);
    }
    if (!is_number(value)) return problem("bad value " + std::string(value));
    if (!helps_.count(name) || !typed_.count(name)) problem("no HELP/TYPE before " + name);
    sampled_.insert(name);
    double number = 0;
    std::from_chars(value.data(), value.data() + value.size(), number);
    if (!out_.series.emplace(series, number).second) problem("second sample of " + series);
  }

  // Reads `label="value",…}` from `at`; returns the position after '}', 0 after a problem.
  std::size_t labels(std::string_view text, std::size_t at) {
    std::set<std::string> names;
    while (at < text.size() && text[at] != '}') {
      const auto n = name_length(text.substr(at), false);
      if (n == 0) return refuse("bad label name");
      if (!names.insert(std::string(text.substr(at, n))).second) {
        return refuse("label twice");
      }
      at += n;
      if (text.substr(at, 2) != "=\"") return refuse("label without =\"");
      at += 2;
      for (; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] != '\\') continue;
        if (++at >= text.size() || (text[at] != '\\' && text[at] != '"' && text[at] != 'n')) {
          return refuse("bad escape in label value");
        }
      }
      if (at >= text.size()) return refuse("unterminated label value");
      ++at;  // the closing quote
      if (at < text.size() && text[at] == ',') ++at;
    }
    if (at >= text.size()) return refuse("unterminated labels");
    return at + 1;
  }

  prometheus_exposition& out_;
  std::size_t number_ = 0;
  std::set<std::string> helps_;
  std::set<std::string> typed_;
  std::set<std::string> sampled_;
};

}  // namespace

prometheus_exposition parse_prometheus(const std::string& text) {
  prometheus_exposition out;
  if (!text.empty() && text.back() != '\n') out.problems.push_back("no final newline");
  reader r(out);
  std::istringstream in(text);
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);)
    r.line(++number, line);
  return out;
}

}  // namespace asyncsvr::test
