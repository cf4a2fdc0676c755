#include "engine/stage_messages.h"

namespace orderflow {

StockRequest FromProto(const internal::v1::AllocationRequest& m) {
  StockRequest r{m.action(),
                 m.order_id(),
                 m.sku(),
                 m.quantity(),
                 m.rank().service_level(),
                 m.rank().ship_by_ms(),
                 m.rank().placed_at_ms(),
                 std::nullopt,
                 std::nullopt,
                 m.warehouse_id(),
                 m.country(),
                 0,
                 v1::SERVICE_LEVEL_UNSPECIFIED,
                 0,
                 m.preempted_by(),
                 std::nullopt};
  if (m.has_asked_at_ms()) r.asked_at = m.asked_at_ms();
  if (m.has_line()) r.line = m.line();
  if (m.action() == internal::v1::AllocationRequest::ACTION_RESIZE) {
    r.previous_quantity = m.previous_quantity();
    r.previous_service_level = m.previous_rank().service_level();
    r.previous_ship_by = m.previous_rank().ship_by_ms();
  }
  if (m.has_preempted_by_line()) r.preempted_by_line = m.preempted_by_line();
  return r;
}

StockAnswer FromProto(const internal::v1::AllocationResult& m) {
  StockAnswer a{m.order_id(),     m.sku(),          m.requested(),
                m.reserved(),     m.first_answer(), std::nullopt,
                std::nullopt,     m.warehouse_id(), m.preempted_by(),
                std::nullopt,     m.taken_back_by()};
  if (m.has_decided_at_ms()) a.decided_at = m.decided_at_ms();
  if (m.has_line()) a.line = m.line();
  if (m.has_preempted_by_line()) a.preempted_by_line = m.preempted_by_line();
  return a;
}

void ToProto(const StockRequest& r, internal::v1::AllocationRequest* m) {
  m->set_action(r.action);
  m->set_order_id(r.order_id);
  m->set_sku(r.sku);
  m->set_quantity(r.quantity);
  internal::v1::BackorderRank* rank = m->mutable_rank();
  rank->set_service_level(r.service_level);
  rank->set_ship_by_ms(r.ship_by);
  rank->set_placed_at_ms(r.placed_at);
  if (r.asked_at) m->set_asked_at_ms(*r.asked_at);
  if (r.line) {
    m->set_line(*r.line);
  } else {
    m->clear_line();
  }
  m->set_warehouse_id(r.warehouse_id);
  m->set_country(r.country);
  if (r.action == internal::v1::AllocationRequest::ACTION_RESIZE) {
    m->set_previous_quantity(r.previous_quantity);
    internal::v1::BackorderRank* previous = m->mutable_previous_rank();
    previous->set_service_level(r.previous_service_level);
    previous->set_ship_by_ms(r.previous_ship_by);
    previous->set_placed_at_ms(r.placed_at);
  } else {
    m->clear_previous_quantity();
    m->clear_previous_rank();
  }
  m->set_preempted_by(r.preempted_by);
  if (r.preempted_by_line) {
    m->set_preempted_by_line(*r.preempted_by_line);
  } else {
    m->clear_preempted_by_line();
  }
}

void ToProto(const StockAnswer& a, internal::v1::AllocationResult* m) {
  m->set_order_id(a.order_id);
  m->set_sku(a.sku);
  m->set_requested(a.requested);
  m->set_reserved(a.reserved);
  m->set_first_answer(a.first_answer);
  if (a.decided_at) m->set_decided_at_ms(*a.decided_at);
  if (a.line) {
    m->set_line(*a.line);
  } else {
    m->clear_line();
  }
  m->set_warehouse_id(a.warehouse_id);
  m->set_preempted_by(a.preempted_by);
  if (a.preempted_by_line) {
    m->set_preempted_by_line(*a.preempted_by_line);
  } else {
    m->clear_preempted_by_line();
  }
  m->set_taken_back_by(a.taken_back_by);
}

}  // namespace orderflow
