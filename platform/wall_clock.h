// The wall clock, in the engine's unit. The engine itself never reads it
// (engine/ is deterministic and is handed its time); the processes around
// it do: to stamp what they write to Kafka, to judge how old the last
// commit is, and to keep simulated days out of the future.
#ifndef ORDERFLOW_PLATFORM_WALL_CLOCK_H_
#define ORDERFLOW_PLATFORM_WALL_CLOCK_H_

#include <chrono>

#include "engine/time.h"

namespace orderflow {

// Milliseconds since the Unix epoch, now.
inline EpochMillis WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace orderflow

#endif  // ORDERFLOW_PLATFORM_WALL_CLOCK_H_
