#include "bench/e2e/written.h"

#include <algorithm>
#include <filesystem>

namespace orderflow::bench {

Written WrittenTo(const std::string& bootstrap, const std::string& prefix,
                  const std::vector<std::string>& inputs,
                  const std::vector<std::string>& public_outputs,
                  const std::string& log_dirs) {
  std::string error;
  std::unique_ptr<RdKafka::Producer> client(
      RdKafka::Producer::create(KafkaConf(bootstrap, {}).get(), error));
  RdKafka::Metadata* raw = nullptr;
  Written w;
  if (client->metadata(true, nullptr, &raw, 10000) != RdKafka::ERR_NO_ERROR) return w;
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (!log_dirs.empty()) w.bytes = 0;
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    const std::string& name = t->topic();
    // "<prefix>.<name>.v1" (orderflow, the passthrough) and
    // "<prefix>-<store>-changelog" (Kafka Streams, application id = prefix).
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        (name[prefix.size()] != '.' && name[prefix.size()] != '-') ||
        std::find(inputs.begin(), inputs.end(), name) != inputs.end()) {
      continue;
    }
    const bool is_public =
        std::find(public_outputs.begin(), public_outputs.end(), name) != public_outputs.end();
    for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
      int64_t low = 0, high = 0;
      if (client->query_watermark_offsets(name, p->id(), &low, &high, 10000) ==
          RdKafka::ERR_NO_ERROR) {
        w.offsets += high;
        if (is_public) w.public_offsets += high;
      }
      if (log_dirs.empty()) continue;
      const std::filesystem::path dir =
          std::filesystem::path(log_dirs) / (name + "-" + std::to_string(p->id()));
      std::error_code ec;
      for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (f.path().extension() == ".log") w.bytes += static_cast<int64_t>(f.file_size(ec));
      }
    }
  }
  return w;
}

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]);
}

}  // namespace orderflow::bench
