#pragma once
// What a file transfer reports while it runs: the CLI draws a progress bar from it, a benchmark
// can count bytes. Every hook defaults to doing nothing.
//
// Thread-safety: called on the thread running the transfer.

#include <chrono>
#include <cstdint>
#include <exception>

namespace asyncsvr::client {

class transfer_listener {
 public:
  virtual ~transfer_listener() = default;

  // The transfer (re)starts at `offset` of `total` bytes: once at the start and again after
  // every reconnection, with the offset the server confirmed.
  virtual void started(std::uint64_t /*offset*/, std::uint64_t /*total*/) {}
  // `done` bytes of the file are now transferred.
  virtual void advanced(std::uint64_t /*done*/) {}
  // The connection failed with `why`; attempt number `attempt` starts after `delay`.
  virtual void retrying(const std::exception& /*why*/, unsigned /*attempt*/,
                        std::chrono::milliseconds /*delay*/) {}
};

}  // namespace asyncsvr::client
