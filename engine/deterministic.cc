#include "engine/deterministic.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace orderflow {

void AppendDeterministic(const google::protobuf::MessageLite& m, std::string& out) {
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();  // `out` ends where the message does
}

std::string Deterministic(const google::protobuf::MessageLite& m) {
  std::string out;
  AppendDeterministic(m, out);
  return out;
}

}  // namespace orderflow
