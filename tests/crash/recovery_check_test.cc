// The crash tests' own machinery: the checker must name each way a recovery can go wrong, the
// workload must be reproducible from its seed, and the kill protocol must parse what the child
// writes. A checker that accepted everything would make every crash test pass.
#include "tests/crash/recovery_check.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/crash/kill_protocol.h"
#include "tests/crash/workload.h"

namespace logkv::crash {
namespace {

Op set_op(std::string key, std::string value) {
  Op op;
  op.kind = OpKind::kSet;
  op.key = std::move(key);
  op.value = std::move(value);
  return op;
}

Op delete_op(std::string key) {
  Op op;
  op.kind = OpKind::kDelete;
  op.key = std::move(key);
  return op;
}

class RecoveryCheckTest : public ::testing::Test {
 protected:
  // History: a=1, b=2, a=3, delete b; then a batch {c=4, a=5} in flight.
  void SetUp() override {
    for (const Op& op : {set_op("a", "1"), set_op("b", "2"), set_op("a", "3"), delete_op("b")}) {
      written_.note(op, acknowledged_);
      apply_to_model(op, &acknowledged_);
    }
    in_flight_.kind = OpKind::kBatch;
    in_flight_.batch.set("c", "4");
    in_flight_.batch.set("a", "5");
    written_.note(in_flight_, acknowledged_);
  }
  std::string check(const Model& recovered) const {
    return check_recovered(recovered, acknowledged_or_in_flight(acknowledged_, &in_flight_),
                           written_);
  }

  Model acknowledged_;
  Op in_flight_;
  WrittenValues written_;
};

TEST_F(RecoveryCheckTest, AcknowledgedStateIsAccepted) { EXPECT_EQ(check(Model{{"a", "3"}}), ""); }

TEST_F(RecoveryCheckTest, InFlightBatchWhollyPresentIsAccepted) {
  EXPECT_EQ(check(Model{{"a", "5"}, {"c", "4"}}), "");
}

TEST_F(RecoveryCheckTest, LostAcknowledgedWriteIsNamed) {
  EXPECT_NE(check(Model{}).find("acknowledged write lost: key 'a'"), std::string::npos);
}

TEST_F(RecoveryCheckTest, DeletedKeyComingBackIsNamed) {
  EXPECT_NE(check(Model{{"a", "3"}, {"b", "2"}}).find("deleted key came back: key 'b'"),
            std::string::npos);
}

TEST_F(RecoveryCheckTest, ValueNeverWrittenIsNamed) {
  EXPECT_NE(check(Model{{"a", "garbage"}}).find("value never written: key 'a'"), std::string::npos);
}

TEST_F(RecoveryCheckTest, OlderVersionIsNamed) {
  EXPECT_NE(check(Model{{"a", "1"}}).find("older version served: key 'a'"), std::string::npos);
}

TEST_F(RecoveryCheckTest, HalfAppliedBatchIsNamed) {
  EXPECT_NE(check(Model{{"a", "3"}, {"c", "4"}}).find("operation applied in part"),
            std::string::npos);
}

TEST(WorkloadTest, SameSeedGivesTheSameOperations) {
  Workload first(42, WorkloadShape{});
  Workload second(42, WorkloadShape{});
  for (int i = 0; i < 500; ++i) EXPECT_EQ(describe(first.next()), describe(second.next()));
}

TEST(WorkloadTest, ValuesNameTheirOperationAndStayWithinTheLimit) {
  Workload workload(7, WorkloadShape{});
  std::set<std::string> values;
  int sets = 0;
  for (int i = 0; i < 2000; ++i) {
    const Op op = workload.next();
    if (op.kind != OpKind::kSet) continue;
    ++sets;
    EXPECT_LE(op.value.size(), 4096u);
    if (op.value.size() >= 16) {
      EXPECT_TRUE(values.insert(op.value).second) << describe(op);
    }
  }
  EXPECT_GT(sets, 500);
}

TEST(WorkloadTest, WriteOnlyShapeNeverReadsOrReopens) {
  Workload workload(9, write_only_shape("t1/"));
  for (int i = 0; i < 500; ++i) {
    const Op op = workload.next();
    EXPECT_TRUE(is_write(op)) << describe(op);
    if (op.kind != OpKind::kBatch) {
      EXPECT_TRUE(op.key.starts_with("t1/")) << describe(op);
    }
  }
}

TEST(WorkloadTest, DefaultShapeDrawsEveryKindOfOperation) {
  Workload workload(11, WorkloadShape{});
  std::set<OpKind> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(workload.next().kind);
  for (OpKind kind :
       {OpKind::kSet, OpKind::kDelete, OpKind::kBatch, OpKind::kGet, OpKind::kExists, OpKind::kKeys,
        OpKind::kReopen, OpKind::kIncrement, OpKind::kCompareAndSwap, OpKind::kCompact}) {
    EXPECT_TRUE(seen.contains(kind)) << op_kind_name(kind) << " never drawn";
  }
}

TEST(WorkloadTest, CountersFollowIncrementsAndSwaps) {
  Op increment;
  increment.kind = OpKind::kIncrement;
  increment.key = "c0";
  increment.delta = -5;
  Model model;
  apply_to_model(increment, &model);
  ASSERT_EQ(model["c0"].size(), 8u);
  EXPECT_EQ(static_cast<uint8_t>(model["c0"][0]), 0xfbu) << "-5 in two's complement";
  Op swap;
  swap.kind = OpKind::kCompareAndSwap;
  swap.key = "c0";
  const std::string before = model["c0"];
  apply_to_model(swap, &model);
  EXPECT_NE(model["c0"], before);
  EXPECT_EQ(model["c0"][0], static_cast<char>(5 * 7 + 13)) << "|-5| * 7 + 13";
  WrittenValues written;
  written.note(swap, {{"c0", before}});
  EXPECT_TRUE(written.was_written("c0", model["c0"]));
}

TEST(KillProtocolTest, AcknowledgementsCountPerThreadAndPartialLinesAreIgnored) {
  const ChildReport report = parse_child_output("A 0 0\nA 1 0\nA 0 1\nA 1 1\nA 0 2\nA 1 2", 2);
  EXPECT_EQ(report.acknowledged, (std::vector<uint64_t>{3, 2}));
  EXPECT_FALSE(report.done);
  EXPECT_EQ(report.errors, "");
}

TEST(KillProtocolTest, ErrorsAndOutOfOrderAcknowledgementsAreReported) {
  const ChildReport report = parse_child_output("A 0 0\nA 0 2\nE 0 3 set failed\nD\n", 1);
  EXPECT_EQ(report.acknowledged, (std::vector<uint64_t>{1}));
  EXPECT_TRUE(report.done);
  EXPECT_EQ(report.errors, "A 0 2\nE 0 3 set failed\n");
}

}  // namespace
}  // namespace logkv::crash
