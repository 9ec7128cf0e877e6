// asyncsvr-bench: the load generator. `asyncsvr-bench MODE [options]`; see print_usage().
// Exit codes: 0 when the run completed, 1 when it could not run or nothing got through, 2 for a
// bad command line.

#include <exception>
#include <iostream>
#include <string_view>

#include <boost/program_options/errors.hpp>

#include "options.hpp"
#include "report.hpp"

namespace {

using namespace asyncsvr::bench;

// Parses the mode's options, runs it and prints the result. A run that got no work through at
// all exits 1 so that scripts notice.
template <class Parse, class Run, class Succeeded>
int run_mode(int argc, const char* const* argv, Parse parse, Run run, Succeeded succeeded) {
  const auto options = parse(argc, argv);
  if (!options) return 0;
  const auto result = run(*options);
  print(std::cout, result, options->json);
  return succeeded(result) ? 0 : 1;
}

int dispatch(int argc, const char* const* argv) {
  if (argc < 2) {
    print_usage();
    return 2;
  }
  const std::string_view mode = argv[1];
  // Each mode parses everything after the mode word.
  const int rest_argc = argc - 1;
  const char* const* rest_argv = argv + 1;
  if (mode == "throughput") {
    return run_mode(rest_argc, rest_argv, parse_throughput, run_throughput,
                    [](const throughput_result& r) { return r.requests > 0; });
  }
  if (mode == "capacity") {
    return run_mode(rest_argc, rest_argv, parse_capacity, run_capacity,
                    [](const capacity_result& r) { return r.established > 0; });
  }
  if (mode == "accept") {
    return run_mode(rest_argc, rest_argv, parse_accept, run_accept,
                    [](const accept_result& r) { return r.connections > 0; });
  }
  if (mode == "-h" || mode == "--help" || mode == "help") {
    print_usage();
    return 0;
  }
  std::cerr << "asyncsvr-bench: unknown mode '" << mode << "'\n";
  print_usage();
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const boost::program_options::error& e) {
    std::cerr << "asyncsvr-bench: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "asyncsvr-bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "asyncsvr-bench: " << e.what() << "\n";
    return 1;
  }
}
