// Unit tests for the buffer pool (size classes, recycling, stats, depot cap, trim, threads) and
// the send queue built on it (coalescing, shared frames, handed-over buffers, partial writes).

#include "asyncsvr/memory/buffer_pool.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/net/send_queue.hpp"

using asyncsvr::byte_order;
using asyncsvr::memory::buffer;
using asyncsvr::memory::buffer_pool;
using asyncsvr::memory::buffer_pool_stats;
using asyncsvr::net::send_queue;

namespace {

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * kib;
constexpr std::size_t no_limit = 1024 * mib;

// Runs a test body twice: once from a thread bound to the pool's cache 0, once unbound (the
// depot path). The binding is thread-local, so a fresh pool always starts unbound.
template <class Body>
void bound_and_unbound(Body&& body) {
  for (const bool bound : {false, true}) {
    BOOST_TEST_CONTEXT((bound ? "bound thread" : "unbound thread")) {
      buffer_pool pool(1, no_limit);
      if (bound) pool.bind_current_thread(0);
      body(pool);
    }
  }
}

struct expected_stats {
  std::uint64_t in_use_bytes;
  std::uint64_t in_use_buffers;
  std::uint64_t cached_bytes;
  std::uint64_t footprint_bytes;
  std::uint64_t footprint_high_water;
  std::uint64_t system_allocations;
  std::uint64_t acquisitions;
};

void check_stats(const buffer_pool& pool, const expected_stats& e) {
  const buffer_pool_stats s = pool.stats();
  BOOST_TEST(s.in_use_bytes == e.in_use_bytes);
  BOOST_TEST(s.in_use_buffers == e.in_use_buffers);
  BOOST_TEST(s.cached_bytes == e.cached_bytes);
  BOOST_TEST(s.footprint_bytes == e.footprint_bytes);
  BOOST_TEST(s.footprint_high_water == e.footprint_high_water);
  BOOST_TEST(s.system_allocations == e.system_allocations);
  BOOST_TEST(s.acquisitions == e.acquisitions);
}

std::string frame_bytes(std::string_view text, std::string_view payload, byte_order order) {
  std::string out;
  asyncsvr::codec::append_frame(out, text, {payload.data(), payload.size()}, order);
  return out;
}

std::string flatten(std::span<const boost::asio::const_buffer> buffers) {
  std::string out;
  for (const auto& b : buffers)
    out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(buffer_pool_tests)

BOOST_AUTO_TEST_CASE(capacity_is_rounded_to_the_class) {
  struct row {
    std::size_t requested;
    std::size_t capacity;
  };
  const row rows[] = {
      {1, 4 * kib},
      {4 * kib - 1, 4 * kib},
      {4 * kib, 4 * kib},
      {4 * kib + 1, 8 * kib},
      {64 * kib, 64 * kib},
      {64 * kib + 1, 128 * kib},
      {5 * mib, 8 * mib},
      {8 * mib, 8 * mib},
      {8 * mib + 1, 8 * mib + 1},  // above the largest class: served exactly
      {20 * mib + 3, 20 * mib + 3},
  };
  BOOST_TEST(buffer_pool::largest_class == 8 * mib);
  buffer_pool pool(0, no_limit);
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("requested " << r.requested) {
      buffer b = pool.acquire(r.requested);
      BOOST_TEST_REQUIRE(static_cast<bool>(b));
      BOOST_TEST(b.capacity() >= r.requested);
      BOOST_TEST(b.capacity() == r.capacity);
      // The whole capacity is usable (a sanitizer build would catch a short allocation).
      std::memset(b.data(), 0x5A, b.capacity());
    }
  }
}

BOOST_AUTO_TEST_CASE(released_buffer_is_reused) {
  // 4 KiB and 16 KiB sit in a thread cache when bound; 1 MiB always goes through the depot.
  for (const std::size_t size : {4 * kib, 16 * kib, 1 * mib}) {
    BOOST_TEST_CONTEXT("size " << size) {
      bound_and_unbound([&](buffer_pool& pool) {
        const char* first = nullptr;
        {
          buffer b = pool.acquire(size);
          first = b.data();
        }
        // Any request of the same class gets the same memory back, without the system.
        buffer again = pool.acquire(size / 2 + 1);
        BOOST_TEST(static_cast<const void*>(again.data()) == static_cast<const void*>(first));
        BOOST_TEST(pool.stats().system_allocations == 1u);
      });
    }
  }
}

BOOST_AUTO_TEST_CASE(moved_buffer_is_released_once) {
  buffer_pool pool(0, no_limit);
  {
    buffer a = pool.acquire(100);
    buffer b = std::move(a);
    BOOST_TEST(!static_cast<bool>(a));
    buffer c;
    c = std::move(b);
    BOOST_TEST(pool.stats().in_use_buffers == 1u);
  }
  const auto s = pool.stats();
  BOOST_TEST(s.in_use_buffers == 0u);
  BOOST_TEST(s.cached_bytes == 4 * kib);
}

BOOST_AUTO_TEST_CASE(stats_follow_acquire_and_release) {
  bound_and_unbound([](buffer_pool& pool) {
    check_stats(pool, {0, 0, 0, 0, 0, 0, 0});
    buffer small = pool.acquire(100);
    check_stats(pool, {4 * kib, 1, 0, 4 * kib, 4 * kib, 1, 1});
    buffer larger = pool.acquire(5000);
    check_stats(pool, {12 * kib, 2, 0, 12 * kib, 12 * kib, 2, 2});
    small = buffer();  // released: cached, still part of the footprint
    check_stats(pool, {8 * kib, 1, 4 * kib, 12 * kib, 12 * kib, 2, 2});
    larger = buffer();
    check_stats(pool, {0, 0, 12 * kib, 12 * kib, 12 * kib, 2, 2});
    small = pool.acquire(4 * kib);  // from the cache: no new system allocation
    check_stats(pool, {4 * kib, 1, 8 * kib, 12 * kib, 12 * kib, 2, 3});
  });
}

BOOST_AUTO_TEST_CASE(oversized_requests_are_never_cached) {
  bound_and_unbound([](buffer_pool& pool) {
    const std::size_t size = buffer_pool::largest_class + 1;
    {
      buffer b = pool.acquire(size);
      check_stats(pool, {size, 1, 0, size, size, 1, 1});
    }
    check_stats(pool, {0, 0, 0, 0, size, 1, 1});
    buffer again = pool.acquire(size);
    BOOST_TEST(pool.stats().system_allocations == 2u);
  });
}

BOOST_AUTO_TEST_CASE(depot_respects_the_cache_limit) {
  struct row {
    const char* name;
    bool bound;
    std::size_t size;
    std::size_t limit;
    std::size_t kept;  // buffers the depot may keep
  };
  // Bound rows use 1 MiB buffers, which skip the thread caches, so only the depot's cap applies.
  const row rows[] = {
      {"unbound, 64 KiB, room for 2", false, 64 * kib, 128 * kib, 2},
      {"unbound, 4 KiB, room for 3.5", false, 4 * kib, 14 * kib, 3},
      {"unbound, limit 0", false, 4 * kib, 0, 0},
      {"bound, 1 MiB, room for 2", true, mib, 2 * mib, 2},
      {"bound, 1 MiB, limit 0", true, mib, 0, 0},
  };
  constexpr std::size_t count = 5;
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.name) {
      buffer_pool pool(1, r.limit);
      if (r.bound) pool.bind_current_thread(0);
      {
        std::vector<buffer> held;
        for (std::size_t i = 0; i < count; ++i)
          held.push_back(pool.acquire(r.size));
        BOOST_TEST(pool.stats().footprint_bytes == count * r.size);
      }
      const auto s = pool.stats();
      BOOST_TEST(s.in_use_bytes == 0u);
      BOOST_TEST(s.cached_bytes == r.kept * r.size);
      BOOST_TEST(s.cached_bytes <= r.limit);
      BOOST_TEST(s.footprint_bytes == r.kept * r.size);
      BOOST_TEST(s.footprint_high_water == count * r.size);
    }
  }
}

