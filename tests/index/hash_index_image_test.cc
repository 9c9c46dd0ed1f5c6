// HashIndex::append_image / from_image, and the index checkpoint file around the directory's
// images (index/index_checkpoint.h): what is loaded equals what was saved, and bytes that no
// writer makes are refused with a reason instead of building a broken index.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "fs/mem_file_system.h"
#include "index/hash_index.h"
#include "index/index_checkpoint.h"
#include "index/key_directory.h"
#include "tests/support/seed.h"

namespace logkv {
namespace {

IndexEntry entry_for(uint64_t n) {
  return IndexEntry{.segment_id = static_cast<uint32_t>(n % 1000 + 1),
                    .offset = n * 40 + 24,
                    .record_bytes = static_cast<uint32_t>(n % 500 + 30),
                    .sequence = n + 1};
}

// An index after puts and erases of random keys (lengths 0 to 40), with its model.
HashIndex random_index(uint64_t seed, size_t operations, std::map<std::string, IndexEntry>& model) {
  std::mt19937_64 rng(seed);
  HashIndex index;
  for (size_t i = 0; i < operations; ++i) {
    const std::string key =
        std::string(rng() % 41, 'k') + std::to_string(rng() % (operations / 2 + 1));
    if (rng() % 5 == 0) {
      index.erase(key);
      model.erase(key);
    } else {
      index.put(key, entry_for(i));
      model[key] = entry_for(i);
    }
  }
  return index;
}

TEST(HashIndexImageTest, ALoadedImageHoldsExactlyWhatWasSaved) {
  const uint64_t seed = testing::test_seed();
  for (size_t operations : {0, 1, 100, 20000}) {
    std::map<std::string, IndexEntry> model;
    const HashIndex saved = random_index(seed + operations, operations, model);
    std::string image;
    saved.append_image(image);
    ASSERT_EQ(image.size(), saved.image_bytes());
    image += "after";  // from_image must stop at its own end

    std::string_view rest = image;
    std::string problem;
    std::optional<HashIndex> loaded = HashIndex::from_image(rest, problem);
    ASSERT_TRUE(loaded.has_value()) << problem << " (seed " << seed << ")";
    EXPECT_EQ(rest, "after");
    EXPECT_EQ(loaded->size(), model.size());
    EXPECT_EQ(loaded->capacity(), saved.capacity());
    EXPECT_EQ(loaded->key_garbage_bytes(), 0u) << "keys are packed afresh";
    for (const auto& [key, entry] : model) {
      EXPECT_EQ(loaded->find(key), std::optional<IndexEntry>(entry)) << key << ", seed " << seed;
    }
    EXPECT_FALSE(loaded->find("absent").has_value());
    // It goes on working as any index: puts, erases, growth.
    for (uint64_t n = 0; n < 2000; ++n) loaded->put("more" + std::to_string(n), entry_for(n));
    for (const auto& [key, entry] : model) {
      ASSERT_EQ(loaded->erase(key), std::optional<IndexEntry>(entry)) << key;
    }
    EXPECT_EQ(loaded->size(), 2000u);
  }
}

TEST(HashIndexImageTest, InconsistentImagesAreRefused) {
  HashIndex saved;
  for (uint64_t n = 0; n < 100; ++n) saved.put("key" + std::to_string(n), entry_for(n));
  std::string image;
  saved.append_image(image);
  const auto refused = [](std::string bytes) {
    std::string_view view = bytes;
    std::string problem;
    const bool refused = !HashIndex::from_image(view, problem).has_value();
    EXPECT_EQ(refused, !problem.empty());
    return refused;
  };
  EXPECT_FALSE(refused(image));
  EXPECT_TRUE(refused(image.substr(0, image.size() - 1))) << "cut short";
  EXPECT_TRUE(refused(image.substr(0, 10))) << "cut inside the header";
  std::string bad = image;
  bad[8] = static_cast<char>(bad[8] + 1);  // one more key than the slots name
  EXPECT_TRUE(refused(bad));
  bad = image;
  bad[0] = static_cast<char>(bad[0] + 1);  // a capacity no growth makes for this mask
  EXPECT_TRUE(refused(bad));
  bad = image;
  bad[24] = static_cast<char>(bad[24] ^ 0x40);  // another index mask
  EXPECT_TRUE(refused(bad));
  bad = image;
  // Every slot naming entry 1: the slot table no longer names each entry once.
  const size_t capacity = saved.capacity();
  for (size_t slot = 0; slot < capacity; ++slot) {
    char* at = bad.data() + 32 + slot * 4;
    if (at[0] != 0 || at[1] != 0 || at[2] != 0 || at[3] != 0) at[0] = static_cast<char>(0x7f);
  }
  EXPECT_TRUE(refused(bad));
}

TEST(IndexCheckpointFileTest, RoundTripsAndRefusesAnyFlippedBit) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  KeyDirectory keys;
  std::map<std::string, IndexEntry> model;
  for (uint64_t n = 0; n < 500; ++n) {
    const std::string key = "key" + std::to_string(rng() % 400);
    keys.put(key, entry_for(n));
    model[key] = entry_for(n);
  }
  CheckpointPoint point;
  point.newest_segment_id = 7;
  point.newest_segment_bytes = 9000;
  point.last_sequence = 500;
  point.tail_checksum = 0x1234;
  point.segments = {{3, 100, 50, 0}, {7, 9000, 700, 30}};
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/store").is_ok());
  ASSERT_TRUE(write_index_checkpoint(fs, "/store", point, keys).is_ok());

  Result<IndexCheckpoint> read = read_index_checkpoint(fs, "/store");
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  EXPECT_EQ(read->point, point);
  KeyDirectory loaded;
  ASSERT_TRUE(load_index_checkpoint(*read, loaded).is_ok());
  loaded.finish_recovery();
  EXPECT_EQ(loaded.size(), model.size());
  for (const auto& [key, entry] : model) {
    EXPECT_EQ(loaded.find(key), std::optional<IndexEntry>(entry)) << key;
  }

  const std::string good = fs.read_file("/store/INDEX").value();
  for (int round = 0; round < 64; ++round) {
    std::string bad = good;
    const size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
    ASSERT_TRUE(fs.write_file("/store/INDEX", bad).is_ok());
    Result<IndexCheckpoint> damaged = read_index_checkpoint(fs, "/store");
    ASSERT_FALSE(damaged.is_ok()) << "byte " << at << ", seed " << seed;
    EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption);
  }
  ASSERT_TRUE(fs.remove("/store/INDEX").is_ok());
  EXPECT_EQ(read_index_checkpoint(fs, "/store").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace logkv
