// Fuzzes one replay line (replay/replay_line.h): whatever the bytes, the
// parser returns a line or a reason, and a record it accepts survives the
// trip through the envelope it writes (EnvelopeLine parses back to the
// same topic, key, time and message).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "replay/replay_line.h"

namespace {

void Fail(std::string_view what, std::string_view line) {
  std::cerr << "replay line: " << what << "\n  line: " << line << "\n";
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orderflow;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  LineError error;
  std::optional<ReplayLine> parsed = ParseReplayLine(line, &error);
  if (!parsed) {
    if (error.reason.empty()) Fail("refused without a reason", line);
    return 0;
  }
  if (parsed->kind == ReplayLine::Kind::kClock) {
    if (!parsed->time) Fail("a clock line without its time", line);
    return 0;
  }
  const google::protobuf::Message& value = parsed->record.message();
  std::string bytes;
  if (!value.SerializeToString(&bytes)) Fail("value does not serialise", line);
  if (!parsed->time) return 0;  // EnvelopeLine always writes a time

  const std::string again = EnvelopeLine(ShortName(parsed->record.topic()),
                                         parsed->key, *parsed->time, value);
  LineError again_error;
  std::optional<ReplayLine> reparsed = ParseReplayLine(again, &again_error);
  if (!reparsed) {
    Fail("its envelope does not parse: " + again_error.reason + " " +
             again_error.detail + "\n  envelope: " + again,
         line);
  }
  if (reparsed->record.topic() != parsed->record.topic() ||
      reparsed->key != parsed->key || reparsed->time != parsed->time ||
      reparsed->record.message().SerializeAsString() != bytes) {
    Fail("its envelope parses differently\n  envelope: " + again, line);
  }
  return 0;
}
