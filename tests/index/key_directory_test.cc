// KeyDirectory: the store's sharded index. The memory target of the index (at most 32 bytes per
// key beyond the key bytes, at a million keys) is checked here on the structure the store
// really uses (16 shards, each with its own last pages), after the bulk load that open performs.
#include "index/key_directory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace logkv {
namespace {

// 12-byte keys, as in the benchmark's index-memory workload.
std::string key_of(size_t i) {
  char key[13];
  std::snprintf(key, sizeof(key), "key-%08zu", i);
  return std::string(key, 12);
}

IndexEntry entry_of(size_t i) {
  return IndexEntry{1, static_cast<uint64_t>(i) * 64, 64, static_cast<uint64_t>(i) + 1};
}

TEST(KeyDirectoryTest, RecoveredMillionKeysCostAtMost32BytesPerKeyBeyondTheKeys) {
  constexpr size_t kKeys = 1'000'000;
  KeyDirectory directory;
  directory.reserve_for_recovery(kKeys);
  size_t key_bytes = 0;
  for (size_t i = 0; i < kKeys; ++i) {
    const std::string key = key_of(i);
    key_bytes += key.size();
    ASSERT_FALSE(directory.put_for_recovery(key, KeyDirectory::hash_key(key), entry_of(i)));
  }
  directory.finish_recovery();
  ASSERT_EQ(directory.size(), kKeys);

  const double overhead_per_key =
      static_cast<double>(directory.memory_bytes() - key_bytes) / static_cast<double>(kKeys);
  std::printf("index overhead after recovery: %.2f bytes per key (plus %zu key bytes)\n",
              overhead_per_key, key_bytes / kKeys);
  EXPECT_LE(overhead_per_key, 32.0);
  for (size_t i = 0; i < kKeys; i += 9973) EXPECT_EQ(directory.find(key_of(i)), entry_of(i));
}

TEST(KeyDirectoryTest, WritesAfterRecoveryGrowTheTrimmedPagesAgain) {
  KeyDirectory directory;
  directory.reserve_for_recovery(1000);
  for (size_t i = 0; i < 1000; ++i) {
    const std::string key = key_of(i);
    directory.put_for_recovery(key, KeyDirectory::hash_key(key), entry_of(i));
  }
  directory.finish_recovery();
  for (size_t i = 1000; i < 20'000; ++i) EXPECT_FALSE(directory.put(key_of(i), entry_of(i)));
  EXPECT_EQ(directory.size(), 20'000u);
  for (size_t i = 0; i < 20'000; ++i) ASSERT_EQ(directory.find(key_of(i)), entry_of(i)) << i;
}

}  // namespace
}  // namespace logkv
