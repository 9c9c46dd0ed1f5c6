// What an error about a damaged file tells the user to do next.
//
// One text for every corruption message (segment header, records, compaction's reads, reads of
// a value), so that the advice stays the same everywhere and names only steps that exist: the
// tool has no check or repair command yet, so it points at the manual steps documented in
// docs/TOOL.md ("When a store is damaged").
#ifndef LOGKV_WAL_DAMAGE_ADVICE_H_
#define LOGKV_WAL_DAMAGE_ADVICE_H_

#include <string_view>

namespace logkv {

inline constexpr std::string_view kDamageAdvice =
    "; copy the store folder aside before changing anything, then see \"When a store is "
    "damaged\" in docs/TOOL.md";

}  // namespace logkv

#endif  // LOGKV_WAL_DAMAGE_ADVICE_H_
