// Tests of the --quick self-check (bench/result_checks.h): every kind of bad result it exists to
// catch is reported, naming the row, and a sane set of rows passes.
#include "bench/result_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace logkv::bench {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A workload that only declares its variants; the check never runs workloads.
class FakeWorkload final : public Workload {
 public:
  FakeWorkload(std::string name, std::vector<std::string> variants, bool needs_reads)
      : name_(std::move(name)), variants_(std::move(variants)), needs_reads_(needs_reads) {}

  std::string_view name() const override { return name_; }
  std::string_view group() const override { return "fake"; }
  std::string_view description() const override { return "declares variants, runs nothing"; }
  bool applies_to(const Capabilities& capabilities) const override {
    return !needs_reads_ || capabilities.point_reads;
  }
  std::vector<std::string> measured_variants(const WorkloadSizes&,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return variants_;
  }
  std::vector<Row> run(const EngineFactory&, WorkloadContext&) override { return {}; }

 private:
  std::string name_;
  std::vector<std::string> variants_;
  bool needs_reads_;
};

Row ok_row(std::string_view workload, std::string_view variant, std::string_view engine,
           double ops_per_sec) {
  Row row = make_row(workload, "fake", variant, engine);
  row.primary_name = "ops/s";
  row.primary_unit = "ops/s";
  row.primary = ops_per_sec;
  row.ops_per_sec = ops_per_sec;
  row.p50_us = 10;
  row.p99_us = 20;
  row.ops = 100;
  row.seconds = 100 / ops_per_sec;
  return row;
}

// Two engines like logkv and raw-log (which cannot read), a write workload with two variants
// both measure, and a read workload only logkv measures.
class ResultChecksTest : public ::testing::Test {
 protected:
  ResultChecksTest()
      : sets_("sets", {"1 writer", "4 writers"}, /*needs_reads=*/false),
        gets_("gets", {"get, 1 reader"}, /*needs_reads=*/true) {
    EngineInfo logkv;
    logkv.name = "logkv";
    EngineInfo raw_log;
    raw_log.name = "raw-log";
    raw_log.capabilities.point_reads = false;
    engines_ = {logkv, raw_log};
    rows_ = {
        ok_row("sets", "1 writer", "logkv", 4000),
        ok_row("sets", "4 writers", "logkv", 9000),
        ok_row("gets", "get, 1 reader", "logkv", 900000),
        ok_row("sets", "1 writer", "raw-log", 5000),
        ok_row("sets", "4 writers", "raw-log", 5100),
        not_applicable_row("gets", "fake", "get, 1 reader", "raw-log", "engine cannot read"),
    };
    compute_ratios(rows_);
  }

  std::vector<std::string> check() { return check_results(rows_, {&sets_, &gets_}, engines_, {}); }

  Row& row(std::string_view workload, std::string_view variant, std::string_view engine) {
    auto it = std::find_if(rows_.begin(), rows_.end(), [&](const Row& row) {
      return row.workload == workload && row.variant == variant && row.engine == engine;
    });
    EXPECT_NE(it, rows_.end()) << "the fixture has no row " << workload << " / " << variant << " / "
                               << engine;
    return *it;
  }

  void remove_rows(std::string_view variant, std::string_view engine) {
    std::erase_if(rows_, [&](const Row& row) {
      return (variant.empty() || row.variant == variant) && row.engine == engine;
    });
  }

  FakeWorkload sets_;
  FakeWorkload gets_;
  std::vector<EngineInfo> engines_;
  std::vector<Row> rows_;
};

TEST_F(ResultChecksTest, SaneRowsPass) { EXPECT_THAT(check(), IsEmpty()); }

TEST_F(ResultChecksTest, NanThroughputIsReported) {
  row("sets", "1 writer", "raw-log").ops_per_sec = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 1 writer / raw-log"),
                                         HasSubstr("ops/s is not a positive finite number"))));
}

TEST_F(ResultChecksTest, InfinitePrimaryFigureIsReported) {
  Row& bad = row("sets", "4 writers", "raw-log");
  bad.primary = std::numeric_limits<double>::infinity();
  compute_ratios(rows_);
  // A figure that is not finite has no ratio either.
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 4 writers / raw-log"),
                                         HasSubstr("ops/s is not a positive finite number")),
                                   AllOf(HasSubstr("sets / 4 writers / raw-log"),
                                         HasSubstr("no ratio to logkv's figure"))));
}

