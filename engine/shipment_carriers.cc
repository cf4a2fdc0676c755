#include "engine/shipment_carriers.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/hash/hash.h"

namespace orderflow {

namespace {

// A length in 7-bit groups, low first; the high bit says another follows.
void PutLength(std::string& out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

const char* GetLength(const char* p, size_t& n) {
  n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    n |= static_cast<size_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return p;
  }
}

template <typename T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T Get(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

}  // namespace

ShipmentCarriers::ShipmentCarriers() { Intern(""); }

size_t ShipmentCarriers::BySlotHash::operator()(Slot slot) const {
  return absl::Hash<Slot>{}(slot);
}

ShipmentCarriers::Slot ShipmentCarriers::SlotOf(const char* block) {
  return Get<Slot>(block);
}

uint32_t ShipmentCarriers::SizeOf(const char* block) {
  return Get<uint32_t>(block + sizeof(Slot));
}

const char* ShipmentCarriers::Read(const char* p, Carried& c) const {
  c.occurred_at = Get<int64_t>(p);
  c.carrier = names_[Get<uint32_t>(p + 8)];
  size_t id_size, tracking_size;
  p = GetLength(p + 12, id_size);
  p = GetLength(p, tracking_size);
  c.shipment_id = std::string_view(p, id_size);
  c.tracking_number = std::string_view(p + id_size, tracking_size);
  return p + id_size + tracking_size;
}

uint32_t ShipmentCarriers::Intern(std::string_view carrier) {
  auto it = numbers_.find(carrier);
  if (it != numbers_.end()) return it->second;
  const auto number = static_cast<uint32_t>(names_.size());
  names_.emplace_back(carrier);
  numbers_.emplace(carrier, number);
  return number;
}

bool ShipmentCarriers::Note(Slot slot, const Carried& shipment) {
  if (shipment.carrier.empty() && shipment.tracking_number.empty()) return false;
  bool known = false;
  ForEach(slot, [&](const Carried& c) {
    known = known || c.shipment_id == shipment.shipment_id;
  });
  if (known) return false;

  std::string entry;
  Put<int64_t>(entry, shipment.occurred_at);
  Put<uint32_t>(entry, Intern(shipment.carrier));
  PutLength(entry, shipment.shipment_id.size());
  PutLength(entry, shipment.tracking_number.size());
  entry.append(shipment.shipment_id);
  entry.append(shipment.tracking_number);

  auto it = orders_.find(slot);
  const uint32_t before = it == orders_.end() ? kHeaderBytes : SizeOf(it->get());
  const auto size = static_cast<uint32_t>(before + entry.size());
  Block grown(new char[size]);
  if (it != orders_.end()) {
    std::memcpy(grown.get(), it->get(), before);
    orders_.erase(it);
  }
  std::memcpy(grown.get(), &slot, sizeof slot);
  std::memcpy(grown.get() + sizeof slot, &size, sizeof size);
  std::memcpy(grown.get() + before, entry.data(), entry.size());
  orders_.insert(std::move(grown));
  return true;
}

void ShipmentCarriers::Forget(Slot slot) {
  auto it = orders_.find(slot);
  if (it != orders_.end()) orders_.erase(it);
}

}  // namespace orderflow
