// A Kafka client properties file, as Kafka's own tools take them
// (--command-config): one "key=value" a line; blank lines and lines
// starting with '#' or '!' are skipped; blanks around key and value are
// trimmed. `orderflow run --kafka-properties FILE` adds them to
// kafka.properties, so that credentials can live apart from the
// configuration file (a Kubernetes Secret, a file only the service user
// reads).
//
//   absl::StatusOr<std::map<std::string, std::string>> p =
//       ReadPropertiesFile("/etc/orderflow/kafka.properties");
#ifndef ORDERFLOW_CONFIG_PROPERTIES_FILE_H_
#define ORDERFLOW_CONFIG_PROPERTIES_FILE_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace orderflow {

// `file_name` is only used in error messages: a line without '=' or with
// an empty key is an error naming the file and the line (not its value,
// which may be a secret).
absl::StatusOr<std::map<std::string, std::string>> ParseProperties(
    std::string_view text, const std::string& file_name);
absl::StatusOr<std::map<std::string, std::string>> ReadPropertiesFile(
    const std::string& path);

}  // namespace orderflow

#endif  // ORDERFLOW_CONFIG_PROPERTIES_FILE_H_
