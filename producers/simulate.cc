#include "producers/simulate.h"

#include "replay/replay_line.h"

namespace orderflow {

int64_t SimulateErp(const ErpOptions& options, int days, std::ostream& out) {
  int64_t records = 0;
  ErpSimulator erp(options, [&](Topic topic, const std::string& key,
                                const google::protobuf::Message& value,
                                EpochMillis at) {
    out << EnvelopeLine(ShortName(topic), key, at, value) << "\n";
    ++records;
  });
  erp.Step(options.start + Days(days));
  return records;
}

}  // namespace orderflow
