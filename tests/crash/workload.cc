#include "tests/crash/workload.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace logkv::crash {

std::string_view op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kSet:
      return "set";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kBatch:
      return "batch";
    case OpKind::kGet:
      return "get";
    case OpKind::kExists:
      return "exists";
    case OpKind::kKeys:
      return "keys";
    case OpKind::kReopen:
      return "reopen";
    case OpKind::kIncrement:
      return "increment";
    case OpKind::kCompareAndSwap:
      return "compare-and-swap";
    case OpKind::kCompact:
      return "compact";
  }
  return "unknown";
}

bool is_write(const Op& op) {
  return op.kind == OpKind::kSet || op.kind == OpKind::kDelete || op.kind == OpKind::kBatch ||
         op.kind == OpKind::kIncrement || op.kind == OpKind::kCompareAndSwap;
}

namespace {

int64_t decode_counter(const std::string& bytes) {
  uint64_t raw = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    raw |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  }
  return static_cast<int64_t>(raw);
}

std::string encode_counter(int64_t value) {
  std::string bytes(8, '\0');
  const auto raw = static_cast<uint64_t>(value);
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<char>(raw >> (8 * i));
  return bytes;
}

}  // namespace

std::string counter_value_after(const Op& op, const Model& before) {
  const auto it = before.find(op.key);
  const int64_t current = it == before.end() ? 0 : decode_counter(it->second);
  if (op.kind == OpKind::kIncrement) return encode_counter(current + op.delta);
  // A swap's new value depends on the old one, so that a swap applied to the wrong old value
  // shows; kept small so that increments never come near overflow.
  return encode_counter((current < 0 ? -current : current) % 1000003 * 7 + 13);
}

std::string describe(const Op& op) {
  std::string text = "#" + std::to_string(op.index) + " " + std::string(op_kind_name(op.kind));
  switch (op.kind) {
    case OpKind::kSet:
      return text + " " + op.key + " = " + std::to_string(op.value.size()) + " bytes";
    case OpKind::kDelete:
    case OpKind::kGet:
    case OpKind::kExists:
    case OpKind::kCompareAndSwap:
      return text + " " + op.key;
    case OpKind::kIncrement:
      return text + " " + op.key + " by " + std::to_string(op.delta);
    case OpKind::kBatch:
      text += " of " + std::to_string(op.batch.size()) + " [";
      for (const WriteBatch::Operation& part : op.batch.operations()) {
        const bool set = part.kind == WriteBatch::Operation::Kind::kSet;
        text += (set ? " set " : " delete ") + part.key;
      }
      return text + " ]";
    case OpKind::kKeys:
    case OpKind::kReopen:
    case OpKind::kCompact:
      break;
  }
  return text;
}

std::string thread_key_prefix(uint32_t thread) { return "t" + std::to_string(thread) + "/"; }

WorkloadShape write_only_shape(std::string key_prefix) {
  WorkloadShape shape;
  shape.key_prefix = std::move(key_prefix);
  shape.read_weight = 0;
  shape.reopen_weight = 0;
  shape.compact_weight = 0;
  return shape;
}

