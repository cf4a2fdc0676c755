#include "engine/shipment_carriers.h"

#include <cstring>
#include <string>
#include <utility>

namespace orderflow {

namespace {

// A length in 7-bit groups, low first; the high bit says another follows.
// Writes it at `p`; returns where the next byte goes.
char* PutLength(char* p, size_t n) {
  while (n >= 0x80) {
    *p++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  return p;
}

// How many bytes PutLength writes for `n`.
size_t LengthBytes(size_t n) {
  size_t bytes = 1;
  for (; n >= 0x80; n >>= 7) ++bytes;
  return bytes;
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
char* Put(char* p, T value) {
  std::memcpy(p, &value, sizeof value);
  return p + sizeof value;
}

template <typename T>
T Get(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

}  // namespace

ShipmentCarriers::ShipmentCarriers() { Intern(""); }

uint32_t ShipmentCarriers::SizeOf(const char* block) {
  return Get<uint32_t>(block);
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
  const char* const had = BlockOf(slot);
  uint32_t before = kHeaderBytes;
  if (had != nullptr) {
    before = SizeOf(had);
    bool known = false;
    ForEachIn(had, [&](const Carried& c) {
      known = c.shipment_id == shipment.shipment_id;
      return !known;
    });
    if (known) return false;
  }

  // The shipment goes at the end of a block one entry longer, written in
  // place: its time, its carrier's number, the two lengths, the two texts.
  const size_t entry = 8 + 4 + LengthBytes(shipment.shipment_id.size()) +
                       LengthBytes(shipment.tracking_number.size()) +
                       shipment.shipment_id.size() + shipment.tracking_number.size();
  const auto size = static_cast<uint32_t>(before + entry);
  Block grown(new char[size]);
  if (had != nullptr) std::memcpy(grown.get(), had, before);
  std::memcpy(grown.get(), &size, sizeof size);
  char* p = grown.get() + before;
  p = Put<int64_t>(p, shipment.occurred_at);
  p = Put<uint32_t>(p, Intern(shipment.carrier));
  p = PutLength(p, shipment.shipment_id.size());
  p = PutLength(p, shipment.tracking_number.size());
  std::memcpy(p, shipment.shipment_id.data(), shipment.shipment_id.size());
  p += shipment.shipment_id.size();
  std::memcpy(p, shipment.tracking_number.data(), shipment.tracking_number.size());
  if (slot >= by_slot_.size()) {
    by_slot_.resize((slot / kSlotsPerStep + 1) * kSlotsPerStep);
  }
  by_slot_[slot] = std::move(grown);
  return true;
}

}  // namespace orderflow