BOOST_AUTO_TEST_CASE(trim_frees_what_stayed_unused_for_a_period) {
  constexpr std::size_t size = 64 * kib;
  buffer_pool pool(0, no_limit);
  {
    std::vector<buffer> burst;
    for (int i = 0; i < 4; ++i)
      burst.push_back(pool.acquire(size));
  }
  BOOST_TEST(pool.stats().cached_bytes == 4 * size);

  // The first trim only starts the observation period: nothing has been idle for a whole one.
  BOOST_TEST(pool.trim() == 0u);
  BOOST_TEST(pool.stats().footprint_bytes == 4 * size);

  // Two buffers are used during the period; the other two sit idle through it.
  std::set<const void*> reused;
  {
    buffer a = pool.acquire(size);
    buffer b = pool.acquire(size);
    reused = {a.data(), b.data()};
  }
  BOOST_TEST(pool.trim() == 2 * size);
  auto s = pool.stats();
  BOOST_TEST(s.cached_bytes == 2 * size);
  BOOST_TEST(s.footprint_bytes == 2 * size);
  {
    // The survivors are the buffers that were in use, not the idle ones.
    buffer a = pool.acquire(size);
    buffer b = pool.acquire(size);
    const std::set<const void*> kept = {a.data(), b.data()};
    BOOST_TEST(kept == reused, boost::test_tools::per_element());
    BOOST_TEST(pool.stats().system_allocations == 4u);
  }

  // A quiet period, then everything idle goes; a further trim has nothing left to do.
  BOOST_TEST(pool.trim() == 0u);  // the two were taken during the previous period
  BOOST_TEST(pool.trim() == 2 * size);
  BOOST_TEST(pool.trim() == 0u);
  s = pool.stats();
  BOOST_TEST(s.cached_bytes == 0u);
  BOOST_TEST(s.footprint_bytes == 0u);
  BOOST_TEST(s.footprint_high_water == 4 * size);
}

