// Store::get_view: the same bytes as get() without a copy, views that outlive compaction and
// close, and what a read verifies when (a large record's checksum once per open, its key and
// sequence on every read).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/store.h"
#include "tests/support/seed.h"
#include "tests/support/store_test_peer.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/verified_records.h"

namespace logkv {
namespace {

constexpr char kDir[] = "/store";
constexpr size_t kLargeValueBytes = 1 << 20;
static_assert(kLargeValueBytes >= VerifiedRecords::kRecordBytesMin);

// A value whose every byte depends on `version`, so a view of one version can be told from any
// other and from a torn or unmapped page.
std::string versioned_value(uint64_t version, size_t bytes) {
  std::string value(bytes, '\0');
  uint64_t state = version * 0x9E3779B97F4A7C15ull + 1;
  for (char& c : value) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<char>(state);
  }
  return value;
}

// Small segments and no background compaction, so that the test decides when segments retire;
// hints for every compacted segment, so that a reopen reads no record of them.
Options view_test_options() {
  Options options;
  options.segment_bytes_max = 4 << 20;
  options.limits.value_bytes_max = kLargeValueBytes;
  options.automatic_compaction = false;
  options.compaction_dead_bytes_min = 0;
  options.hint_segment_bytes_min = 0;
  return options;
}

std::unique_ptr<Store> open_on(std::shared_ptr<FileSystem> fs, const std::string& dir) {
  Result<std::unique_ptr<Store>> store = open_store(std::move(fs), dir, view_test_options());
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? std::move(store).value() : nullptr;
}

TEST(ValueViewTest, ViewHoldsTheSameBytesAsGet) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  testing::TestDir dir;
  for (const bool in_memory : {false, true}) {
    SCOPED_TRACE(in_memory ? "in-memory file system" : "POSIX file system (mapped)");
    std::shared_ptr<FileSystem> fs =
        in_memory ? std::make_shared<MemFileSystem>() : posix_file_system();
    auto store = open_on(fs, in_memory ? std::string(kDir) : dir.file("store"));
    ASSERT_NE(store, nullptr);
    // Sizes on both sides of the verified-once threshold, the empty value, and the limit.
    std::vector<size_t> sizes = {0,
                                 1,
                                 100,
                                 VerifiedRecords::kRecordBytesMin - 1,
                                 VerifiedRecords::kRecordBytesMin,
                                 kLargeValueBytes};
    for (int i = 0; i < 20; ++i) sizes.push_back(rng() % kLargeValueBytes);
    for (size_t i = 0; i < sizes.size(); ++i) {
      const std::string key = "key" + std::to_string(i);
      ASSERT_TRUE(store->set(key, versioned_value(rng(), sizes[i])).is_ok());
    }
    for (size_t i = 0; i < sizes.size(); ++i) {
      const std::string key = "key" + std::to_string(i);
      // Twice: the second read of a large record skips its checksum and must not differ.
      for (int read = 0; read < 2; ++read) {
        Result<std::optional<std::string>> copied = store->get(key);
        Result<std::optional<ValueView>> view = store->get_view(key);
        ASSERT_TRUE(copied.is_ok()) << copied.status().to_string();
        ASSERT_TRUE(view.is_ok()) << view.status().to_string();
        ASSERT_TRUE(copied->has_value() && view->has_value()) << key;
        EXPECT_EQ((*view)->size(), sizes[i]) << key;
        EXPECT_TRUE((*view)->bytes() == **copied) << key;
      }
    }
    Result<std::optional<ValueView>> missing = store->get_view("missing");
    ASSERT_TRUE(missing.is_ok()) << missing.status().to_string();
    EXPECT_FALSE(missing->has_value());
    ASSERT_TRUE(store->close().is_ok());
  }
}

