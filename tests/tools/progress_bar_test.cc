// ProgressBar: the line it draws, and that it draws nothing when disabled (stderr not a
// terminal) and erases itself when done.
#include "tools/progress_bar.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace logkv::tool {
namespace {

TEST(ProgressBarTest, LineShowsBarPercentRateAndEta) {
  EXPECT_EQ(format_progress("check", 50'000'000, 100'000'000, ProgressUnit::kBytes, 4.0),
            "check [##########----------]  50%  12.5 MB/s  ETA 0:04");
}

TEST(ProgressBarTest, CompleteWorkHasNoEta) {
  EXPECT_EQ(format_progress("load", 2000, 2000, ProgressUnit::kItems, 2.0),
            "load [####################] 100%  1.0k/s");
}

TEST(ProgressBarTest, UnknownTotalShowsCountAndRateOnly) {
  EXPECT_EQ(format_progress("dump", 1234, 0, ProgressUnit::kItems, 0.0), "dump 1234");
  EXPECT_EQ(format_progress("copy", 3'000'000, 0, ProgressUnit::kBytes, 1.0),
            "copy 3000000 bytes  3.0 MB/s");
}

TEST(ProgressBarTest, LongEtaHasHours) {
  EXPECT_EQ(format_progress("backup", 1, 10'000, ProgressUnit::kItems, 1.0),
            "backup [--------------------]   0%  1.0/s  ETA 2:46:39");
}

TEST(ProgressBarTest, DisabledBarWritesNothing) {
  std::ostringstream err;
  {
    ProgressBar bar(err, /*enabled=*/false, "check", 10, ProgressUnit::kItems);
    bar.advance(5);
    bar.finish();
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBarTest, CallbackSetsDoneAndTotal) {
  std::ostringstream err;
  ProgressBar bar(err, /*enabled=*/true, "repair", 0, ProgressUnit::kBytes);
  const std::function<void(uint64_t, uint64_t)> told = bar.callback();
  // Redraws are throttled to ten a second; tell until one is drawn (bounded).
  for (int attempt = 0; attempt < 100 && err.str().empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    told(250, 1000);
  }
  EXPECT_NE(err.str().find("repair [#####---------------]  25%"), std::string::npos) << err.str();
}

TEST(ProgressBarTest, EnabledBarDrawsAndErasesItsLine) {
  std::ostringstream err;
  ProgressBar bar(err, /*enabled=*/true, "check", 10, ProgressUnit::kItems);
  // Redraws are throttled to ten a second; advance until one is drawn (bounded).
  for (int attempt = 0; attempt < 100 && err.str().empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    bar.advance(0);
  }
  ASSERT_NE(err.str().find("check ["), std::string::npos) << err.str();
  const size_t drawn = err.str().size();
  bar.finish();
  const std::string erased = err.str().substr(drawn);
  EXPECT_EQ(erased.front(), '\r');
  EXPECT_EQ(erased.back(), '\r');
  EXPECT_EQ(erased.find_first_not_of(" \r"), std::string::npos);
  bar.advance(1);
  bar.finish();
  EXPECT_EQ(err.str().size(), drawn + erased.size()) << "nothing drawn after finish()";
}

}  // namespace
}  // namespace logkv::tool
