// Writes seeds for fuzz_engine_apply from replay files: each file's records
// as the target reads them (fuzz_engine_apply.cc), in protobuf binary, with
// their times as steps. One seed per file, and one per eight records of it
// (with other shard counts), into the folder given.
//
//   engine_seeds OUT_DIR scenario.input.jsonl ...
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/time.h"
#include "replay/replay_line.h"

int main(int argc, char** argv) {
  using namespace orderflow;
  if (argc < 3) {
    std::cerr << "usage: engine_seeds OUT_DIR FILE.jsonl...\n";
    return 2;
  }
  constexpr EpochMillis kStart = 1'772'409'600'000;  // as the target
  for (int a = 2; a < argc; ++a) {
    std::ifstream in(argv[a]);
    std::vector<std::string> records;
    EpochMillis time = kStart;
    std::string text;
    while (std::getline(in, text)) {
      LineError error;
      std::optional<ReplayLine> line = ParseReplayLine(text, &error);
      if (!line) continue;
      const EpochMillis t = line->time.value_or(time);
      const bool clock = line->kind == ReplayLine::Kind::kClock;
      const Millis unit = clock ? Hours(6) : Minutes(30);
      const int64_t step =
          std::clamp<int64_t>((t - time + unit - 1) / unit, 0, 255);
      time += step * unit;
      std::string payload;
      if (!clock) line->record.message().SerializeToString(&payload);
      std::string seed;
      seed += static_cast<char>(clock ? 7 : static_cast<int>(line->record.topic()));
      seed += static_cast<char>(step);
      seed += static_cast<char>(payload.size() & 0xff);
      seed += static_cast<char>(payload.size() >> 8);
      seed += payload;
      records.push_back(seed);
    }
    std::string name = argv[a];
    name = name.substr(name.find_last_of('/') + 1);
    name = name.substr(0, name.find('.'));
    const std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream whole(path);
    whole << '\x05';  // 2 order shards, 2 inventory shards
    for (const std::string& r : records) whole << r;
    for (size_t k = 0; k < records.size(); k += 8) {
      std::ofstream part(path + "-" + std::to_string(k));
      part << static_cast<char>(k % 16);
      for (size_t j = k; j < std::min(records.size(), k + 8); ++j) {
        part << records[j];
      }
    }
  }
  return 0;
}
