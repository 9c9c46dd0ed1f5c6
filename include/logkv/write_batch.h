// WriteBatch: sets and deletes applied atomically by Store::write.
//
// After any crash either every operation of a batch is present or none is. Operations apply in
// the order they were added (a later set of the same key wins).
//
// Thread-safety: a WriteBatch is a plain value; do not change it while Store::write reads it.
#ifndef LOGKV_WRITE_BATCH_H_
#define LOGKV_WRITE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logkv {

class WriteBatch {
 public:
  struct Operation {
    enum class Kind : uint8_t { kSet, kDelete };
    Kind kind;
    std::string key;
    std::string value;  // empty for kDelete
  };

  void set(std::string_view key, std::string_view value) {
    bytes_ += key.size() + value.size();
    operations_.push_back({Operation::Kind::kSet, std::string(key), std::string(value)});
  }
  void del(std::string_view key) {
    bytes_ += key.size();
    operations_.push_back({Operation::Kind::kDelete, std::string(key), {}});
  }
  void clear() {
    operations_.clear();
    bytes_ = 0;
  }

  const std::vector<Operation>& operations() const { return operations_; }
  size_t size() const { return operations_.size(); }
  bool empty() const { return operations_.empty(); }
  // Key and value bytes held.
  size_t bytes() const { return bytes_; }

 private:
  std::vector<Operation> operations_;
  size_t bytes_ = 0;
};

}  // namespace logkv

#endif  // LOGKV_WRITE_BATCH_H_