BOOST_AUTO_TEST_CASE(concurrent_bound_threads_keep_stats_consistent) {
  constexpr std::size_t threads = 4;
  constexpr int iterations = 5000;
  // Mixed classes: thread-cached, depot-only and oversized.
  constexpr std::size_t sizes[] = {100, 4 * kib, 5000, 40 * kib, 100 * kib, mib, 9 * mib};
  constexpr std::size_t size_count = std::size(sizes);
  buffer_pool pool(threads, 4 * mib);

  // Buffers handed between threads: a session's buffer may be released on another I/O thread.
  std::mutex mailbox_mutex;
  std::vector<buffer> mailbox;
  std::atomic<int> corrupted{0};

  // Each buffer carries its owner's tag at both ends; a buffer handed out twice would be
  // overwritten by its second owner and show up here. Boost.Test is not thread-safe, so the
  // threads only count failures.
  const auto stamp = [](buffer& b, std::uint32_t tag) {
    std::memcpy(b.data(), &tag, sizeof tag);
    std::memcpy(b.data() + b.capacity() - sizeof tag, &tag, sizeof tag);
  };
  const auto intact = [](const buffer& b, std::uint32_t tag) {
    std::uint32_t head = 0;
    std::uint32_t tail = 0;
    std::memcpy(&head, b.data(), sizeof head);
    std::memcpy(&tail, b.data() + b.capacity() - sizeof tail, sizeof tail);
    return head == tag && tail == tag;
  };

  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      pool.bind_current_thread(t);
      std::vector<std::pair<buffer, std::uint32_t>> held;
      for (int i = 0; i < iterations; ++i) {
        const auto tag = static_cast<std::uint32_t>(t << 24 | static_cast<std::uint32_t>(i));
        buffer b = pool.acquire(sizes[(t + static_cast<std::size_t>(i)) % size_count]);
        stamp(b, tag);
        held.emplace_back(std::move(b), tag);
        if (held.size() > 6) {
          // Release an older one, not always the newest, so classes interleave.
          const std::size_t victim = static_cast<std::size_t>(i) % held.size();
          if (!intact(held[victim].first, held[victim].second)) ++corrupted;
          if (i % 5 == 0) {
            std::lock_guard lock(mailbox_mutex);
            mailbox.push_back(std::move(held[victim].first));
            if (mailbox.size() > 8) mailbox.erase(mailbox.begin());  // released on this thread
          }
          held.erase(held.begin() + static_cast<std::ptrdiff_t>(victim));
        }
      }
      for (const auto& [b, tag] : held) {
        if (!intact(b, tag)) ++corrupted;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  BOOST_TEST(corrupted.load() == 0);
  BOOST_TEST(pool.stats().in_use_buffers == mailbox.size());
  mailbox.clear();

  const auto s = pool.stats();
  BOOST_TEST(s.in_use_bytes == 0u);
  BOOST_TEST(s.in_use_buffers == 0u);
  BOOST_TEST(s.acquisitions == threads * iterations);
  // With nothing in use, every byte still held from the system is cached for reuse.
  BOOST_TEST(s.footprint_bytes == s.cached_bytes);
  BOOST_TEST(s.footprint_high_water >= s.footprint_bytes);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_queue_tests)

const std::string_view reply_text = "[Response]\r\nCommand=CyclePacket\r\nCode=0\r\nCount=2";

BOOST_AUTO_TEST_CASE(small_frames_coalesce_into_one_segment) {
  for (const auto order : {byte_order::little, byte_order::big}) {
    BOOST_TEST_CONTEXT((order == byte_order::little ? "little" : "big")) {
      buffer_pool pool(0, no_limit);
      send_queue queue(pool, 16 * kib);
      std::string expected;
      for (int i = 0; i < 10; ++i) {
        const std::string payload(static_cast<std::size_t>(i) * 10, static_cast<char>('a' + i));
        queue.append_frame(reply_text, {payload.data(), payload.size()}, order);
        expected += frame_bytes(reply_text, payload, order);
      }
      BOOST_TEST(queue.bytes() == expected.size());
      const auto buffers = queue.gather();
      BOOST_TEST(buffers.size() == 1u);
      BOOST_TEST(flatten(buffers) == expected);
      BOOST_TEST(pool.stats().in_use_buffers == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(large_frame_gets_its_own_segment) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  const std::string big(10000, 'B');
  queue.append_frame(reply_text, {}, byte_order::little);
  queue.append_frame(reply_text, {big.data(), big.size()}, byte_order::little);
  const auto buffers = queue.gather();
  BOOST_TEST_REQUIRE(buffers.size() == 2u);
  BOOST_TEST(buffers[1].size() == asyncsvr::codec::frame_size(reply_text.size(), big.size()));
  BOOST_TEST(flatten(buffers) == frame_bytes(reply_text, "", byte_order::little) +
                                     frame_bytes(reply_text, big, byte_order::little));
}

BOOST_AUTO_TEST_CASE(shared_frames_are_kept_alive_by_the_queue) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  auto broadcast = std::make_shared<const std::string>(
      frame_bytes("[Response]\r\nCommand=Message", "", byte_order::little));
  const std::weak_ptr<const std::string> watch = broadcast;
  const std::string own = frame_bytes(reply_text, "", byte_order::little);

  queue.append_frame(reply_text, {}, byte_order::little);
  queue.append_shared(std::move(broadcast));
  queue.append_frame(reply_text, {}, byte_order::little);      // after a shared frame: new segment
  queue.append_shared(std::make_shared<const std::string>());  // empty: nothing queued

  BOOST_TEST(!watch.expired());
  const auto shared_bytes = *watch.lock();
  BOOST_TEST(queue.bytes() == 2 * own.size() + shared_bytes.size());
  const auto buffers = queue.gather();
  BOOST_TEST(buffers.size() == 3u);
  // Queued by reference, not copied.
  BOOST_TEST(buffers[1].data() == static_cast<const void*>(watch.lock()->data()));
  BOOST_TEST(flatten(buffers) == own + shared_bytes + own);

  queue.consume(own.size());
  BOOST_TEST(!watch.expired());
  queue.consume(shared_bytes.size());
  BOOST_TEST(watch.expired());  // released as soon as it has been written
  queue.consume(own.size());
  BOOST_TEST(queue.empty());
}

BOOST_AUTO_TEST_CASE(consume_partial_and_full) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  const auto shared = std::make_shared<const std::string>("0123456789");
  queue.append_frame(reply_text, {}, byte_order::little);
  queue.append_shared(shared);
  const std::string all = flatten(queue.gather());
  BOOST_TEST(all.size() == queue.bytes());

  // Partial inside the first segment, across the boundary, then the rest.
  std::size_t written = 0;
  for (const std::size_t step : {std::size_t{3}, all.size() - 5 - 3, std::size_t{5}}) {
    queue.consume(step);
    written += step;
    BOOST_TEST_CONTEXT("after " << written << " bytes") {
      BOOST_TEST(queue.bytes() == all.size() - written);
      BOOST_TEST(flatten(queue.gather()) == all.substr(written));
    }
  }
  BOOST_TEST(queue.empty());
  BOOST_TEST(queue.gather().empty());
  // The segment went back to the pool when it was done.
  BOOST_TEST(pool.stats().in_use_buffers == 0u);
}

BOOST_AUTO_TEST_CASE(gather_honours_max_buffers) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  for (int i = 0; i < 3; ++i)
    queue.append_shared(std::make_shared<const std::string>(5, static_cast<char>('a' + i)));
  BOOST_TEST(queue.gather(2).size() == 2u);
  BOOST_TEST(flatten(queue.gather(2)) == "aaaaabbbbb");
  BOOST_TEST(queue.gather().size() == 3u);
}

BOOST_AUTO_TEST_CASE(clear_returns_everything) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  queue.append_frame(reply_text, {}, byte_order::little);
  queue.append_shared(std::make_shared<const std::string>("xyz"));
  queue.consume(2);
  queue.clear();
  BOOST_TEST(queue.empty());
  BOOST_TEST(queue.bytes() == 0u);
  BOOST_TEST(queue.gather().empty());
  BOOST_TEST(pool.stats().in_use_buffers == 0u);
  // Usable again after clear().
  queue.append_frame(reply_text, {}, byte_order::little);
  BOOST_TEST(flatten(queue.gather()) == frame_bytes(reply_text, "", byte_order::little));
}

