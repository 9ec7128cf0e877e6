// epoll_echo: the strongest honest echo server we know how to write in C, the floor asyncsvr and
// asio_echo are measured against. Whatever it costs per request is what the kernel costs; whatever
// a server costs above it is its own.
//
//   epoll_echo --port P [--threads N] [--listen ADDRESS]      (the same interface as asio_echo)
//
// Each thread owns one level-triggered epoll set and its own SO_REUSEPORT listener, so threads
// share nothing: the kernel spreads new connections over the listeners by their address hash, and
// no accept wakes a thread that then finds nothing (EPOLLEXCLUSIVE on one shared listener would
// still wake "one or more" waiters and needs a shared accept queue). Reads go into one 64 KiB
// buffer per thread and are written back at once; only the unsent rest of a partial write is kept,
// in a heap buffer of the connection's own, while the connection waits for EPOLLOUT and is not
// read. An idle connection costs one small struct (the only per-connection memory).
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  read_buffer_size = 64 * 1024,
  max_events = 256,
  // Accepts per listener wake-up: a connection storm must not starve established connections.
  max_accepts_per_wake = 64,
  max_threads = 64,
};

struct connection {
  int fd;
  uint32_t unsent_length;  // bytes of `unsent` still to write; 0 = reading
  uint32_t unsent_offset;
  char* unsent;
  // Every live connection of a thread, so that shutdown can close and free them all.
  struct connection* prev;
  struct connection* next;
};

// epoll_event.data.ptr of a listener or of the wake-up eventfd: never a connection's address.
static char listener_tag;
static char wake_tag;

struct worker {
  int epoll_fd;
  int listen_fd;
  int wake_fd;   // written by the main thread on SIGINT/SIGTERM
  int spare_fd;  // closed to accept (and drop) one connection when out of descriptors
  struct connection* live;
  pthread_t thread;
  char buffer[read_buffer_size];
};

struct settings {
  const char* listen;
  const char* port;
  unsigned threads;
};

static void close_connection(struct worker* w, struct connection* c) {
  // close() also removes the descriptor from the epoll set.
  close(c->fd);
  if (c->prev)
    c->prev->next = c->next;
  else
    w->live = c->next;
  if (c->next) c->next->prev = c->prev;
  free(c->unsent);
  free(c);
}

static bool watch(struct worker* w, struct connection* c, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  return epoll_ctl(w->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) == 0;
}

// Writes `data` and, if the socket takes only part of it, keeps the rest and waits for room
// instead of reading on. Returns false when the connection must be closed.
static bool send_or_keep(struct worker* w, struct connection* c, const char* data, size_t length) {
  ssize_t sent = send(c->fd, data, length, MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    sent = 0;
  }
  if ((size_t)sent == length) return true;
  const size_t rest = length - (size_t)sent;
  c->unsent = malloc(rest);
  if (!c->unsent) return false;
  memcpy(c->unsent, data + sent, rest);
  c->unsent_length = (uint32_t)rest;
  c->unsent_offset = 0;
  return watch(w, c, EPOLLOUT);
}

// Reads until the socket is drained: a read shorter than the buffer means it was empty a moment
// ago, and level-triggered epoll reports anything that arrives later, so the recv() that would
// only return EAGAIN is skipped. Returns false when the connection must be closed.
static bool on_readable(struct worker* w, struct connection* c) {
  for (;;) {
    const ssize_t n = recv(c->fd, w->buffer, sizeof w->buffer, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (!send_or_keep(w, c, w->buffer, (size_t)n)) return false;
    if (c->unsent_length > 0 || (size_t)n < sizeof w->buffer) return true;
  }
}

static bool on_writable(struct worker* w, struct connection* c) {
  const ssize_t sent = send(c->fd, c->unsent + c->unsent_offset, c->unsent_length, MSG_NOSIGNAL);
  if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  c->unsent_offset += (uint32_t)sent;
  c->unsent_length -= (uint32_t)sent;
  if (c->unsent_length > 0) return true;
  free(c->unsent);
  c->unsent = NULL;
  return watch(w, c, EPOLLIN);
}

static void add_connection(struct worker* w, int fd) {
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // as asio_echo and asyncsvr do
  struct connection* c = calloc(1, sizeof *c);
  if (!c) {
    close(fd);
    return;
  }
  c->fd = fd;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    free(c);
    return;
  }
  c->next = w->live;
  if (w->live) w->live->prev = c;
  w->live = c;
}

