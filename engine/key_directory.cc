#include "engine/key_directory.h"

#include <xxhash.h>

namespace logkv {

namespace {

// Shards are chosen from the top bits of a seeded hash, so that the bits HashIndex uses for its
// slots stay uncorrelated with the shard.
size_t shard_number(std::string_view key) {
  constexpr uint64_t kShardSeed = 0x6c6f676b76736864;  // "logkvshd"
  const uint64_t hash = XXH3_64bits_withSeed(key.data(), key.size(), kShardSeed);
  return static_cast<size_t>(hash >> 60) % KeyDirectory::kShards;
}

}  // namespace

KeyDirectory::KeyDirectory(size_t expected_keys) {
  for (Shard& shard : shards_) shard.index = HashIndex(expected_keys / kShards);
}

KeyDirectory::Shard& KeyDirectory::shard_for(std::string_view key) {
  return shards_[shard_number(key)];
}

const KeyDirectory::Shard& KeyDirectory::shard_for(std::string_view key) const {
  return shards_[shard_number(key)];
}

std::optional<IndexEntry> KeyDirectory::find(std::string_view key) const {
  const Shard& shard = shard_for(key);
  std::shared_lock lock(shard.mutex);
  return shard.index.find(key);
}

std::optional<IndexEntry> KeyDirectory::find_unlocked_by_writer(std::string_view key) const {
  return shard_for(key).index.find(key);
}

std::optional<IndexEntry> KeyDirectory::put(std::string_view key, const IndexEntry& entry) {
  Shard& shard = shard_for(key);
  std::unique_lock lock(shard.mutex);
  std::optional<IndexEntry> previous = shard.index.put(key, entry);
  if (!previous) size_.fetch_add(1, std::memory_order_relaxed);
  return previous;
}

std::optional<IndexEntry> KeyDirectory::erase(std::string_view key) {
  Shard& shard = shard_for(key);
  std::unique_lock lock(shard.mutex);
  std::optional<IndexEntry> previous = shard.index.erase(key);
  if (previous) size_.fetch_sub(1, std::memory_order_relaxed);
  return previous;
}

bool KeyDirectory::replace_if(std::string_view key, const IndexEntry& expected,
                              const IndexEntry& replacement) {
  Shard& shard = shard_for(key);
  std::unique_lock lock(shard.mutex);
  return shard.index.replace_if(key, expected, replacement);
}

size_t KeyDirectory::memory_bytes() const {
  size_t bytes = sizeof(*this);
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    bytes += shard.index.memory_bytes();
  }
  return bytes;
}

std::vector<std::string> KeyDirectory::keys() const {
  std::vector<std::string> keys;
  keys.reserve(size());
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    shard.index.for_each(
        [&keys](std::string_view key, const IndexEntry&) { keys.emplace_back(key); });
  }
  return keys;
}

}  // namespace logkv
