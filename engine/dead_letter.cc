#include "engine/dead_letter.h"

#include <algorithm>

#include "engine/sha256.h"
#include "engine/string_map.h"
#include "engine/text.h"
#include "engine/utf8.h"

namespace orderflow {

namespace {

// The longest prefix of `text` of at most `max` bytes that does not end
// inside a UTF-8 sequence (valid text stays valid).
std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

void DeadLetter(const RecordSource& source, std::string_view reason,
                std::string_view detail, EpochMillis now, Emitter& out,
                size_t max_payload) {
  v1::DeadLetter d;
  d.set_source_topic(std::string(source.topic));
  d.set_partition(source.partition);
  d.set_offset(source.offset);
  // A key is bytes on Kafka, but `key` is a string and must be UTF-8 (or
  // the dead letter itself could not be read back): a key that is not
  // keeps its bytes beside a readable rendering.
  std::string_view key = source.key;
  if (IsValidUtf8(key)) {
    key = Utf8Prefix(key, kDeadLetterMaxKey);
    d.set_key(std::string(key));
  } else {
    key = key.substr(0, kDeadLetterMaxKey);
    d.set_key(ValidUtf8(key));
    d.set_key_bytes(std::string(key));
  }
  const std::string_view payload =
      source.payload.substr(0, std::min(max_payload, kDeadLetterMaxPayload));
  d.set_payload(std::string(payload));
  d.set_reason(std::string(reason));
  const std::string_view kept_detail = Utf8Prefix(detail, kDeadLetterMaxDetail);
  d.set_detail(std::string(kept_detail));
  SetTimestamp(now, d.mutable_dead_lettered_at());
  // Set only when something was cut: a record within the bounds gives the
  // bytes it always gave.
  if (key.size() < source.key.size()) {
    d.set_original_key_size(static_cast<int64_t>(source.key.size()));
    d.set_key_sha256(Sha256Hex(source.key));
  }
  if (payload.size() < source.payload.size()) {
    d.set_original_payload_size(static_cast<int64_t>(source.payload.size()));
    d.set_payload_sha256(Sha256Hex(source.payload));
  }
  if (key.size() < source.key.size() ||
      payload.size() < source.payload.size() ||
      kept_detail.size() < detail.size()) {
    d.set_truncated(true);
  }
  out.DeadLettered(d);
}

bool KeyMatches(const RecordSource& source, std::string_view id,
                std::string_view id_field, EpochMillis now, Emitter& out) {
  if (source.key.empty() || SameText(source.key, id)) return true;
  DeadLetter(source, "KEY_MISMATCH",
             Cat("record key '", ValidUtf8(source.key), "' differs from ",
                          id_field, " '", id, "'"),
             now, out);
  return false;
}

}  // namespace orderflow
