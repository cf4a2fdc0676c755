// A bound on how long a stop may take.
//
// After SIGTERM, `orderflow run` commits what is in flight and leaves its
// groups; each step asks the broker, and a broker that is gone or
// restarting can keep a client call from returning for minutes. A
// supervisor then kills the process when its grace period ends, and
// nobody learns which step hung. The watchdog ends the process itself,
// `within` after the stop was asked for, with one line saying what the
// process was doing, and exit status 3. Nothing is lost by that: what was
// not committed is processed again by whoever takes the partitions over
// (exactly once holds through any kill).
//
//   StopWatchdog watchdog(stop_requested, config.kafka.stop_within,
//                         [&] { return std::string(host->Doing()); });
//   host->Run(stop_requested);   // returns: the watchdog is disarmed
//                                // when it is destroyed
#ifndef ORDERFLOW_COMMANDS_STOP_WATCHDOG_H_
#define ORDERFLOW_COMMANDS_STOP_WATCHDOG_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace orderflow {

class StopWatchdog {
 public:
  // What the watchdog does when the stop is overdue; the default writes
  // `message` to the log and ends the process with status 3 (_exit: no
  // destructor runs, none may block).
  using Overdue = std::function<void(const std::string& message)>;

  // Watches `stop` (which must outlive the watchdog); `within` <= 0: no
  // bound. `doing` says what the process is doing (called from the
  // watchdog's thread).
  StopWatchdog(const std::atomic<bool>& stop, std::chrono::milliseconds within,
               std::function<std::string()> doing, std::ostream& log,
               Overdue overdue = nullptr);
  // Disarms it: the stop ended in time.
  ~StopWatchdog();

  StopWatchdog(const StopWatchdog&) = delete;
  StopWatchdog& operator=(const StopWatchdog&) = delete;

 private:
  void Watch();

  const std::atomic<bool>& stop_;
  const std::chrono::milliseconds within_;
  const std::function<std::string()> doing_;
  std::ostream& log_;
  const Overdue overdue_;
  std::mutex mu_;
  std::condition_variable done_changed_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_COMMANDS_STOP_WATCHDOG_H_