TEST(ValueViewTest, ViewRefusesWhatGetRefuses) {
  testing::TestDir dir;
  auto store = open_on(posix_file_system(), dir.file("store"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get_view(std::string(300, 'k')).status().code(),
            store->get(std::string(300, 'k')).status().code());
  EXPECT_EQ(store->get_view("\xff").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->close().is_ok());
  EXPECT_EQ(store->get_view("k").status().code(), StatusCode::kInvalidArgument);
}

// The view's bytes live in the mapping of a segment that compaction deletes while the view is
// held; they must stay readable and unchanged (AddressSanitizer reports a read of unmapped
// memory as a crash, and a reused page would differ from the version's bytes).
TEST(ValueViewTest, ViewOutlivesACompactionThatRetiresItsSegment) {
  testing::TestDir dir;
  const std::string path = dir.file("store");
  auto store = open_on(posix_file_system(), path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("k", versioned_value(1, kLargeValueBytes)).is_ok());
  Result<std::optional<ValueView>> view = store->get_view("k");
  ASSERT_TRUE(view.is_ok() && view->has_value()) << view.status().to_string();
  const uint64_t first_segment = 1;
  ASSERT_TRUE(std::filesystem::exists(path + "/" + segment_file_name(first_segment)));

  ASSERT_TRUE(store->set("k", versioned_value(2, kLargeValueBytes)).is_ok());
  ASSERT_TRUE(store->compact().is_ok());
  EXPECT_FALSE(std::filesystem::exists(path + "/" + segment_file_name(first_segment)))
      << "compaction kept the segment, so the test proves nothing";
  EXPECT_TRUE((*view)->bytes() == versioned_value(1, kLargeValueBytes));
  EXPECT_EQ(store->get("k").value(), versioned_value(2, kLargeValueBytes));

  // And after the store is gone.
  ASSERT_TRUE(store->close().is_ok());
  store.reset();
  EXPECT_TRUE((*view)->bytes() == versioned_value(1, kLargeValueBytes));
}

// Readers take views and check every byte while the writer overwrites the keys and compaction
// retires the segments the views point into. Run under ThreadSanitizer and AddressSanitizer by
// test.sh. Bounded: the writer does a fixed number of rounds; readers stop when it is done.
TEST(ValueViewTest, ViewsStayValidWhileCompactionRetiresSegmentsConcurrently) {
  const uint64_t seed = testing::test_seed();
  testing::TestDir dir;
  auto store = open_on(posix_file_system(), dir.file("store"));
  ASSERT_NE(store, nullptr);
  constexpr int kKeys = 4;
  constexpr int kRounds = 12;
  constexpr size_t kValueBytes = 256 << 10;
  // Each value's first 8 bytes name its version; the rest is versioned_value of it.
  auto value_of = [](uint64_t version) {
    std::string value = versioned_value(version, kValueBytes);
    value.replace(0, sizeof version, reinterpret_cast<const char*>(&version), sizeof version);
    return value;
  };
  for (int k = 0; k < kKeys; ++k) {
    ASSERT_TRUE(store->set("key" + std::to_string(k), value_of(k)).is_ok());
  }
  std::atomic<bool> writer_done{false};
  std::atomic<uint64_t> views_checked{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 rng(seed + r);
      std::vector<ValueView> held;  // a few views kept across the writer's compactions
      while (!writer_done.load(std::memory_order_acquire)) {
        Result<std::optional<ValueView>> view =
            store->get_view("key" + std::to_string(rng() % kKeys));
        ASSERT_TRUE(view.is_ok() && view->has_value()) << view.status().to_string();
        held.push_back(std::move(**view));
        if (held.size() > 4) held.erase(held.begin() + static_cast<long>(rng() % held.size()));
        for (const ValueView& kept : held) {
          uint64_t version = 0;
          ASSERT_EQ(kept.size(), kValueBytes);
          std::memcpy(&version, kept.data(), sizeof version);
          ASSERT_TRUE(kept.bytes() == value_of(version)) << "version " << version;
          views_checked.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  uint64_t version = kKeys;
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < kKeys; ++k) {
      ASSERT_TRUE(store->set("key" + std::to_string(k), value_of(version++)).is_ok());
    }
    ASSERT_TRUE(store->compact().is_ok());
  }
  writer_done.store(true, std::memory_order_release);
  for (std::thread& reader : readers) reader.join();
  EXPECT_GT(views_checked.load(), 0u);
  EXPECT_GE(store->stats().compactions, static_cast<uint64_t>(kRounds));
  ASSERT_TRUE(store->close().is_ok());
}

// Damage tests run on the in-memory file system, whose open readers see bytes a test rewrites.
class VerifiedReadTest : public ::testing::Test {
 protected:
  // Stores `value` under "k", compacts it into a segment with a hint file (so that a reopen
  // reads no record of it) and returns that segment's path.
  std::string store_compacted(const std::string& value) {
    auto store = open_on(fs_, kDir);
    EXPECT_TRUE(store->set("k", value).is_ok());
    EXPECT_TRUE(store->compact().is_ok());
    std::vector<uint64_t> sealed = StoreTestPeer(*store).immutable_segment_ids();
    EXPECT_EQ(sealed.size(), 1u);
    EXPECT_TRUE(store->close().is_ok());
    return std::string(kDir) + "/" + segment_file_name(sealed.empty() ? 0 : sealed.front());
  }

  // store_compacted(value), then opens the store and reads "k" once, which verifies its
  // checksum. The segment's path is in segment_.
  std::unique_ptr<Store> open_after_one_read(const std::string& value) {
    segment_ = store_compacted(value);
    auto store = open_on(fs_, kDir);
    EXPECT_NE(store, nullptr);
    if (store != nullptr) {
      EXPECT_EQ(store->get("k").value(), value);
    }
    return store;
  }

  // Flips one bit of the first occurrence of `bytes` in the file, plus `delta` bytes.
  void damage(const std::string& path, const std::string& bytes, size_t delta = 0) {
    std::string contents = fs_->read_file(path).value();
    const size_t at = contents.find(bytes);
    ASSERT_NE(at, std::string::npos);
    contents[at + delta] ^= 0x10;
    ASSERT_TRUE(fs_->write_file(path, contents).is_ok());
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::string segment_;
};

TEST_F(VerifiedReadTest, DamageToALargeValueIsReportedOnTheFirstReadAfterOpen) {
  const std::string value = versioned_value(7, kLargeValueBytes);
  const std::string segment = store_compacted(value);
  damage(segment, value, value.size() / 2);
  auto store = open_on(fs_, kDir);
  ASSERT_NE(store, nullptr) << "open read the hinted segment's records";
  for (int read = 0; read < 2; ++read) {
    Result<std::optional<ValueView>> view = store->get_view("k");
    ASSERT_EQ(view.status().code(), StatusCode::kCorruption);
    // The format every read error has: file, offset, key, what, why, and the advice.
    const std::string& message = view.status().message();
    EXPECT_EQ(message.rfind("'" + segment + "' at offset ", 0), 0u) << message;
    EXPECT_NE(message.find(" (key 'k'): bad record: record checksum mismatch; run `logkv check`"),
              std::string::npos)
        << message;
    EXPECT_EQ(store->get("k").status().code(), StatusCode::kCorruption);
  }
}

// What the once-per-open checksum gives up, pinned down: damage to a large value after a read
// verified it is returned as the value until the store is opened again, and found then.
TEST_F(VerifiedReadTest, ALargeValueIsHashedOncePerOpen) {
  const std::string value = versioned_value(8, kLargeValueBytes);
  auto store = open_after_one_read(value);
  ASSERT_NE(store, nullptr);
  damage(segment_, value, 100);
  Result<std::optional<std::string>> unseen = store->get("k");
  ASSERT_TRUE(unseen.is_ok()) << unseen.status().to_string();
  EXPECT_NE(**unseen, value) << "the damage did not reach the reader";
  ASSERT_TRUE(store->close().is_ok());

  store = open_on(fs_, kDir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("k").status().code(), StatusCode::kCorruption);
}

// The key and sequence of a large record are checked on every read, verified before or not.
TEST_F(VerifiedReadTest, KeyOfAVerifiedLargeRecordIsStillCheckedOnEveryRead) {
  const std::string value = versioned_value(9, kLargeValueBytes);
  auto store = open_after_one_read(value);
  ASSERT_NE(store, nullptr);
  // The key is the byte right before the value.
  damage(segment_, "k" + value.substr(0, 16));
  Result<std::optional<ValueView>> view = store->get_view("k");
  ASSERT_EQ(view.status().code(), StatusCode::kCorruption);
  EXPECT_NE(view.status().message().find("record holds another key or version"), std::string::npos)
      << view.status().message();
}

// Below the threshold nothing is remembered: damage after a read is found by the next read.
TEST_F(VerifiedReadTest, ASmallValueIsHashedOnEveryRead) {
  static_assert(1000 < VerifiedRecords::kRecordBytesMin);
  const std::string value = versioned_value(10, 1000);
  auto store = open_after_one_read(value);
  ASSERT_NE(store, nullptr);
  damage(segment_, value, 500);
  Result<std::optional<ValueView>> view = store->get_view("k");
  ASSERT_EQ(view.status().code(), StatusCode::kCorruption);
  EXPECT_NE(view.status().message().find("record checksum mismatch"), std::string::npos)
      << view.status().message();
}

}  // namespace
}  // namespace logkv
