// Readers and writers running while compactions move records underneath them, on the real file
// system (segments are memory-mapped; a compaction unmaps the ones it deletes). Every read must
// see a whole value of the key asked for, each writer must read its own last write back, and the
// store must end in the state the writers' models agree on, also after reopening. Built with
// -Db_sanitize=thread this test is the data-race check for compaction.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/compaction/compaction_test_util.h"
#include "tests/support/seed.h"
#include "tests/support/store_test_peer.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::contents;
using testing::Model;
using testing::open_impl;

constexpr int kWriters = 4;
constexpr int kReaders = 2;
constexpr int kKeysPerWriter = 48;
constexpr int kOpsPerWriter = 2500;

std::string key_of(int writer, int k) {
  return "w" + std::to_string(writer) + "/" + std::to_string(k);
}

// A value names its key, so a reader can tell a whole value of the right key from anything else.
std::string value_of(const std::string& key, int op, size_t padding) {
  return key + "#" + std::to_string(op) + "#" + std::string(padding, 'p');
}

bool is_value_of(const std::string& key, const std::string& value) {
  return value.size() > key.size() && value.compare(0, key.size(), key) == 0 &&
         value[key.size()] == '#';
}

TEST(ConcurrentCompactionTest, ReadersAndWritersAgreeWhileSegmentsAreCompacted) {
  const uint64_t seed = testing::test_seed();
  testing::TestDir dir;
  Options options = testing::compaction_test_options(/*automatic=*/true);
  options.sync_mode = SyncMode::kNever;  // CPU-bound, so that threads really interleave
  options.segment_bytes_max = 16 << 10;
  auto store = open_impl(posix_file_system(), dir.path(), options);
  ASSERT_NE(store, nullptr);

  std::atomic<bool> writers_done{false};
  std::vector<Model> models(kWriters);
  std::vector<std::string> failures(kWriters + kReaders + 1);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 random(seed + w);
      Model& model = models[w];
      for (int op = 0; op < kOpsPerWriter && failures[w].empty(); ++op) {
        const std::string key = key_of(w, static_cast<int>(random() % kKeysPerWriter));
        if (random() % 5 == 0) {
          if (Status s = store->del(key); !s.is_ok()) failures[w] = s.to_string();
          model.erase(key);
        } else {
          const std::string value = value_of(key, op, random() % 200);
          if (Status s = store->set(key, value); !s.is_ok()) failures[w] = s.to_string();
          model[key] = value;
        }
        Result<std::optional<std::string>> got = store->get(key);
        const auto expected = model.find(key);
        if (!got.is_ok()) {
          failures[w] = got.status().to_string();
        } else if (expected == model.end() ? got->has_value() : *got != expected->second) {
          failures[w] = "writer " + std::to_string(w) + " did not read its own write of " + key;
        }
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937_64 random(seed ^ (0xbeef + r));
      std::string& failure = failures[kWriters + r];
      while (!writers_done.load() && failure.empty()) {
        const std::string key = key_of(static_cast<int>(random() % kWriters),
                                       static_cast<int>(random() % kKeysPerWriter));
        Result<std::optional<std::string>> got = store->get(key);
        if (!got.is_ok()) {
          failure = got.status().to_string();
        } else if (got->has_value() && !is_value_of(key, **got)) {
          failure = "read of " + key + " returned another key's or a torn value";
        }
      }
    });
  }
  threads.emplace_back([&] {
    std::mt19937_64 random(seed ^ 0xc0ffee);
    std::string& failure = failures[kWriters + kReaders];
    while (!writers_done.load() && failure.empty()) {
      Status status;
      if (random() % 2 == 0) {
        status = store->compact();
      } else {
        std::vector<uint64_t> subset;
        for (uint64_t id : StoreTestPeer(*store).immutable_segment_ids()) {
          if (random() % 2 == 0) subset.push_back(id);
        }
        status = StoreTestPeer(*store).compact_segments(subset);
        // A segment listed a moment ago may have been compacted by the background thread.
        if (status.code() == StatusCode::kInvalidArgument) status = Status::ok();
      }
      if (!status.is_ok()) failure = status.to_string();
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  writers_done.store(true);
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  for (size_t t = 0; t < failures.size(); ++t) ASSERT_EQ(failures[t], "") << "thread " << t;

  Model expected;
  for (const Model& model : models) expected.insert(model.begin(), model.end());
  StoreTestPeer(*store).wait_for_background_compaction();
  const StoreStats stats = store->stats();
  EXPECT_GT(stats.compactions, 0u);
  EXPECT_EQ(stats.compaction_failures, 0u);
  EXPECT_EQ(contents(*store), expected);
  ASSERT_TRUE(store->close().is_ok());
  store.reset();
  auto reopened = open_impl(posix_file_system(), dir.path(), options);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(contents(*reopened), expected);
}

}  // namespace
}  // namespace logkv
