#include "commands/stop_watchdog.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// What the watchdog reported, instead of ending the test's process.
struct Reported {
  std::mutex mu;
  std::string message;
  int calls = 0;
  StopWatchdog::Overdue Sink() {
    return [this](const std::string& m) {
      std::lock_guard<std::mutex> lock(mu);
      message = m;
      ++calls;
    };
  }
  int Calls() {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  }
};

TEST(StopWatchdogTest, AStopThatTakesTooLongIsEndedWithWhatItWasDoing) {
  std::atomic<bool> stop{false};
  std::ostringstream log;
  Reported reported;
  {
    StopWatchdog watchdog(stop, 300ms, [] { return std::string("closing a consumer"); },
                          log, reported.Sink());
    stop = true;
    std::this_thread::sleep_for(1000ms);  // a stop that hangs
    EXPECT_EQ(reported.Calls(), 1);
  }
  EXPECT_THAT(reported.message,
              HasSubstr("still stopping 300 ms after the stop was asked for, "
                        "while closing a consumer"));
  EXPECT_THAT(reported.message, HasSubstr("status 3"));
}

TEST(StopWatchdogTest, AStopThatEndsInTimeIsNotReported) {
  std::atomic<bool> stop{false};
  std::ostringstream log;
  Reported reported;
  {
    StopWatchdog watchdog(stop, 2000ms, [] { return std::string("x"); }, log,
                          reported.Sink());
    stop = true;
    std::this_thread::sleep_for(200ms);
  }  // Run returned: disarmed, at once (not after 2 s)
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(reported.Calls(), 0);
}

TEST(StopWatchdogTest, NoStopAskedForIsNeverReported) {
  std::atomic<bool> stop{false};
  std::ostringstream log;
  Reported reported;
  const auto started = std::chrono::steady_clock::now();
  {
    StopWatchdog watchdog(stop, 100ms, [] { return std::string("x"); }, log,
                          reported.Sink());
    std::this_thread::sleep_for(500ms);  // running, longer than the bound
  }
  EXPECT_EQ(reported.Calls(), 0);
  // Disarming does not wait for the bound either.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2000ms);
}

TEST(StopWatchdogTest, ZeroMeansNoBound) {
  std::atomic<bool> stop{true};
  std::ostringstream log;
  Reported reported;
  {
    StopWatchdog watchdog(stop, 0ms, [] { return std::string("x"); }, log,
                          reported.Sink());
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(reported.Calls(), 0);
}

// The default ends the process with status 3 and the line in the log.
TEST(StopWatchdogDeathTest, TheDefaultEndsTheProcessWithStatus3) {
  EXPECT_EXIT(
      {
        std::atomic<bool> stop{true};
        StopWatchdog watchdog(stop, 100ms,
                              [] { return std::string("committing the last transaction"); },
                              std::cerr);
        std::this_thread::sleep_for(5000ms);
      },
      ::testing::ExitedWithCode(3),
      "still stopping 100 ms after the stop was asked for, while committing "
      "the last transaction");
}

}  // namespace
}  // namespace orderflow
