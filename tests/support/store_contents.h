// store_contents: every key of a store with its value, read through the public API (keys(), then
// get() of each), for tests that compare a store with a model.
//
// Thread-safety: as Store::keys() and Store::get(); with concurrent writers the result mixes
// moments. A key that keys() lists but get() cannot read fails the calling test (EXPECT) and is
// left out.
#ifndef LOGKV_TESTS_SUPPORT_STORE_CONTENTS_H_
#define LOGKV_TESTS_SUPPORT_STORE_CONTENTS_H_

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "logkv/store.h"

namespace logkv::testing {

inline std::map<std::string, std::string> store_contents(Store& store) {
  std::map<std::string, std::string> contents;
  Result<std::vector<std::string>> keys = store.keys();
  EXPECT_TRUE(keys.is_ok()) << keys.status().to_string();
  if (!keys.is_ok()) return contents;
  for (const std::string& key : *keys) {
    Result<std::optional<std::string>> value = store.get(key);
    EXPECT_TRUE(value.is_ok() && value->has_value())
        << key << ": " << (value.is_ok() ? "listed but absent" : value.status().to_string());
    if (value.is_ok() && value->has_value()) contents[key] = **value;
  }
  return contents;
}

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_STORE_CONTENTS_H_
