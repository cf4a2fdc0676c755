#include "commands/stop_watchdog.h"

#include <unistd.h>

#include <utility>

namespace orderflow {
namespace {

// How often the stop flag (set by a signal handler, which cannot notify)
// is looked at.
constexpr std::chrono::milliseconds kLookEvery{100};

// "45 s", or "500 ms" when not whole seconds.
std::string Duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

}  // namespace

StopWatchdog::StopWatchdog(const std::atomic<bool>& stop,
                           std::chrono::milliseconds within,
                           std::function<std::string()> doing,
                           std::ostream& log, Overdue overdue)
    : stop_(stop),
      within_(within),
      doing_(std::move(doing)),
      log_(log),
      overdue_(std::move(overdue)) {
  if (within_.count() > 0) thread_ = std::thread([this] { Watch(); });
}

StopWatchdog::~StopWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  done_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StopWatchdog::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!done_ && !stop_.load()) done_changed_.wait_for(lock, kLookEvery);
  if (done_) return;
  if (done_changed_.wait_for(lock, within_, [this] { return done_; })) return;
  const std::string message =
      "run: still stopping " + Duration(within_) +
      " after the stop was asked for, while " + doing_() +
      "; ending now (status 3): what was not committed is processed again "
      "by whoever takes over";
  if (overdue_) {
    overdue_(message);
    return;
  }
  log_ << message << std::endl;
  _exit(3);
}

}  // namespace orderflow