static void on_acceptable(struct worker* w) {
  for (int i = 0; i < max_accepts_per_wake; ++i) {
    const int fd = accept4(w->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      add_connection(w, fd);
      continue;
    }
    if ((errno == EMFILE || errno == ENFILE) && w->spare_fd >= 0) {
      // Level-triggered, the pending connection would wake this thread again at once, forever:
      // give up the spare descriptor to accept it and close it, then take the spare back.
      close(w->spare_fd);
      const int dropped = accept4(w->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (dropped >= 0) close(dropped);
      w->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      continue;
    }
    return;  // EAGAIN, or an error of one connection (ECONNABORTED and the like)
  }
}

static void* run_worker(void* arg) {
  struct worker* w = arg;
  struct epoll_event events[max_events];
  for (;;) {
    const int n = epoll_wait(w->epoll_fd, events, max_events, -1);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &wake_tag) return NULL;
      if (tag == &listener_tag) {
        on_acceptable(w);
        continue;
      }
      struct connection* c = tag;
      // EPOLLERR and EPOLLHUP surface as a failing or empty recv()/send() on the path taken.
      const bool alive = c->unsent_length > 0 ? on_writable(w, c) : on_readable(w, c);
      if (!alive) close_connection(w, c);
    }
  }
  return NULL;
}

static int open_listener(const struct settings* s) {
  const struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                                 .ai_socktype = SOCK_STREAM};
  struct addrinfo* address = NULL;
  const int gai = getaddrinfo(s->listen, s->port, &hints, &address);
  if (gai != 0) {
    fprintf(stderr, "epoll_echo: %s: %s\n", s->listen, gai_strerror(gai));
    return -1;
  }
  int fd = socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
      bind(fd, address->ai_addr, address->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
    perror("epoll_echo: listen");
    if (fd >= 0) close(fd);
    fd = -1;
  }
  freeaddrinfo(address);
  return fd;
}

static bool add_tagged(int epoll_fd, int fd, void* tag) {
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

static bool init_worker(struct worker* w, const struct settings* s) {
  w->live = NULL;
  w->listen_fd = open_listener(s);
  w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  w->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (w->listen_fd < 0 || w->epoll_fd < 0 || w->wake_fd < 0) return false;
  return add_tagged(w->epoll_fd, w->listen_fd, &listener_tag) &&
         add_tagged(w->epoll_fd, w->wake_fd, &wake_tag);
}

static void destroy_worker(struct worker* w) {
  while (w->live)
    close_connection(w, w->live);
  const int fds[] = {w->listen_fd, w->epoll_fd, w->wake_fd, w->spare_fd};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; ++i)
    if (fds[i] >= 0) close(fds[i]);
}

static bool parse_unsigned(const char* text, unsigned long max, unsigned long* out) {
  char* end = NULL;
  errno = 0;
  const unsigned long value = strtoul(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value == 0 || value > max)
    return false;
  *out = value;
  return true;
}

// A hand-rolled parser, like asio_echo's, accepting exactly its options.
static bool parse(int argc, char** argv, struct settings* s) {
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (i + 1 >= argc || strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) return false;
    const char* value = argv[++i];
    unsigned long number = 0;
    if (strcmp(arg, "--listen") == 0) {
      s->listen = value;
    } else if (strcmp(arg, "--port") == 0 && parse_unsigned(value, 65535, &number)) {
      s->port = value;
    } else if (strcmp(arg, "--threads") == 0 && parse_unsigned(value, max_threads, &number)) {
      s->threads = (unsigned)number;
    } else {
      return false;
    }
  }
  return s->port != NULL;
}

int main(int argc, char** argv) {
  struct settings s = {.listen = "127.0.0.1", .port = NULL, .threads = 1};
  if (!parse(argc, argv, &s)) {
    fprintf(stderr, "Usage: epoll_echo --port PORT [--threads N (1-%d)] [--listen ADDRESS]\n",
            max_threads);
    return 2;
  }
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // Workers inherit the blocked set, so only sigwait() below sees these signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

  struct worker* workers = calloc(s.threads, sizeof *workers);
  if (!workers) return 1;
  unsigned started = 0;
  int status = 0;
  // Every listener exists before the first connection can arrive, so none is refused.
  for (unsigned i = 0; i < s.threads; ++i) {
    if (!init_worker(&workers[i], &s)) {
      status = 1;
      s.threads = i + 1;  // destroy what exists, no more
      break;
    }
  }
  for (unsigned i = 0; status == 0 && i < s.threads; ++i) {
    if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) {
      status = 1;
      break;
    }
    ++started;
  }
  if (status == 0) {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
  }
  const uint64_t one = 1;
  for (unsigned i = 0; i < started; ++i) {
    if (write(workers[i].wake_fd, &one, sizeof one) != (ssize_t)sizeof one) status = 1;
    pthread_join(workers[i].thread, NULL);
  }
  for (unsigned i = 0; i < s.threads; ++i)
    destroy_worker(&workers[i]);
  free(workers);
  return status;
}
