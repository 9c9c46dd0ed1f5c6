// Compare-and-swap: versions, not bytes, decide (A -> B -> A is caught); a token that saw the key
// absent swaps only while it is absent; racing swappers have exactly one winner.
#include <gtest/gtest.h>

#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/store.h"
#include "logkv/write_batch.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

constexpr char kDir[] = "/store";

class CompareAndSwapTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = open(); }
  std::unique_ptr<Store> open(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(fs_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  CasToken begin(std::string_view key) {
    Result<CasToken> token = store_->cas_begin(key);
    EXPECT_TRUE(token.is_ok()) << token.status().to_string();
    return token.is_ok() ? std::move(token).value() : CasToken{};
  }
  CasOutcome swap(const CasToken& token, std::string_view value) {
    Result<CasOutcome> outcome = store_->cas_swap(token, value);
    EXPECT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    return outcome.is_ok() ? std::move(outcome).value() : CasOutcome{};
  }
  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<Store> store_;
};

TEST_F(CompareAndSwapTest, BeginOnMissingKeyHasNoValueAndVersionZero) {
  const CasToken token = begin("k");
  EXPECT_EQ(token.key, "k");
  EXPECT_EQ(token.value, std::nullopt);
  EXPECT_EQ(token.version, 0u);
}

TEST_F(CompareAndSwapTest, BeginReturnsValueAndTheSequenceOfItsRecord) {
  ASSERT_TRUE(store_->set("k", "v").is_ok());
  const CasToken token = begin("k");
  EXPECT_EQ(token.value, "v");
  EXPECT_EQ(token.version, store_->stats().last_sequence);
}

TEST_F(CompareAndSwapTest, SwapOfUnchangedKeyWritesAndReturnsAFreshToken) {
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasOutcome first = swap(begin("k"), "B");
  ASSERT_TRUE(first.swapped);
  EXPECT_EQ(first.current.value, "B");
  EXPECT_EQ(store_->get("k").value(), "B");
  // The returned token is good for the next swap.
  const CasOutcome second = swap(first.current, "C");
  EXPECT_TRUE(second.swapped);
  EXPECT_EQ(store_->get("k").value(), "C");
  EXPECT_GT(second.current.version, first.current.version);
}

TEST_F(CompareAndSwapTest, SwapAfterAnotherWriteFailsAndReturnsTheNewValue) {
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "B").is_ok());
  const CasOutcome outcome = swap(token, "mine");
  EXPECT_FALSE(outcome.swapped);
  EXPECT_EQ(outcome.current.value, "B");
  EXPECT_EQ(store_->get("k").value(), "B");
  EXPECT_TRUE(swap(outcome.current, "mine").swapped) << "the returned token is a fresh one";
  EXPECT_EQ(store_->get("k").value(), "mine");
}

TEST_F(CompareAndSwapTest, ABAIsDetected) {
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "B").is_ok());
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasOutcome outcome = swap(token, "C");
  EXPECT_FALSE(outcome.swapped) << "same bytes, different version";
  EXPECT_EQ(outcome.current.value, "A");
  EXPECT_NE(outcome.current.version, token.version);
  EXPECT_EQ(store_->get("k").value(), "A");
}

TEST_F(CompareAndSwapTest, RewriteOfTheSameBytesIsDetected) {
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  EXPECT_FALSE(swap(token, "C").swapped);
}

TEST_F(CompareAndSwapTest, SwapAfterDeleteFailsAndReportsAbsence) {
  ASSERT_TRUE(store_->set("k", "A").is_ok());
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->del("k").is_ok());
  const CasOutcome outcome = swap(token, "C");
  EXPECT_FALSE(outcome.swapped);
  EXPECT_EQ(outcome.current.value, std::nullopt);
  EXPECT_EQ(outcome.current.version, 0u);
  EXPECT_EQ(store_->exists("k").value(), false);
}

TEST_F(CompareAndSwapTest, SwapAfterNoneFailsWhenTheKeyAppeared) {
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "theirs").is_ok());
  const CasOutcome outcome = swap(token, "mine");
  EXPECT_FALSE(outcome.swapped) << "Spin would overwrite here";
  EXPECT_EQ(outcome.current.value, "theirs");
  EXPECT_EQ(store_->get("k").value(), "theirs");
}

TEST_F(CompareAndSwapTest, SwapAfterNoneSucceedsWhileTheKeyIsStillAbsent) {
  const CasToken token = begin("k");
  const CasOutcome outcome = swap(token, "mine");
  EXPECT_TRUE(outcome.swapped);
  EXPECT_EQ(store_->get("k").value(), "mine");
}

// A -> B -> A starting from absence: the key was set and deleted again after the token saw it
// absent. Absent keys have no record to carry a version; the swap must still be refused.
TEST_F(CompareAndSwapTest, SwapAfterNoneFailsWhenTheKeyWasSetAndDeletedMeanwhile) {
  const CasToken token = begin("k");
  ASSERT_EQ(token.value, std::nullopt);
  ASSERT_TRUE(store_->set("k", "theirs").is_ok());
  ASSERT_TRUE(store_->del("k").is_ok());
  const CasOutcome outcome = swap(token, "mine");
  EXPECT_FALSE(outcome.swapped);
  EXPECT_EQ(outcome.current.value, std::nullopt);
  EXPECT_EQ(store_->exists("k").value(), false);

  const CasOutcome retried = swap(outcome.current, "mine");
  EXPECT_TRUE(retried.swapped) << "the fresh token of the refusal must work";
  EXPECT_EQ(store_->get("k").value(), "mine");
}

