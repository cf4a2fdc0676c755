#include "engine/dead_letter.h"

#include "engine/text.h"
#include "engine/utf8.h"

namespace orderflow {

void DeadLetter(const RecordSource& source, std::string_view reason,
                std::string_view detail, EpochMillis now, Emitter& out) {
  v1::DeadLetter d;
  d.set_source_topic(std::string(source.topic));
  d.set_partition(source.partition);
  d.set_offset(source.offset);
  // A key is bytes on Kafka, but `key` is a string and must be UTF-8 (or
  // the dead letter itself could not be read back): a key that is not
  // keeps its bytes beside a readable rendering.
  if (IsValidUtf8(source.key)) {
    d.set_key(std::string(source.key));
  } else {
    d.set_key(ValidUtf8(source.key));
    d.set_key_bytes(std::string(source.key));
  }
  d.set_payload(std::string(source.payload));
  d.set_reason(std::string(reason));
  d.set_detail(std::string(detail));
  SetTimestamp(now, d.mutable_dead_lettered_at());
  out.DeadLettered(d);
}

bool KeyMatches(const RecordSource& source, std::string_view id,
                std::string_view id_field, EpochMillis now, Emitter& out) {
  if (source.key.empty() || source.key == id) return true;
  DeadLetter(source, "KEY_MISMATCH",
             Cat("record key '", ValidUtf8(source.key), "' differs from ",
                          id_field, " '", id, "'"),
             now, out);
  return false;
}

}  // namespace orderflow
