// What an error about a damaged file tells the user to do next.
//
// One text for every corruption message (segment header, records, compaction's reads, reads of
// a value), so that the advice stays the same everywhere and names only commands that exist:
// `logkv check` lists every damaged record and the keys it costs, `logkv repair` fixes the store
// keeping every original, and docs/TOOL.md ("When a store is damaged") says more.
#ifndef LOGKV_WAL_DAMAGE_ADVICE_H_
#define LOGKV_WAL_DAMAGE_ADVICE_H_

#include <string_view>

namespace logkv {

inline constexpr std::string_view kDamageAdvice =
    "; run `logkv check` to list every damaged record and the keys it costs (reads still serve "
    "every intact key), then `logkv repair`, which keeps the original of every file it changes "
    "in lost+found (docs/TOOL.md, \"When a store is damaged\")";

// For a store whose segment set lost records that no file names by key (a listed segment
// missing or cut short, wal/segment_set.h): every key might read stale, so even reads are
// refused until the store is repaired.
inline constexpr std::string_view kSegmentSetAdvice =
    "; run `logkv check` to list every problem, then `logkv repair`, which keeps the original of "
    "every file it changes in lost+found and makes the store readable and writable again "
    "(docs/TOOL.md, \"When a store is damaged\")";

}  // namespace logkv

#endif  // LOGKV_WAL_DAMAGE_ADVICE_H_