uint64_t mix_seed(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void run_in_foreground(Options* options) {
  // Written so that it also builds against a tree without automatic compaction.
  if constexpr (requires { options->automatic_compaction; }) {
    options->automatic_compaction = false;
  }
}

Workload::Workload(uint64_t seed, WorkloadShape shape)
    : seed_(seed), shape_(std::move(shape)), random_(seed) {}

std::string Workload::draw_key() {
  char digits[16];
  std::snprintf(digits, sizeof(digits), "k%02u",
                static_cast<unsigned>(random_() % std::max<uint32_t>(shape_.key_count, 1)));
  return shape_.key_prefix + digits;
}

std::string Workload::draw_counter_key() {
  return shape_.key_prefix + "c" +
         std::to_string(random_() % std::max<uint32_t>(shape_.counter_count, 1));
}

std::string Workload::draw_value(uint64_t index, uint32_t part) {
  // Mostly small values, as a key-value store sees them, with a tail up to the maximum so that
  // records cross 512-byte sectors and fill segments quickly.
  const uint64_t bucket = random_() % 100;
  const uint64_t limit = shape_.value_bytes_max;
  size_t bytes;
  if (bucket < 5) {
    bytes = 0;
  } else if (bucket < 55) {
    bytes = 1 + random_() % std::min<uint64_t>(64, limit);
  } else if (bucket < 85) {
    bytes = 1 + random_() % std::min<uint64_t>(1024, limit);
  } else {
    bytes = 1 + random_() % limit;
  }
  bytes = std::min<size_t>(bytes, limit);
  // The tag makes the value unique, so a recovered value can be traced to the write that made
  // it (or shown never to have been written).
  const std::string tag = "s" + std::to_string(seed_ % 1000000007) + "o" + std::to_string(index) +
                          "p" + std::to_string(part) + ":";
  std::string value(bytes, ' ');
  for (size_t i = 0; i < bytes; ++i) {
    value[i] = i < tag.size() ? tag[i] : static_cast<char>('a' + (index + i) % 26);
  }
  return value;
}

Op Workload::next() {
  Op op;
  op.index = next_index_++;
  const uint64_t total = uint64_t{shape_.set_weight} + shape_.delete_weight + shape_.batch_weight +
                         shape_.read_weight + shape_.increment_weight +
                         shape_.compare_and_swap_weight + shape_.compact_weight +
                         shape_.reopen_weight;
  uint64_t pick = random_() % std::max<uint64_t>(total, 1);
  if (pick < shape_.set_weight) {
    op.kind = OpKind::kSet;
    op.key = draw_key();
    op.value = draw_value(op.index, 0);
    return op;
  }
  pick -= shape_.set_weight;
  if (pick < shape_.delete_weight) {
    op.kind = OpKind::kDelete;
    op.key = draw_key();
    return op;
  }
  pick -= shape_.delete_weight;
  if (pick < shape_.batch_weight) {
    op.kind = OpKind::kBatch;
    const uint32_t parts = 2 + static_cast<uint32_t>(random_() % 5);
    for (uint32_t part = 0; part < parts; ++part) {
      const std::string key = draw_key();
      if (random_() % 4 == 0) {
        op.batch.del(key);
      } else {
        op.batch.set(key, draw_value(op.index, part));
      }
    }
    return op;
  }
  pick -= shape_.batch_weight;
  if (pick < shape_.read_weight) {
    const uint64_t read = random_() % 8;
    op.kind = read < 5 ? OpKind::kGet : (read < 7 ? OpKind::kExists : OpKind::kKeys);
    // keys() checks the keys under this workload's prefix.
    op.key = op.kind == OpKind::kKeys ? shape_.key_prefix : draw_key();
    return op;
  }
  pick -= shape_.read_weight;
  if (pick < shape_.increment_weight) {
    op.kind = OpKind::kIncrement;
    op.key = draw_counter_key();
    op.delta = static_cast<int64_t>(random_() % 1001) - 500;
    return op;
  }
  pick -= shape_.increment_weight;
  if (pick < shape_.compare_and_swap_weight) {
    op.kind = OpKind::kCompareAndSwap;
    op.key = draw_counter_key();
    return op;
  }
  pick -= shape_.compare_and_swap_weight;
  if (pick < shape_.compact_weight) {
    op.kind = OpKind::kCompact;
    return op;
  }
  op.kind = OpKind::kReopen;
  return op;
}

void apply_to_model(const Op& op, Model* model) {
  switch (op.kind) {
    case OpKind::kSet:
      (*model)[op.key] = op.value;
      return;
    case OpKind::kDelete:
      model->erase(op.key);
      return;
    case OpKind::kBatch:
      for (const WriteBatch::Operation& part : op.batch.operations()) {
        if (part.kind == WriteBatch::Operation::Kind::kSet) {
          (*model)[part.key] = part.value;
        } else {
          model->erase(part.key);
        }
      }
      return;
    case OpKind::kIncrement:
    case OpKind::kCompareAndSwap:
      (*model)[op.key] = counter_value_after(op, *model);
      return;
    case OpKind::kGet:
    case OpKind::kExists:
    case OpKind::kKeys:
    case OpKind::kReopen:
    case OpKind::kCompact:
      return;
  }
}

namespace {

Status read_mismatch(const Op& op, const std::string& what) {
  return Status::corruption("read-your-writes broken by " + describe(op) + ": " + what);
}

}  // namespace

Status apply_to_store(const Op& op, const Model& model, Store& store) {
  const auto expected = model.find(op.key);
  switch (op.kind) {
    case OpKind::kSet:
      return store.set(op.key, op.value);
    case OpKind::kDelete:
      return store.del(op.key);
    case OpKind::kBatch:
      return store.write(op.batch);
    case OpKind::kGet: {
      Result<std::optional<std::string>> value = store.get(op.key);
      if (!value.is_ok()) return value.status();
      if (value->has_value() != (expected != model.end())) {
        return read_mismatch(op, value->has_value() ? "found a key the model lacks"
                                                    : "missed a key the model holds");
      }
      if (value->has_value() && **value != expected->second) {
        return read_mismatch(op, "got " + std::to_string((*value)->size()) + " bytes, expected " +
                                     std::to_string(expected->second.size()));
      }
      return Status::ok();
    }
    case OpKind::kExists: {
      Result<bool> exists = store.exists(op.key);
      if (!exists.is_ok()) return exists.status();
      if (*exists != (expected != model.end())) return read_mismatch(op, "wrong answer");
      return Status::ok();
    }
    case OpKind::kKeys: {
      Result<std::vector<std::string>> keys = store.keys();
      if (!keys.is_ok()) return keys.status();
      // A store shared by several workloads (one per thread) lists their keys too: compare the
      // keys under this workload's prefix (op.key).
      std::vector<std::string> listed;
      for (std::string& key : *keys) {
        if (key.starts_with(op.key)) listed.push_back(std::move(key));
      }
      std::sort(listed.begin(), listed.end());
      std::vector<std::string> wanted;
      for (const auto& [key, value] : with_prefix(model, op.key)) wanted.push_back(key);
      if (listed != wanted) {
        return read_mismatch(op, "keys() lists " + std::to_string(listed.size()) +
                                     " keys, the model holds " + std::to_string(wanted.size()));
      }
      return Status::ok();
    }
    case OpKind::kIncrement: {
      Result<int64_t> value = store.increment(op.key, op.delta);
      if (!value.is_ok()) return value.status();
      if (encode_counter(*value) != counter_value_after(op, model)) {
        return read_mismatch(op,
                             "returned " + std::to_string(*value) + ", expected " +
                                 std::to_string(decode_counter(counter_value_after(op, model))));
      }
      return Status::ok();
    }
    case OpKind::kCompareAndSwap: {
      Result<CasToken> token = store.cas_begin(op.key);
      if (!token.is_ok()) return token.status();
      const bool present = expected != model.end();
      if (token->value.has_value() != present || (present && *token->value != expected->second)) {
        return read_mismatch(op, "cas_begin saw a value other than the model's");
      }
      Result<CasOutcome> outcome = store.cas_swap(*token, counter_value_after(op, model));
      if (!outcome.is_ok()) return outcome.status();
      if (!outcome->swapped) return read_mismatch(op, "the swap was refused with no other writer");
      return Status::ok();
    }
    case OpKind::kCompact:
      return store.compact();
    case OpKind::kReopen:
      return Status::ok();
  }
  return Status::ok();
}

Result<Model> read_all(Store& store) {
  Result<std::vector<std::string>> keys = store.keys();
  if (!keys.is_ok()) return keys.status();
  Model model;
  for (const std::string& key : *keys) {
    Result<std::optional<std::string>> value = store.get(key);
    if (!value.is_ok()) return value.status();
    if (!value->has_value()) {
      return Status::corruption("keys() listed '" + key + "' but get() does not find it");
    }
    model[key] = std::move(**value);
  }
  return model;
}

Model with_prefix(const Model& model, std::string_view prefix) {
  Model part;
  for (auto it = model.lower_bound(std::string(prefix));
       it != model.end() && it->first.starts_with(prefix); ++it) {
    part.insert(*it);
  }
  return part;
}

}  // namespace logkv::crash
