#pragma once
// Download protocol, flag 3 (PROTOCOL.md §11): Dir and FileList, and Download, which answers
// with a push of the file — SendFile, then Data frames of `chunk` bytes — paced by the send
// queue (§8.2).
//
// A push has one chunk read at a time into a pooled buffer, which is then handed to the session
// (not copied) and queued, but only while fewer than download_inflight of the push's Data frames
// are still queued; the session's write progress starts the next read. A chunk in the page cache
// is copied on the strand, and so is every chunk of a file held in memory (tmpfs); anything that
// needs the disk is read on a file worker (see read_chunk). Requests keep being served meanwhile
// (§11.4).

#include <cstdint>
#include <memory>
#include <string_view>

#include "asyncsvr/files/unique_fd.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "file_reads.hpp"
#include "file_session.hpp"
#include "frame_window.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t download_flag = 3;

class download_session final : public file_session {
 public:
  using file_session::file_session;

 private:
  // The push in progress (§11.3). A read on a worker holds it too (the file must stay open);
  // when that read completes, the push being no longer the session's current one tells that it
  // was superseded by a new Download or ended with the session.
  struct push {
    push(files::unique_fd opened, std::uint64_t offset, std::uint64_t size, std::size_t chunk_size,
         std::size_t inflight)
        : file(std::move(opened)),
          in_memory(is_memory_backed(file.get())),
          next(offset),
          end(size),
          chunk(chunk_size),
          queued(inflight) {}

    const files::unique_fd file;  // read as it was when opened, whatever replaces it later
    const bool in_memory;         // tmpfs: every read is a copy, never a wait for the disk
    std::uint64_t next;           // file offset of the next chunk to read
    const std::uint64_t end;      // the file's size when opened
    const std::size_t chunk;
    bool reading = false;
    frame_window queued;  // this push's Data frames still in the send queue
  };

  std::span<const net::command_spec> commands() const override;
  void on_write_progress() override { produce(); }
  void on_close() override { end_push(); }

  void download(const net::request& r);
  // Opens DirName/FileName beneath file_root; on failure replies and returns an empty fd.
  files::unique_fd open_file(const net::request& r, std::string_view dir, std::string_view name);
  // Payload bytes per Data push.
  std::size_t chunk_size(std::uint64_t packet_size);
  // Starts reading the next chunk if the push may have one more frame queued (§8.2).
  void produce();
  void read_chunk(std::shared_ptr<push> p, memory::buffer chunk, std::uint64_t offset,
                  std::size_t size);
  // Queues a chunk that was read, or ends the push if the file could not be read (§11.3).
  void chunk_ready(const std::shared_ptr<push>& p, memory::buffer chunk, std::size_t size,
                   read_result result);
  void end_push() noexcept;

  std::shared_ptr<push> push_;
};

void register_download(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
