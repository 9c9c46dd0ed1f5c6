// CErrorMessage: owns the error message a C API call returns through `char** errmsg`, for the
// tests of logkv/logkv.h.
//
// Thread-safety: one per thread.
#ifndef LOGKV_TESTS_SUPPORT_C_ERROR_MESSAGE_H_
#define LOGKV_TESTS_SUPPORT_C_ERROR_MESSAGE_H_

#include <string>

#include "logkv/logkv.h"

namespace logkv::testing {

struct CErrorMessage {
  char* text = nullptr;
  CErrorMessage() = default;
  CErrorMessage(const CErrorMessage&) = delete;
  CErrorMessage& operator=(const CErrorMessage&) = delete;
  ~CErrorMessage() { logkv_free(text); }
  // Frees the previous message and returns where the next call writes its own.
  char** out() {
    logkv_free(text);
    text = nullptr;
    return &text;
  }
  std::string str() const { return text == nullptr ? std::string() : std::string(text); }
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_C_ERROR_MESSAGE_H_
