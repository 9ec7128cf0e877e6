#pragma once
// What the kernel says about a process and its sockets, for tests that check that nothing leaks
// and nothing spins: descriptors, CPU time, sockets left in CLOSE_WAIT.

#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace asyncsvr::test {

// Descriptors open in process `pid` (0 = this process), from /proc/PID/fd.
std::size_t open_descriptors(pid_t pid = 0);

// CPU time (user + system) process `pid` has used so far, in seconds, from /proc/PID/stat.
double cpu_seconds(pid_t pid);

// Sockets whose local port is `port` in CLOSE_WAIT (state 08 in /proc/net/tcp and tcp6): the peer
// closed and the owner has not.
int close_wait_sockets(std::uint16_t port);

}  // namespace asyncsvr::test