TEST_F(ResultChecksTest, P50AboveP99IsReported) {
  Row& bad = row("gets", "get, 1 reader", "logkv");
  bad.p50_us = 50;
  bad.p99_us = 5;
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("gets / get, 1 reader / logkv"),
                                         HasSubstr("not ordered 0 <= p50 <= p99"))));
}

TEST_F(ResultChecksTest, OnePercentileWithoutTheOtherIsReported) {
  row("sets", "1 writer", "logkv").p99_us.reset();
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 1 writer / logkv"),
                                         HasSubstr("one latency percentile without the other"))));
}

TEST_F(ResultChecksTest, MissingRatioIsReported) {
  row("sets", "4 writers", "raw-log").ratio.reset();
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 4 writers / raw-log"),
                                         HasSubstr("no ratio to logkv's figure"))));
}

TEST_F(ResultChecksTest, MissingEngineRowsAreReported) {
  remove_rows("", "raw-log");
  EXPECT_THAT(check(), ElementsAre(HasSubstr("sets / raw-log: produced no row"),
                                   HasSubstr("gets / raw-log: produced no row")));
}

TEST_F(ResultChecksTest, MissingVariantIsReported) {
  remove_rows("4 writers", "logkv");
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 4 writers / logkv"),
                                         HasSubstr("no row, although the engine measures"))));
}

TEST_F(ResultChecksTest, VariantTurnedNotApplicableIsReported) {
  // One variant of a workload the engine still measures otherwise: the old check, one ok row
  // per workload and engine, let this pass.
  row("sets", "4 writers", "raw-log") =
      not_applicable_row("sets", "fake", "4 writers", "raw-log", "adapter lost its writer pool");
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 4 writers / raw-log"),
                                         HasSubstr("n/a (adapter lost its writer pool)"),
                                         HasSubstr("although the engine measures"))));
}

TEST_F(ResultChecksTest, NotApplicableWithoutReasonIsReported) {
  row("gets", "get, 1 reader", "raw-log").note.clear();
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("gets / get, 1 reader / raw-log"),
                                         HasSubstr("n/a without a reason"))));
}

TEST_F(ResultChecksTest, FailedRowIsReportedWithItsError) {
  Row& failed = row("sets", "1 writer", "logkv");
  failed.status = RowStatus::kFailed;
  failed.note = "IO error: disk full";
  compute_ratios(rows_);
  EXPECT_THAT(check(), ElementsAre(AllOf(HasSubstr("sets / 1 writer / logkv"),
                                         HasSubstr("failed: IO error: disk full"))));
}

TEST_F(ResultChecksTest, WorkloadWhoseDeclarationsDisagreeIsReported) {
  // applies_to() says logkv can run it, yet no variant is declared: the declarations drifted.
  FakeWorkload drifted("drifted", {}, /*needs_reads=*/false);
  rows_.push_back(not_applicable_row("drifted", "fake", "x", "logkv", "reason"));
  rows_.push_back(not_applicable_row("drifted", "fake", "x", "raw-log", "reason"));
  const std::vector<std::string> problems = check_results(rows_, {&drifted}, engines_, {});
  EXPECT_THAT(problems, ElementsAre(HasSubstr("drifted / logkv: applies_to() and "
                                              "measured_variants() disagree"),
                                    HasSubstr("drifted / raw-log: applies_to() and "
                                              "measured_variants() disagree")));
}

TEST(MissingEnginesTest, NamesEveryRequiredEngineNotAvailable) {
  EXPECT_THAT(missing_engines({"logkv", "rocksdb", "lmdb"}, {"logkv", "lmdb", "raw-log"}),
              ElementsAre("rocksdb"));
  EXPECT_THAT(missing_engines({}, {"logkv"}), IsEmpty());
  EXPECT_THAT(missing_engines({"logkv"}, {}), ElementsAre("logkv"));
}

}  // namespace
}  // namespace logkv::bench
