#include "asyncsvr/auth/add_user.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace asyncsvr::auth {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& file) {
  throw std::system_error(errno, std::generic_category(), what + " " + file.string());
}

class file_descriptor {
 public:
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(file_descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  file_descriptor& operator=(file_descriptor&&) = delete;
  ~file_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// Opened with O_APPEND so that each write lands at the end even if another writer ignores the
// lock; created 0600 in the same call so the hashes are never readable by others, not even
// briefly.
file_descriptor open_locked(const std::filesystem::path& file) {
  file_descriptor fd(::open(file.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw_errno("cannot open", file);
  if (::flock(fd.get(), LOCK_EX) != 0) throw_errno("cannot lock", file);
  return fd;
}

std::string read_all(int fd, const std::filesystem::path& file) {
  std::string text;
  std::array<char, 4096> chunk{};
  for (;;) {
    const auto n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read", file);
    if (n == 0) return text;
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

void write_all(int fd, std::string_view text, const std::filesystem::path& file) {
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot write", file);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ensure_absent(std::string_view users_text, std::string_view name,
                   const std::filesystem::path& file) {
  if (user_store::parse(users_text, file.string()).find(name)) {
    throw std::invalid_argument("user '" + std::string(name) + "' already exists in " +
                                file.string());
  }
}

}  // namespace

void add_user(const std::filesystem::path& file, std::string_view name, role r,
              const password_reader& read_password, unsigned iterations) {
  validate_new_account(name, iterations);
  // Checked before the password is read and again under the lock, where it is authoritative;
  // a missing file is not created until there is something to write into it.
  {
    const file_descriptor existing(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (existing.get() < 0 && errno != ENOENT) throw_errno("cannot open", file);
    if (existing.get() >= 0) ensure_absent(read_all(existing.get(), file), name, file);
  }
  const auto line = format_user_line(name, r, read_password(), iterations);

  const auto fd = open_locked(file);
  const auto text = read_all(fd.get(), file);
  ensure_absent(text, name, file);
  const bool needs_line_break = !text.empty() && !text.ends_with('\n');
  write_all(fd.get(), (needs_line_break ? "\n" : "") + line + "\n", file);
  if (::fsync(fd.get()) != 0) throw_errno("cannot sync", file);
}

}  // namespace asyncsvr::auth
