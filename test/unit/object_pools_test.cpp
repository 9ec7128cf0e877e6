// Unit tests for the slab storage of sessions (object_pools), the batches strands come in, and
// the part of the send queue that keeps what a direct write left unwritten.

#include "asyncsvr/memory/object_pools.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/memory/buffer_pool.hpp"
#include "asyncsvr/net/send_queue.hpp"

using asyncsvr::memory::object_pools;
using asyncsvr::memory::pool_allocator;

namespace {

struct sample {
  explicit sample(int v) : value(v) {}
  int value;
  char padding[700] = {};  // about the size of a session
};

}  // namespace

BOOST_AUTO_TEST_SUITE(object_pools_tests)

BOOST_AUTO_TEST_CASE(objects_are_aligned_distinct_and_reused) {
  object_pools pools;
  std::vector<void*> taken;
  std::set<void*> distinct;
  for (int i = 0; i < 500; ++i) {
    void* p = pools.allocate(720);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0u);
    std::memset(p, i & 0xFF, 720);  // the whole chunk is usable
    taken.push_back(p);
    distinct.insert(p);
  }
  BOOST_TEST(distinct.size() == 500u);
  BOOST_TEST(pools.stats().objects == 500u);
  void* last = taken.back();
  pools.deallocate(last, 720);
  BOOST_TEST(pools.allocate(720) == last);  // a freed chunk is the next one handed out
  for (void* p : taken)
    pools.deallocate(p, 720);
  BOOST_TEST(pools.stats().objects == 0u);
}

BOOST_AUTO_TEST_CASE(empty_slabs_go_back_except_one_spare) {
  object_pools pools;
  std::vector<void*> taken;
  for (int i = 0; i < 1000; ++i)
    taken.push_back(pools.allocate(720));
  const auto full = pools.stats();
  BOOST_TEST(full.slabs >= 10u);  // 1000 objects of 768 bytes need a dozen 64 KiB slabs
  BOOST_TEST(full.slab_bytes == full.slabs * object_pools::slab_size);
  for (void* p : taken)
    pools.deallocate(p, 720);
  BOOST_TEST(pools.stats().slabs == 1u);  // the spare, kept to absorb churn
}

BOOST_AUTO_TEST_CASE(size_classes_are_separate_and_large_requests_fall_back) {
  object_pools pools;
  void* small = pools.allocate(40);
  void* medium = pools.allocate(400);
  void* large = pools.allocate(object_pools::largest + 1);
  BOOST_TEST(pools.stats().slabs == 2u);  // the large one is not in a slab
  pools.deallocate(small, 40);
  pools.deallocate(medium, 400);
  pools.deallocate(large, object_pools::largest + 1);
  BOOST_TEST(pools.stats().objects == 0u);
}

BOOST_AUTO_TEST_CASE(allocate_shared_through_the_allocator) {
  object_pools pools;
  {
    auto a = std::allocate_shared<sample>(pool_allocator<sample>(pools), 7);
    auto b = std::allocate_shared<sample>(pool_allocator<sample>(pools), 8);
    BOOST_TEST(a->value == 7);
    BOOST_TEST(b->value == 8);
    BOOST_TEST(pools.stats().objects == 2u);
  }
  BOOST_TEST(pools.stats().objects == 0u);
}

BOOST_AUTO_TEST_CASE(threads_allocating_and_freeing_keep_the_books_straight) {
  object_pools pools;
  std::atomic<int> overwritten{0};  // Boost.Test assertions are not for worker threads
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pools, &overwritten, t] {
      std::vector<void*> mine;
      for (int i = 0; i < 20000; ++i) {
        if (mine.size() < 300 || (i + t) % 3 != 0) {
          void* p = pools.allocate(720);
          *static_cast<int*>(p) = t;  // a chunk handed out twice would be overwritten
          mine.push_back(p);
        } else {
          if (*static_cast<int*>(mine.back()) != t) ++overwritten;
          pools.deallocate(mine.back(), 720);
          mine.pop_back();
        }
      }
      for (void* p : mine)
        pools.deallocate(p, 720);
    });
  }
  for (auto& t : threads)
    t.join();
  BOOST_TEST(overwritten.load() == 0);
  BOOST_TEST(pools.stats().objects == 0u);
  BOOST_TEST(pools.stats().slabs == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_queue_rest)

BOOST_AUTO_TEST_CASE(keeps_exactly_the_unwritten_tail_of_the_pieces) {
  asyncsvr::memory::buffer_pool buffers(0, 1 << 20);
  const std::string a = "header--", b = "text", c(20000, 'p');
  const std::string whole = a + b + c;
  const std::array<boost::asio::const_buffer, 3> pieces{
      boost::asio::buffer(a), boost::asio::buffer(b), boost::asio::buffer(c)};
  for (const std::size_t written : {std::size_t{0}, std::size_t{3}, std::size_t{8}, std::size_t{11},
                                    std::size_t{500}, whole.size() - 1, whole.size()}) {
    BOOST_TEST_CONTEXT("written " << written) {
      asyncsvr::net::send_queue queue(buffers, 16 * 1024);
      queue.append_rest(pieces, written);
      BOOST_TEST(queue.bytes() == whole.size() - written);
      std::string rest;
      for (const auto& piece : queue.gather()) {
        rest.append(static_cast<const char*>(piece.data()), piece.size());
      }
      BOOST_TEST(rest == whole.substr(written));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
