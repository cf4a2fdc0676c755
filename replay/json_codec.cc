#include "replay/json_codec.h"

#include "absl/strings/escaping.h"
#include "engine/text.h"
#include "engine/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace orderflow {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// "SERVICE_LEVEL_" for ServiceLevel: the prefix its value names carry.
std::string EnumPrefix(const EnumDescriptor& e) {
  std::string prefix;
  const std::string& name = e.name();
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (i > 0 && c >= 'A' && c <= 'Z') prefix.push_back('_');
    prefix.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  prefix.push_back('_');
  return prefix;
}

void QualifyEnum(const EnumDescriptor& e, nlohmann::json& value) {
  if (!value.is_string()) return;
  const std::string& given = value.get_ref<const std::string&>();
  if (e.FindValueByName(given) != nullptr) return;
  std::string qualified = EnumPrefix(e) + given;
  if (e.FindValueByName(qualified) != nullptr) value = std::move(qualified);
}

// Rewrites bare enum suffixes in `object` (a message of type `type`) to
// full value names, recursively.
void QualifyEnums(const Descriptor& type, nlohmann::json& object) {
  if (!object.is_object()) return;
  for (auto& [name, value] : object.items()) {
    const FieldDescriptor* field = type.FindFieldByName(name);
    for (int i = 0; field == nullptr && i < type.field_count(); ++i) {
      if (type.field(i)->json_name() == name) field = type.field(i);
    }
    if (field == nullptr) continue;  // the parser names it
    auto fix = [field](nlohmann::json& v) {
      if (field->type() == FieldDescriptor::TYPE_ENUM) {
        QualifyEnum(*field->enum_type(), v);
      } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        QualifyEnums(*field->message_type(), v);
      }
    };
    if (field->is_repeated() && value.is_array()) {
      for (nlohmann::json& element : value) fix(element);
    } else {
      fix(value);
    }
  }
}

// True if the arrays and objects of `text` nest at most `max` deep. Only
// brackets outside strings count; whether the text is valid JSON is left
// to the parser.
bool NestsAtMost(std::string_view text, int max) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

std::optional<nlohmann::json> ParseJsonText(std::string_view text,
                                            std::string* why) {
  if (!NestsAtMost(text, kMaxJsonDepth)) {
    *why = Cat("nested deeper than ", kMaxJsonDepth,
               " levels of arrays and objects");
    return std::nullopt;
  }
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *why = "not valid JSON";
    return std::nullopt;
  }
  return j;
}

absl::Status DecodeJson(const nlohmann::json& value,
                        google::protobuf::Message* out) {
  out->Clear();
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        Cat("value must be a JSON object, got ", value.type_name()));
  }
  nlohmann::json qualified = value;
  QualifyEnums(*out->GetDescriptor(), qualified);
  const std::string text = qualified.dump();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(text, out, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        Cat(out->GetDescriptor()->name(), ": ",
            std::string_view(status.message().data(), status.message().size())));
  }
  return absl::OkStatus();
}

std::string JsonString(std::string_view bytes) {
  return nlohmann::json(ValidUtf8(bytes)).dump();
}

std::string JsonKeyFields(std::string_view key) {
  std::string out = Cat("\"key\":", JsonString(key));
  if (!IsValidUtf8(key)) {
    out += Cat(",\"keyBytes\":\"", absl::Base64Escape(absl::string_view(key.data(), key.size())), "\"");
  }
  return out;
}

std::string EncodeJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = false;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // What was printed before the failure is not valid JSON: say so in
    // JSON instead (a timestamp past year 9999 cannot be printed).
    return nlohmann::json{{"unprintable", JsonString(std::string_view(
                                              status.message().data(),
                                              status.message().size()))}}
        .dump();
  }
  return json;
}

}  // namespace orderflow
