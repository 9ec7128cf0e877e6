#include "user_command.hpp"

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "asyncsvr/auth/add_user.hpp"
#include "asyncsvr/auth/password_prompt.hpp"

namespace asyncsvr::app {
namespace {

namespace po = boost::program_options;

constexpr std::string_view usage =
    "Usage: asyncsvr user add NAME --role admin|user [--users-file FILE] [--iterations N]\n"
    "\n"
    "Adds an account to the users file, creating the file (mode 0600) if needed. The password is\n"
    "read from standard input (one line) when that is not a terminal, otherwise asked for twice\n"
    "without echo.\n";

// A refusal caused by the command line rather than by the users file.
struct usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string read_password_from_stdin() {
  if (::isatty(STDIN_FILENO) == 0) return auth::read_line(std::cin);
  auto password = auth::prompt_without_echo("Password: ");
  if (password != auth::prompt_without_echo("Retype password: ")) {
    throw std::invalid_argument("the passwords do not match");
  }
  return password;
}

po::options_description visible_options() {
  po::options_description options("Options");
  options.add_options()                                                                   //
      ("help,h", "show this help")                                                        //
      ("role", po::value<std::string>(), "admin or user (required)")                      //
      ("users-file", po::value<std::string>()->default_value("etc/users"), "users file")  //
      ("iterations",
       po::value<std::string>()->default_value(std::to_string(auth::default_iterations)),
       "PBKDF2 iterations, at least 10000");
  return options;
}

po::variables_map parse_arguments(int argc, const char* const argv[],
                                  const po::options_description& visible) {
  po::options_description all;
  all.add(visible).add_options()            //
      ("action", po::value<std::string>())  //
      ("name", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("action", 1).add("name", 1);
  po::variables_map args;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), args);
    po::notify(args);
  } catch (const po::error& e) {
    throw usage_error(e.what());
  }
  return args;
}

void run_add(const po::variables_map& args, const user_command_io& io) {
  if (!args.contains("name")) throw usage_error("missing the account NAME");
  if (!args.contains("role")) throw usage_error("missing --role admin|user");
  const auto& role_text = args["role"].as<std::string>();
  const auto role = auth::parse_role(role_text);
  if (!role) throw usage_error("--role must be admin or user, not '" + role_text + "'");
  const auto& iterations_text = args["iterations"].as<std::string>();
  const auto iterations = auth::parse_iterations(iterations_text);
  if (!iterations) {
    throw usage_error("--iterations must be a decimal number from " +
                      std::to_string(auth::min_iterations) + " to " +
                      std::to_string(auth::max_iterations) + ", not '" + iterations_text + "'");
  }
  const std::filesystem::path file = args["users-file"].as<std::string>();
  const auto& name = args["name"].as<std::string>();
  auth::add_user(file, name, *role, io.read_password, *iterations);
  io.out << "added " << auth::role_name(*role) << " '" << name << "' to " << file.string() << '\n';
}

}  // namespace

int run_user_command(int argc, const char* const argv[], const user_command_io& io) {
  try {
    const auto options = visible_options();
    const auto args = parse_arguments(argc, argv, options);
    if (args.contains("help")) {
      io.out << usage << '\n' << options;
      return 0;
    }
    if (!args.contains("action")) throw usage_error("missing the action (add)");
    if (args["action"].as<std::string>() != "add") {
      throw usage_error("unknown action '" + args["action"].as<std::string>() + "' (add)");
    }
    run_add(args, io);
    return 0;
  } catch (const usage_error& e) {
    io.err << "asyncsvr user: " << e.what() << "\nTry 'asyncsvr user --help'.\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    io.err << "asyncsvr user: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    io.err << "asyncsvr user: " << e.what() << '\n';
    return 1;
  }
}

int run_user_command(int argc, char** argv) {
  return run_user_command(argc, argv, {read_password_from_stdin, std::cout, std::cerr});
}

}  // namespace asyncsvr::app