// The same through a batch: its delete counts like any other.
TEST_F(CompareAndSwapTest, SwapAfterNoneFailsWhenABatchDeletedTheKeyMeanwhile) {
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "theirs").is_ok());
  WriteBatch batch;
  batch.set("other", "x");
  batch.del("k");
  ASSERT_TRUE(store_->write(batch).is_ok());
  EXPECT_FALSE(swap(token, "mine").swapped);
  EXPECT_EQ(store_->exists("k").value(), false);
}

// Across a reopen the store no longer knows which keys were deleted: a token of an absent key
// taken before writes that preceded the reopen is refused, then its fresh token works. A token
// with nothing written after it still swaps.
TEST_F(CompareAndSwapTest, AbsentTokenFromBeforeAReopenIsRefusedWhenAnythingWasWrittenSince) {
  ASSERT_TRUE(store_->set("filler", "1").is_ok());
  const CasToken quiet = begin("quiet");
  const CasToken token = begin("k");
  ASSERT_TRUE(store_->set("k", "theirs").is_ok());
  ASSERT_TRUE(store_->del("k").is_ok());
  const CasToken after_writes = begin("later");
  store_.reset();
  store_ = open();

  const CasOutcome outcome = swap(token, "mine");
  EXPECT_FALSE(outcome.swapped);
  EXPECT_TRUE(swap(outcome.current, "mine").swapped);
  EXPECT_EQ(store_->get("k").value(), "mine");
  EXPECT_FALSE(swap(quiet, "q").swapped) << "written after it, before the reopen";
  EXPECT_TRUE(swap(after_writes, "l").swapped);
}

TEST_F(CompareAndSwapTest, SwappedValueSurvivesReopen) {
  ASSERT_TRUE(swap(begin("k"), "durable").swapped);
  store_.reset();
  store_ = open();
  EXPECT_EQ(store_->get("k").value(), "durable");
}

TEST_F(CompareAndSwapTest, SwapOfNewKeyInFullStoreIsRefused) {
  Options options;
  options.limits.keys_max = 1;
  store_.reset();
  store_ = open(options);
  ASSERT_TRUE(store_->set("a", "1").is_ok());
  Result<CasOutcome> outcome = store_->cas_swap(begin("b"), "2");
  ASSERT_FALSE(outcome.is_ok());
  EXPECT_EQ(outcome.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store_->exists("b").value(), false);
}

TEST_F(CompareAndSwapTest, OversizedValueIsRefused) {
  Result<CasOutcome> outcome = store_->cas_swap(begin("k"), std::string((1 << 20) + 1, 'v'));
  ASSERT_FALSE(outcome.is_ok());
  EXPECT_EQ(outcome.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store_->exists("k").value(), false);
}

// Two threads take the same token and swap at once, many rounds: exactly one wins each round,
// and the loser is told the winner's value.
TEST(CompareAndSwapRaceTest, TwoThreadsExactlyOneWinsAndTheLoserSeesTheWinnersValue) {
  testing::TestDir dir;
  auto store = std::move(Store::open(dir.path())).value();
  ASSERT_TRUE(store->set("k", "start").is_ok());
  for (int round = 0; round < 100; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const CasToken token = store->cas_begin("k").value();
    std::latch start(2);
    CasOutcome outcomes[2];
    Status statuses[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        Result<CasOutcome> outcome =
            store->cas_swap(token, "r" + std::to_string(round) + "t" + std::to_string(t));
        statuses[t] = outcome.status();
        if (outcome.is_ok()) outcomes[t] = std::move(outcome).value();
      });
    }
    for (std::thread& thread : threads) thread.join();
    ASSERT_TRUE(statuses[0].is_ok() && statuses[1].is_ok())
        << statuses[0].to_string() << " / " << statuses[1].to_string();
    ASSERT_NE(outcomes[0].swapped, outcomes[1].swapped) << "exactly one must win";
    const int winner = outcomes[0].swapped ? 0 : 1;
    const std::string winning_value = "r" + std::to_string(round) + "t" + std::to_string(winner);
    EXPECT_EQ(outcomes[1 - winner].current.value, winning_value);
    EXPECT_EQ(outcomes[1 - winner].current.version, outcomes[winner].current.version);
    EXPECT_EQ(store->get("k").value(), winning_value);
  }
}

// A counter kept as decimal text, updated by eight threads with retry loops: the classic CAS
// use, which loses updates if any check is not atomic with its write.
TEST(CompareAndSwapRaceTest, RetryLoopsOfEightThreadsLoseNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kUpdatesPerThread = 60;
  testing::TestDir dir;
  auto store = std::move(Store::open(dir.path())).value();
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUpdatesPerThread; ++i) {
        Result<CasToken> token = store->cas_begin("n");
        if (!token.is_ok()) {
          failures[t] = token.status().to_string();
          return;
        }
        CasToken current = std::move(token).value();
        while (true) {
          const int next = current.value ? std::stoi(*current.value) + 1 : 1;
          Result<CasOutcome> outcome = store->cas_swap(current, std::to_string(next));
          if (!outcome.is_ok()) {
            failures[t] = outcome.status().to_string();
            return;
          }
          if (outcome->swapped) break;
          current = std::move(outcome->current);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& failure : failures) ASSERT_EQ(failure, "");
  EXPECT_EQ(store->get("n").value(), std::to_string(kThreads * kUpdatesPerThread));
}

}  // namespace
}  // namespace logkv