BOOST_AUTO_TEST_CASE(handed_over_buffers_are_queued_without_a_copy) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  const std::string data_text = "[Response]\r\nCommand=Data\r\nCode=0";
  const std::string chunk(1000, 'c');
  auto payload = pool.acquire(4 * kib);
  std::memcpy(payload.data(), chunk.data(), chunk.size());
  const char* payload_data = payload.data();

  queue.append_head(data_text, chunk.size(), byte_order::big);
  queue.append_owned(std::move(payload), 0, chunk.size());
  // A later small frame fills the handed-over buffer's free room after the payload.
  queue.append_frame(reply_text, {}, byte_order::big);
  // Only part of a buffer may be queued (what a direct write left of it).
  auto rest = pool.acquire(4 * kib);
  std::memcpy(rest.data(), "0123456789", 10);
  queue.append_owned(std::move(rest), 4, 6);
  queue.append_owned(pool.acquire(4 * kib), 0, 0);  // empty: nothing queued

  const std::string expected = frame_bytes(data_text, chunk, byte_order::big) +
                               frame_bytes(reply_text, "", byte_order::big) + "456789";
  BOOST_TEST(queue.bytes() == expected.size());
  const auto buffers = queue.gather();
  BOOST_TEST_REQUIRE(buffers.size() == 3u);
  BOOST_TEST(buffers[1].data() == static_cast<const void*>(payload_data));
  BOOST_TEST(flatten(buffers) == expected);
  BOOST_TEST(pool.stats().in_use_buffers == 3u);
  queue.consume(expected.size());
  // The last buffer, a segment's size, stays for the next replies until the session idles.
  BOOST_TEST(pool.stats().in_use_buffers == 1u);
  queue.release_spare();
  BOOST_TEST(pool.stats().in_use_buffers == 0u);
}

