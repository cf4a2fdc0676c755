// Dead letters: a record the engine cannot use is kept, with why.
#ifndef ORDERFLOW_ENGINE_DEAD_LETTER_H_
#define ORDERFLOW_ENGINE_DEAD_LETTER_H_

#include <string_view>

#include "engine/emitter.h"
#include "engine/record.h"

namespace orderflow {

// Emits the dead letter for `source` with a machine `reason` and a `detail`
// for a person, given up on at engine time `now`.
void DeadLetter(const RecordSource& source, std::string_view reason,
                std::string_view detail, EpochMillis now, Emitter& out);

// When a record's key disagrees with the id in its value it would have
// been routed by the wrong id, so it is dead-lettered (KEY_MISMATCH) and
// false is returned. An empty key is taken to be the value's id.
bool KeyMatches(const RecordSource& source, std::string_view id,
                std::string_view id_field, EpochMillis now, Emitter& out);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_DEAD_LETTER_H_
