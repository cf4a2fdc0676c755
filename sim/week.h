// Simulated time: the week the simulators play, its daily rhythm, and a
// clock that runs it faster than the wall clock.
//
//   SimClock clock{kSimulatedMonday, kSimulatedMonday + Days(7), 10080};
//   erp.Step(clock.Now());   // a week in an hour of wall-clock time
#ifndef ORDERFLOW_SIM_WEEK_H_
#define ORDERFLOW_SIM_WEEK_H_

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/time.h"

namespace orderflow {

// Where simulated weeks start unless told otherwise: Monday 2026-03-02
// 00:00 UTC (ISO week 2026-W10).
inline constexpr EpochMillis kSimulatedMonday = 1772409600000;

// Simulated time: `speed` simulated milliseconds pass per wall millisecond,
// from `start`, never beyond `end`.
struct SimClock {
  EpochMillis start;
  EpochMillis end;
  double speed;
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  EpochMillis Now() const {
    const double wall_ms = std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - wall_start)
                               .count();
    return std::min(end, start + static_cast<EpochMillis>(wall_ms * speed));
  }
};

// A web shop's day: orders per hour at `t` of a day that began at `start`
// (or a whole number of days after it), `orders_per_day` on average over
// the day: nights at about 20 %, the afternoon peak at about 180 %.
inline double OrdersPerHour(double orders_per_day, EpochMillis start, EpochMillis t) {
  const double hour = static_cast<double>((t - start) % Days(1)) / Hours(1);
  const double rhythm = 0.2 + 1.6 * std::max(0.0, std::sin((hour - 7) / 15 * M_PI));
  return orders_per_day / 24.0 * rhythm / 0.95;
}

// The time from an order placed at `t` to the next: exponential at the
// day's rate at `t` (at least 0.05 orders an hour), `uniform` in [0, 1)
// the draw, and never less than a second.
inline Millis NextOrderGap(double orders_per_day, EpochMillis start, EpochMillis t,
                           double uniform) {
  const double rate = std::max(0.05, OrdersPerHour(orders_per_day, start, t));
  return std::max<Millis>(1000, static_cast<Millis>(-std::log(1 - uniform) / rate * Hours(1)));
}

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_WEEK_H_
