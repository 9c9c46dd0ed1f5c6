// Many threads of mixed set/get/del on one store; afterwards, and after a reopen, the store
// holds exactly the last acknowledged state.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "logkv/store.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;

constexpr int kThreads = 8;
constexpr int kOpsPerThread = 300;
constexpr int kKeysPerThread = 24;
constexpr int kSharedKeys = 4;

// A value that says who wrote it, so a reader can tell a real value from a torn or foreign one.
std::string make_value(int thread, int op, size_t padding) {
  return "t" + std::to_string(thread) + "-op" + std::to_string(op) + "|" +
         std::string(padding, static_cast<char>('a' + op % 26));
}

bool is_well_formed(const std::string& value) {
  const size_t bar = value.find('|');
  if (bar == std::string::npos || value[0] != 't') return false;
  const int op = std::stoi(value.substr(value.find("-op") + 3));
  for (size_t i = bar + 1; i < value.size(); ++i) {
    if (value[i] != static_cast<char>('a' + op % 26)) return false;
  }
  return true;
}

Model contents(Store& store) { return testing::store_contents(store); }

TEST(ConcurrencyTest, MixedWritersAndReadersAgreeWithTheLastAcknowledgedState) {
  const uint64_t seed = testing::test_seed();
  testing::TestDir dir;
  Options options;
  options.limits.keys_max = kThreads * kKeysPerThread + kSharedKeys;
  options.segment_bytes_max = 64 << 10;  // many rolls while threads run
  auto store = std::move(Store::open(dir.path(), options)).value();

  std::vector<Model> models(kThreads);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 random(seed + t);
      Model& model = models[t];
      auto fail = [&](const std::string& what) {
        if (failures[t].empty()) failures[t] = what;
      };
      for (int op = 0; op < kOpsPerThread && failures[t].empty(); ++op) {
        const std::string key =
            "t" + std::to_string(t) + "/" + std::to_string(random() % kKeysPerThread);
        const std::string shared = "shared/" + std::to_string(random() % kSharedKeys);
        switch (random() % 6) {
          case 0:
          case 1: {
            const std::string value = make_value(t, op, random() % 300);
            if (Status s = store->set(key, value); !s.is_ok()) return fail(s.to_string());
            model[key] = value;
            break;
          }
          case 2:
            if (Status s = store->del(key); !s.is_ok()) return fail(s.to_string());
            model.erase(key);
            break;
          case 3: {
            Result<std::optional<std::string>> got = store->get(key);
            if (!got.is_ok()) return fail(got.status().to_string());
            auto it = model.find(key);
            const std::optional<std::string> expected =
                it == model.end() ? std::nullopt : std::optional<std::string>(it->second);
            if (*got != expected) return fail("read of own key " + key + " disagrees");
            break;
          }
          case 4:
            if (Status s = store->set(shared, make_value(t, op, random() % 50)); !s.is_ok()) {
              return fail(s.to_string());
            }
            break;
          default: {
            Result<std::optional<std::string>> got = store->get(shared);
            if (!got.is_ok()) return fail(got.status().to_string());
            if (*got && !is_well_formed(**got)) return fail("torn shared value: " + **got);
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) ASSERT_EQ(failures[t], "") << "thread " << t;

  Model expected;
  for (const Model& model : models) expected.insert(model.begin(), model.end());
  Model actual = contents(*store);
  for (int i = 0; i < kSharedKeys; ++i) {
    const std::string shared = "shared/" + std::to_string(i);
    if (auto it = actual.find(shared); it != actual.end()) {
      EXPECT_TRUE(is_well_formed(it->second)) << it->second;
      expected[shared] = it->second;
    }
  }
  EXPECT_EQ(actual, expected);

  ASSERT_TRUE(store->close().is_ok());
  store = std::move(Store::open(dir.path(), options)).value();
  EXPECT_EQ(contents(*store), actual) << "reopen must agree with the last acknowledged state";
}

}  // namespace
}  // namespace logkv
