// A small streaming JSON writer for the --json report: objects, arrays, strings, numbers.
// Non-finite numbers become null (JSON has no NaN). Output is indented, one member per line.
//
// Thread-safety: one writer per thread.
#ifndef LOGKV_BENCH_JSON_WRITER_H_
#define LOGKV_BENCH_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logkv::bench {

class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The next value is the member `name` of the enclosing object.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(double number);
  void value(uint64_t number);
  void value(bool flag);
  void null();

  template <typename T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }
  template <typename T>
  void field(std::string_view name, const std::optional<T>& v) {
    key(name);
    if (v.has_value()) {
      value(*v);
    } else {
      null();
    }
  }

  const std::string& text() const { return out_; }

 private:
  void before_value();
  void newline();

  std::string out_;
  std::vector<bool> container_has_items_;  // one entry per open object or array
  bool after_key_ = false;
};

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_JSON_WRITER_H_
