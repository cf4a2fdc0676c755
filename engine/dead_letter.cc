#include "engine/dead_letter.h"

#include "engine/text.h"

namespace orderflow {

void DeadLetter(const RecordSource& source, std::string_view reason,
                std::string_view detail, EpochMillis now, Emitter& out) {
  v1::DeadLetter d;
  d.set_source_topic(std::string(source.topic));
  d.set_partition(source.partition);
  d.set_offset(source.offset);
  d.set_key(std::string(source.key));
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
             Cat("record key '", source.key, "' differs from ",
                          id_field, " '", id, "'"),
             now, out);
  return false;
}

}  // namespace orderflow
