// The baseline for file-transfer benchmarks: a raw TCP copy of a file with no protocol at all,
// a blocking read/write loop at each end. The receiving side does the least any server must do
// so that nobody sees half a file, as asyncsvr's Upload does: it writes a temporary file, flushes
// it and renames it onto the name. asyncsvr's Upload and Download throughput are reported as
// ratios against it (docs/BENCHMARKS.md).
//
//   tcp_copy serve --port P --dir DIR       serves one transfer at a time, for ever
//   tcp_copy put   --port P NAME LOCAL      sends LOCAL, stored as DIR/NAME
//   tcp_copy get   --port P NAME LOCAL      fetches DIR/NAME into LOCAL
//
// Wire: one byte 'U' or 'D', one byte name length, the name; then the file's bytes until the
// sender shuts down its side. After an upload the server answers one byte once the file is
// synced, so that the client's clock stops when the data is safe, as with asyncsvr.

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr std::size_t buffer_size = 1 << 20;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) die("write");
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Copies `from` to `to` until `from` reaches its end.
void copy(int from, int to) {
  std::vector<char> buffer(buffer_size);
  for (;;) {
    const ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0) die("read");
    if (n == 0) return;
    write_all(to, buffer.data(), static_cast<std::size_t>(n));
  }
}

void read_exactly(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, data, size);
    if (n <= 0) die("read request");
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

void serve(int port, const std::string& dir) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in address = loopback(port);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    die("bind");
  }
  if (::listen(listener, 16) != 0) die("listen");
  for (;;) {
    const int peer = ::accept(listener, nullptr, nullptr);
    if (peer < 0) die("accept");
    char header[2];
    read_exactly(peer, header, 2);
    std::string name(static_cast<unsigned char>(header[1]), '\0');
    read_exactly(peer, name.data(), name.size());
    const std::string path = dir + "/" + name;
    if (header[0] == 'U') {
      const std::string staged = path + ".tmp";
      const int file = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (file < 0) die("open for writing");
      copy(peer, file);
      if (::fsync(file) != 0) die("fsync");
      ::close(file);
      if (::rename(staged.c_str(), path.c_str()) != 0) die("rename");
      write_all(peer, "K", 1);
    } else {
      const int file = ::open(path.c_str(), O_RDONLY);
      if (file < 0) die("open for reading");
      copy(file, peer);
      ::close(file);
    }
    ::close(peer);
  }
}

int connect_to(int port, char op, const std::string& name) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    die("connect");
  }
  std::string header{op, static_cast<char>(name.size())};
  header += name;
  write_all(fd, header.data(), header.size());
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "serve") == 0 && std::strcmp(argv[4], "--dir") == 0) {
    serve(std::atoi(argv[3]), argv[5]);
  }
  if (argc != 6 || std::strcmp(argv[2], "--port") != 0 || std::strlen(argv[4]) > 255) {
    std::fprintf(stderr,
                 "usage: tcp_copy serve --port P --dir DIR | put|get --port P NAME LOCAL\n");
    return 2;
  }
  const int port = std::atoi(argv[3]);
  const std::string name = argv[4];
  if (std::strcmp(argv[1], "put") == 0) {
    const int file = ::open(argv[5], O_RDONLY);
    if (file < 0) die("open");
    const int peer = connect_to(port, 'U', name);
    copy(file, peer);
    ::shutdown(peer, SHUT_WR);
    char ack = 0;
    read_exactly(peer, &ack, 1);
    return 0;
  }
  if (std::strcmp(argv[1], "get") == 0) {
    const int file = ::open(argv[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0) die("open");
    const int peer = connect_to(port, 'D', name);
    copy(peer, file);
    if (::fsync(file) != 0) die("fsync");
    return 0;
  }
  std::fprintf(stderr, "tcp_copy: unknown mode %s\n", argv[1]);
  return 2;
}
