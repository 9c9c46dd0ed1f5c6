// A store for damage tests: overwrites, deletes, atomic batches, hint files (from a compaction
// into small segments), sealed segments without hints, and a newest segment holding records.
#ifndef LOGKV_TESTS_ENGINE_VARIED_STORE_H_
#define LOGKV_TESTS_ENGINE_VARIED_STORE_H_

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

#include "logkv/store.h"
#include "logkv/write_batch.h"

namespace logkv::testing {

inline void write_varied_store(const std::string& dir, std::mt19937_64& random) {
  Options options;
  options.segment_bytes_max = 4096;
  options.hint_segment_bytes_min = 1024;
  options.automatic_compaction = false;
  Result<std::unique_ptr<Store>> store = Store::open(dir, options);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  auto some_key = [&] { return "key-" + std::to_string(random() % 60); };
  auto some_value = [&] {
    return std::string(10 + random() % 150, static_cast<char>('a' + random() % 26));
  };
  auto run_ops = [&](int count) {
    for (int i = 0; i < count; ++i) {
      const uint64_t kind = random() % 10;
      if (kind < 6) {
        ASSERT_TRUE((*store)->set(some_key(), some_value()).is_ok());
      } else if (kind < 8) {
        ASSERT_TRUE((*store)->del(some_key()).is_ok());
      } else {
        WriteBatch batch;
        batch.set(some_key(), some_value());
        batch.set(some_key(), some_value());
        batch.del(some_key());
        ASSERT_TRUE((*store)->write(batch).is_ok());
      }
    }
  };
  run_ops(250);
  ASSERT_TRUE((*store)->compact().is_ok());
  run_ops(120);
  ASSERT_TRUE((*store)->close().is_ok());
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_ENGINE_VARIED_STORE_H_
