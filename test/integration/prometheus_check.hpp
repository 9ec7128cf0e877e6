#pragma once
// A strict reader of the Prometheus text exposition format (0.0.4), as much of it as /metrics
// uses: # HELP and # TYPE lines, then samples `name{label="value",…} number`. It checks metric
// and label name syntax, label value escapes, numeric values, that every family has HELP and TYPE
// before its first sample, and that no HELP, TYPE or series appears twice.

#include <map>
#include <string>
#include <vector>

namespace asyncsvr::test {

struct prometheus_exposition {
  std::map<std::string, double> series;      // `name{label="value"}` (as written) → value
  std::map<std::string, std::string> types;  // family → counter | gauge | …
  std::vector<std::string> problems;         // "line N: what is wrong"
};

prometheus_exposition parse_prometheus(const std::string& text);

}  // namespace asyncsvr::test
