#pragma once
// The server's share of file descriptors (POSIX).
//
// A login shell usually starts a process with a soft RLIMIT_NOFILE of 1024 under a much higher
// hard limit; left alone, the server would refuse connections (EMFILE) past about a thousand.
// Any process may raise its soft limit to the hard one, so the server does that at start and
// warns when even the hard limit is below what max_connections asks for.

#include <cstdint>

namespace asyncsvr::app {

// Raises the soft limit to the hard limit; logs a warning naming both figures when the result is
// below `connections` plus the descriptors the server needs besides its connections.
void raise_descriptor_limit(std::uint64_t connections);

}  // namespace asyncsvr::app
