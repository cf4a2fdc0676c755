// Dead letters: a record the engine cannot use is kept, with why.
#ifndef ORDERFLOW_ENGINE_DEAD_LETTER_H_
#define ORDERFLOW_ENGINE_DEAD_LETTER_H_

#include <cstddef>
#include <string_view>

#include "engine/emitter.h"
#include "engine/record.h"

namespace orderflow {

// A dead letter must always fit in one Kafka record (librdkafka's
// message.max.bytes is 1,000,000 by default, the broker's limit 1,048,588),
// whatever the record it tells of: it keeps at most these many bytes of
// the record's value, of its key and of the detail, and says when it cut
// (`truncated`, the original sizes and SHA-256 digests). Anything within
// the bounds is kept whole, with the bytes it always had.
inline constexpr size_t kDeadLetterMaxPayload = 64 * 1024;
inline constexpr size_t kDeadLetterMaxKey = 4 * 1024;
inline constexpr size_t kDeadLetterMaxDetail = 4 * 1024;

// The reason of a record whose transaction could not be committed on Kafka
// however often it was tried, alone (the producer or the broker refused
// what it produced, e.g. an output over the size limit): it is
// dead-lettered so that the records after it go on (consumers/
// poison_records.h).
inline constexpr char kUncommittable[] = "UNCOMMITTABLE";
inline constexpr size_t kUncommittableMaxPayload = 1024;

// Emits the dead letter for `source` with a machine `reason` and a `detail`
// for a person, given up on at engine time `now`, within the bounds above.
// `max_payload` lowers the payload's bound (an UNCOMMITTABLE record keeps
// less: what it produced was refused, perhaps for its size).
void DeadLetter(const RecordSource& source, std::string_view reason,
                std::string_view detail, EpochMillis now, Emitter& out,
                size_t max_payload = kDeadLetterMaxPayload);

// When a record's key disagrees with the id in its value it would have
// been routed by the wrong id, so it is dead-lettered (KEY_MISMATCH) and
// false is returned. An empty key is taken to be the value's id.
bool KeyMatches(const RecordSource& source, std::string_view id,
                std::string_view id_field, EpochMillis now, Emitter& out);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_DEAD_LETTER_H_
