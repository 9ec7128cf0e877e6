// upload and download: resumable file transfers with a progress bar on a terminal.

#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>

#include "asyncsvr/client/file_download.hpp"
#include "asyncsvr/client/file_upload.hpp"
#include "asyncsvr/client/progress.hpp"
#include "asyncsvr/client/remote_files.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "commands.hpp"
#include "upload_plan.hpp"

namespace asyncsvr::cli {

namespace {

bool progress_on_terminal() {
  return ::isatty(STDERR_FILENO) != 0;
}

// "(3145728 bytes)", "(3145728 bytes, resumed at 1048576)".
std::string outcome(std::uint64_t size, const client::progress_display& display) {
  auto text = "(" + std::to_string(size) + " bytes";
  if (display.resumed_from() > 0) text += ", resumed at " + std::to_string(display.resumed_from());
  return text + ")";
}

}  // namespace

void run_upload(const command_context& context) {
  const auto& o = context.options;
  const auto plan = plan_upload(o.args, o.remote_dir, o.recursive);
  for (const auto& reason : plan.skipped)
    std::cerr << "asyncsvr-cli: skipping " << reason << '\n';

  client::reconnecting_session session(context.io, o.account, upload_protocol);
  for (const auto& dir : plan.dirs) {
    client::progress_display display(std::cerr, client::join_remote_path(dir.dir, dir.name), false);
    session.run([&](client::connection& c) { client::create_dir(c, dir); }, display);
  }
  for (const auto& file : plan.files) {
    const auto remote = client::join_remote_path(file.target.dir, file.target.name);
    client::progress_display display(std::cerr, file.local.filename().string(),
                                     progress_on_terminal());
    const auto size = client::upload_file(session, file.local, file.target, display);
    display.finish();
    std::cout << "uploaded " << file.local.string() << " to " << remote << ' '
              << outcome(size, display) << std::endl;
  }
}

void run_download(const command_context& context) {
  const auto& o = context.options;
  const auto source = client::split_remote_path(o.args.front());
  std::filesystem::path local = o.args.size() > 1 ? o.args[1] : source.name;
  if (std::filesystem::is_directory(local)) local /= source.name;

  client::reconnecting_session session(context.io, o.account, download_protocol);
  client::progress_display display(std::cerr, source.name, progress_on_terminal());
  try {
    const auto size = client::download_file(session, source, local, display);
    display.finish();
    std::cout << "downloaded " << client::join_remote_path(source.dir, source.name) << " to "
              << local.string() << ' ' << outcome(size, display) << std::endl;
  } catch (const client::server_error& e) {
    if (e.code() == codec::result_code::file_size_error) {
      std::cerr << "asyncsvr-cli: if " << client::partial_download_path(local).string()
                << " holds more than the server's file, remove it to start over\n";
    }
    throw;
  }
}

}  // namespace asyncsvr::cli