BOOST_AUTO_TEST_CASE(a_drained_queue_writes_its_next_frames_into_the_same_buffer) {
  buffer_pool pool(0, no_limit);
  send_queue queue(pool, 4 * kib);
  queue.append_frame(reply_text, {}, byte_order::big);
  const void* first = queue.gather()[0].data();
  queue.consume(queue.bytes());
  BOOST_TEST(queue.empty());
  BOOST_TEST(pool.stats().in_use_buffers == 1u);

  const std::string payload = "payload";
  queue.append_frame(reply_text, payload, byte_order::big);
  const auto buffers = queue.gather();
  BOOST_TEST_REQUIRE(buffers.size() == 1u);
  BOOST_TEST(buffers[0].data() == first);
  BOOST_TEST(flatten(buffers) == frame_bytes(reply_text, payload, byte_order::big));
  BOOST_TEST(pool.stats().in_use_buffers == 1u);

  // Not while something is queued; once drained, the buffer goes back.
  queue.release_spare();
  BOOST_TEST(pool.stats().in_use_buffers == 1u);
  queue.consume(queue.bytes());
  queue.release_spare();
  BOOST_TEST(pool.stats().in_use_buffers == 0u);
  BOOST_TEST(queue.empty());
}

// The session's writer in miniature: frames keep arriving while earlier bytes are written a few
// at a time, and the queue never fully drains until the end. What reaches the socket must be
// the frames, in order, byte for byte.
BOOST_AUTO_TEST_CASE(interleaved_appends_and_partial_writes) {
  for (const std::size_t write_size :
       {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{5000}}) {
    BOOST_TEST_CONTEXT("socket takes " << write_size << " bytes at a time") {
      buffer_pool pool(0, no_limit);
      send_queue queue(pool, 256);
      std::string expected;
      std::string socket;
      const auto write_some = [&] {
        std::size_t n = 0;
        for (const auto& b : queue.gather()) {
          const std::size_t take = std::min(write_size - n, b.size());
          socket.append(static_cast<const char*>(b.data()), take);
          n += take;
          if (n == write_size) break;
        }
        queue.consume(n);
      };
      for (int i = 0; i < 300; ++i) {
        const std::string payload(static_cast<std::size_t>(i % 7) * 50, static_cast<char>(i));
        if (i % 3 == 0) {
          // Shared frames each take a segment of their own, so the segment list grows long.
          auto shared = std::make_shared<const std::string>(
              frame_bytes(reply_text, payload, byte_order::little));
          expected += *shared;
          queue.append_shared(std::move(shared));
        } else {
          queue.append_frame(reply_text, {payload.data(), payload.size()}, byte_order::little);
          expected += frame_bytes(reply_text, payload, byte_order::little);
        }
        write_some();
        BOOST_TEST_REQUIRE(queue.bytes() == expected.size() - socket.size());
      }
      while (!queue.empty())
        write_some();
      BOOST_TEST(socket == expected);
      BOOST_TEST(pool.stats().in_use_buffers == 0u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
