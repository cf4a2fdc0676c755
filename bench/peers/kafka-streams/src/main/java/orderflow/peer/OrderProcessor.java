package orderflow.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orderflow.peer.proto.HeldRecord;
import orderflow.peer.proto.LineDemand;
import orderflow.peer.proto.OrderRecord;
import orderflow.peer.proto.Rank;
import orderflow.peer.proto.StockAnswer;
import orderflow.peer.proto.StockRequest;
import orderflow.v1.Orderflow.CancellationRequested;
import orderflow.v1.Orderflow.EscalationKind;
import orderflow.v1.Orderflow.OrderLine;
import orderflow.v1.Orderflow.OrderPlaced;
import orderflow.v1.Orderflow.OrderStatus;
import orderflow.v1.Orderflow.ShipmentEvent;
import orderflow.v1.Orderflow.TaskAction;
import orderflow.peer.Deadlines.Rung;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The order side of rules 1-6, per order id: orders, cancellations and
 * shipments, and the inventory processor's answers. Store `orders` holds
 * each order (or what is held for one not yet seen); store `order-timers`
 * indexes the deadlines by due time ("<due, 13 digits>|<orderId>|<rung>"),
 * fired on stream time (event time, orderflow's `kafka.clock: event`).
 *
 * Rule 8: timers due at or before a record's time fire before the record is
 * applied, so they are fired from process() as well as from the stream-time
 * punctuator.
 */
final class OrderProcessor implements Processor<String, byte[], String, byte[]> {
  static final String ORDERS = "orders";
  static final String TIMERS = "order-timers";
  private static final String HELD_EXPIRY = "HX";

  private static final OrderStatus ACCEPTED = OrderStatus.ORDER_STATUS_ACCEPTED;
  private static final OrderStatus REJECTED = OrderStatus.ORDER_STATUS_REJECTED;
  private static final OrderStatus BACKORDERED = OrderStatus.ORDER_STATUS_BACKORDERED;
  private static final OrderStatus ALLOCATED = OrderStatus.ORDER_STATUS_ALLOCATED;
  private static final OrderStatus SHIPPED = OrderStatus.ORDER_STATUS_SHIPPED;
  private static final OrderStatus DELIVERED = OrderStatus.ORDER_STATUS_DELIVERED;
  private static final OrderStatus DELIVERY_FAILED = OrderStatus.ORDER_STATUS_DELIVERY_FAILED;
  private static final OrderStatus CANCELLED = OrderStatus.ORDER_STATUS_CANCELLED;

  private final Topics topics;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> orders;
  private KeyValueStore<String, byte[]> timers;
  private OrderOutputs out;
  // The largest input record time seen: the task's engine clock (rule 8),
  // kept in the orders store under the empty key (no order has it) so that
  // it survives a restart or a move to another instance.
  private long clock = Long.MIN_VALUE;
  private static final String CLOCK_KEY = "";

  OrderProcessor(Topics topics) {
    this.topics = topics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.orders = context.getStateStore(ORDERS);
    this.timers = context.getStateStore(TIMERS);
    this.out = new OrderOutputs(context);
    byte[] saved = orders.get(CLOCK_KEY);
    if (saved != null) clock = java.nio.ByteBuffer.wrap(saved).getLong();
    context.schedule(Duration.ofSeconds(1), PunctuationType.STREAM_TIME, this::fireDue);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().orElseThrow().topic();
    if (topic.equals(topics.stockAnswers)) {
      onAnswer(record);
      return;
    }
    // A late record is applied at the clock as it stands (rule 8).
    long now = Math.max(clock, record.timestamp());
    fireDue(now);
    if (now > clock) {
      clock = now;
      orders.put(CLOCK_KEY, java.nio.ByteBuffer.allocate(8).putLong(now).array());
    }
    if (topic.equals(topics.orders)) {
      onOrder(record, now);
    } else if (topic.equals(topics.cancellations)) {
      onCancellation(record, now);
    } else {
      onShipment(record, now);
    }
    fireDue(now);  // deadlines already past when the order became known
  }

  // ------------------------------------------------------------- rule 1

  private void onOrder(Record<String, byte[]> record, long now) {
    OrderPlaced placed;
    try {
      placed = OrderPlaced.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      deadLetter(record, "UNDECODABLE", "not an OrderPlaced: " + e.getMessage(), now);
      return;
    }
    String key = record.key() == null ? "" : record.key();
    String id = placed.getOrderId().isEmpty() ? key : placed.getOrderId();
    if (id.isEmpty()) {
      deadLetter(record, "MISSING_FIELD", "an order with neither orderId nor key", now);
      return;
    }
    if (!key.isEmpty() && !key.equals(id)) {
      deadLetter(record, "KEY_MISMATCH", "key " + key + " but orderId " + id, now);
      return;
    }
    OrderRecord.Builder o = load(id);
    byte[] content = placed.toByteArray();
    if (o.hasOrder()) {
      if (!java.util.Arrays.equals(o.getContent().toByteArray(), content)) {
        deadLetter(record, "DUPLICATE_ORDER", "order " + id + " is known with other content", now);
        out.raise(o, id, EscalationKind.ESCALATION_KIND_VALIDATION_FAILED, 1,
                  "Order " + id + " was sent again with different content; the first stands.",
                  now);
        save(id, o);
      }
      return;  // the same order again: a no-op
    }
    o.setOrder(placed).setContent(com.google.protobuf.ByteString.copyFrom(content))
        .setKnownAtMs(now);
    List<String> problems = Review.problems(placed);
    if (!problems.isEmpty()) {
      out.status(o, id, REJECTED, problems, now);
      out.raise(o, id, EscalationKind.ESCALATION_KIND_VALIDATION_FAILED, 1,
                "Order " + id + " was rejected: " + String.join(", ", problems) + ".", now);
      o.clearHeldCancellations();  // dropped without an output (rule 4)
      for (HeldRecord h : o.getHeldShipmentsList()) {
        deadLetterHeld(h, "ORDER_REJECTED", "order " + id + " was rejected", now);
      }
      o.clearHeldShipments();
      save(id, o);
      return;
    }
    o.setPromisedMs(Deadlines.promisedMs(placed)).setShipByMs(Deadlines.shipByMs(placed));
    out.status(o, id, ACCEPTED, List.of(), now);
    if (o.getHeldCancellationsCount() > 0) {
      o.clearHeldCancellations();
      out.status(o, id, CANCELLED, List.of("CANCEL_REQUESTED"), now);
    }
    List<HeldRecord> held = new ArrayList<>(o.getHeldShipmentsList());
    o.clearHeldShipments();
    for (HeldRecord h : held) {
      try {
        applyShipment(o, id, ShipmentEvent.parseFrom(h.getPayload()), now);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a held shipment was checked when it came", e);
      }
    }
    if (o.getStatus() == ACCEPTED) {
      reserve(o, id, now);
      schedule(o.getShipByMs() - Deadlines.AT_RISK_WINDOW, id, Rung.AT_RISK);
      schedule(o.getShipByMs(), id, Rung.SHIP_MISSED);
    }
    if (o.getStatus() != CANCELLED) {
      schedule(o.getPromisedMs(), id, Rung.DELIVERY_MISSED);
      schedule(o.getPromisedMs() + Deadlines.DELIVERY_LEVEL3_AFTER, id, Rung.DELIVERY_MISSED_3);
    }
    save(id, o);
  }

  // ------------------------------------------------------------- rules 2, 3

  /** Asks once per distinct SKU for all the order's units of it. */
  private void reserve(OrderRecord.Builder o, String id, long now) {
    Map<String, Long> demand = new LinkedHashMap<>();
    for (OrderLine l : o.getOrder().getLinesList()) demand.merge(l.getSku(), (long) l.getQuantity(), Long::sum);
    Rank rank = Rank.newBuilder().setServiceLevel(o.getOrder().getServiceLevel())
        .setShipByMs(o.getShipByMs()).setPlacedAtMs(Times.millis(o.getOrder().getPlacedAt())).build();
    for (Map.Entry<String, Long> d : demand.entrySet()) {
      o.addDemand(LineDemand.newBuilder().setSku(d.getKey()).setQuantity(d.getValue()));
      request(StockRequest.newBuilder().setAction(StockRequest.Action.RESERVE).setOrderId(id)
                  .setSku(d.getKey()).setQuantity(d.getValue()).setRank(rank).setAskedAtMs(now));
    }
  }

  private void onAnswer(Record<String, byte[]> record) {
    StockAnswer a;
    try {
      a = StockAnswer.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable stock answer", e);
    }
    String id = a.getOrderId();
    long at = a.getDecidedAtMs();
    fireDue(at);  // the order's timers due by the answer's time come first
    OrderRecord.Builder o = load(id);
    if (!o.hasOrder() || (o.getStatus() != ACCEPTED && o.getStatus() != BACKORDERED)) return;
    boolean allAnswered = true;
    boolean allReserved = true;
    for (int i = 0; i < o.getDemandCount(); i++) {
      LineDemand.Builder d = o.getDemandBuilder(i);
      if (d.getSku().equals(a.getSku())) {
        d.setAnswered(true);
        d.setReserved(a.getReserved() >= a.getRequested());
      }
      allAnswered &= d.getAnswered();
      allReserved &= d.getReserved();
    }
    if (!allAnswered) {
      save(id, o);
      return;
    }
    if (allReserved) {
      out.status(o, id, ALLOCATED, List.of(), at);
      out.task(o, TaskAction.TASK_ACTION_CREATE, at);
      o.setTaskCreated(true);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 1, at);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 2, at);
    } else if (o.getStatus() == ACCEPTED) {
      List<String> reasons = new ArrayList<>();
      for (LineDemand d : o.getDemandList()) {
        if (!d.getReserved()) reasons.add("SHORT_STOCK:" + d.getSku());
      }
      out.status(o, id, BACKORDERED, reasons, at);
      o.setBackorderedSinceMs(at);
      schedule(at + Deadlines.BACKORDER_AGED_1, id, Rung.BACKORDER_AGED_L1);
      schedule(at + Deadlines.BACKORDER_AGED_2, id, Rung.BACKORDER_AGED_L2);
    }
    save(id, o);
  }

  // ------------------------------------------------------------- rule 4

  private void onCancellation(Record<String, byte[]> record, long now) {
    CancellationRequested c;
    try {
      c = CancellationRequested.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      deadLetter(record, "UNDECODABLE", "not a CancellationRequested: " + e.getMessage(), now);
      return;
    }
    String id = checkedOrderId(record, c.getOrderId(), c.hasRequestedAt() ? null : "requestedAt", now);
    if (id == null) return;
    OrderRecord.Builder o = load(id);
    if (!o.hasOrder()) {
      if (o.getHeldCancellationsCount() == 0) {
        o.addHeldCancellations(held(record, now));
        schedule(now + Deadlines.EARLY_RECORD_RETENTION, id, HELD_EXPIRY);
      }
      save(id, o);
      return;
    }
    OrderStatus status = o.getStatus();
    if (status == ACCEPTED || status == BACKORDERED || status == ALLOCATED) {
      out.status(o, id, CANCELLED, List.of("CANCEL_REQUESTED"), now);
      for (LineDemand d : o.getDemandList()) {
        request(StockRequest.newBuilder().setAction(StockRequest.Action.RELEASE).setOrderId(id)
                    .setSku(d.getSku()).setAskedAtMs(now));
      }
      if (o.getTaskCreated()) out.task(o, TaskAction.TASK_ACTION_CANCEL, now);
      out.clearAll(o, id, now);
    } else if (status == SHIPPED || status == DELIVERED || status == DELIVERY_FAILED) {
      out.raise(o, id, EscalationKind.ESCALATION_KIND_CANCEL_AFTER_SHIPMENT, 2,
                "Order " + id + " was asked to be cancelled after it shipped.", now);
    }  // already cancelled or rejected: nothing
    save(id, o);
  }

  // ------------------------------------------------------------- rule 5

  private void onShipment(Record<String, byte[]> record, long now) {
    ShipmentEvent s;
    try {
      s = ShipmentEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      deadLetter(record, "UNDECODABLE", "not a ShipmentEvent: " + e.getMessage(), now);
      return;
    }
    String missing = s.getShipmentId().isEmpty() ? "shipmentId"
        : s.getStatusValue() == 0 ? "status" : !s.hasOccurredAt() ? "occurredAt" : null;
    String id = checkedOrderId(record, s.getOrderId(), missing, now);
    if (id == null) return;
    if (s.getStatusValue() < 1 || s.getStatusValue() > 5) {
      deadLetter(record, "INVALID_VALUE", "shipment status " + s.getStatusValue(), now);
      return;
    }
    OrderRecord.Builder o = load(id);
    String seen = s.getShipmentId() + "/" + s.getStatus().name();
    if (!o.hasOrder()) {
      for (HeldRecord h : o.getHeldShipmentsList()) {
        try {
          ShipmentEvent e = ShipmentEvent.parseFrom(h.getPayload());
          if ((e.getShipmentId() + "/" + e.getStatus().name()).equals(seen)) return;
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a held shipment was checked when it came", e);
        }
      }
      o.addHeldShipments(held(record, now));
      schedule(now + Deadlines.EARLY_RECORD_RETENTION, id, HELD_EXPIRY);
      save(id, o);
      return;
    }
    if (o.getStatus() == REJECTED) {
      deadLetter(record, "ORDER_REJECTED", "order " + id + " was rejected", now);
      return;
    }
    applyShipment(o, id, s, now);
    save(id, o);
  }

  private void applyShipment(OrderRecord.Builder o, String id, ShipmentEvent s, long now) {
    String seen = s.getShipmentId() + "/" + s.getStatus().name();
    if (o.getShipmentEventsList().contains(seen)) return;  // a duplicate
    o.addShipmentEvents(seen);
    switch (s.getStatus()) {
      case SHIPMENT_STATUS_PICKED: case SHIPMENT_STATUS_PACKED:
        return;  // recorded, no status
      default:
        break;
    }
    if (o.getStatus() == CANCELLED) {
      out.raise(o, id, EscalationKind.ESCALATION_KIND_CANCEL_AFTER_SHIPMENT, 2,
                "Order " + id + " shipped after it was cancelled.", now);
      return;
    }
    if (o.getStatus() == DELIVERED) return;  // terminal
    if (o.getStatus() == ACCEPTED || o.getStatus() == BACKORDERED || o.getStatus() == ALLOCATED) {
      out.status(o, id, SHIPPED, List.of(), now);
      consumeStock(o, id, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 1, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 2, now);
    }
    if (s.getStatus() == orderflow.v1.Orderflow.ShipmentStatus.SHIPMENT_STATUS_DELIVERED) {
      out.status(o, id, DELIVERED, List.of(), now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 2, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 3, now);
      out.clear(o, id, EscalationKind.ESCALATION_KIND_DELIVERY_FAILED, 2, now);
    } else if (s.getStatus() == orderflow.v1.Orderflow.ShipmentStatus.SHIPMENT_STATUS_DELIVERY_FAILED
               && o.getStatus() != DELIVERY_FAILED) {
      out.status(o, id, DELIVERY_FAILED, List.of(), now);
      out.raise(o, id, EscalationKind.ESCALATION_KIND_DELIVERY_FAILED, 2,
                "Delivery of order " + id + " failed (shipment " + s.getShipmentId() + ").", now);
    }
  }

  /** SHIPPED: the order's units leave the shelf, reserved or not. */
  private void consumeStock(OrderRecord.Builder o, String id, long now) {
    Map<String, Long> demand = new LinkedHashMap<>();
    for (OrderLine l : o.getOrder().getLinesList()) demand.merge(l.getSku(), (long) l.getQuantity(), Long::sum);
    for (Map.Entry<String, Long> d : demand.entrySet()) {
      request(StockRequest.newBuilder().setAction(StockRequest.Action.CONSUME).setOrderId(id)
                  .setSku(d.getKey()).setQuantity(d.getValue()).setAskedAtMs(now));
    }
  }

  // ------------------------------------------------------------- rule 6

  private void schedule(long due, String id, Rung rung) {
    schedule(due, id, rung.tag);
  }

  private void schedule(long due, String id, String tag) {
    timers.put(timerKey(due) + "|" + id + "|" + tag, new byte[0]);
  }

  private static String timerKey(long due) {
    return String.format("%013d", Math.max(0, due));
  }

  /** Fires every timer due at or before `now`, in due time then order id order. */
  private void fireDue(long now) {
    if (now == Long.MIN_VALUE) return;
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = timers.range(timerKey(0), timerKey(now) + "|~")) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        due.add(kv.key);
      }
    }
    for (String key : due) {
      timers.delete(key);
      int first = key.indexOf('|');
      int last = key.lastIndexOf('|');
      long at = Long.parseLong(key.substring(0, first));
      fire(key.substring(first + 1, last), key.substring(last + 1), at);
    }
  }

  private void fire(String id, String tag, long due) {
    OrderRecord.Builder o = load(id);
    if (tag.equals(HELD_EXPIRY)) {
      expireHeld(o, id, due);
      return;
    }
    if (!o.hasOrder()) return;
    Rung rung = Rung.byTag(tag);
    OrderStatus s = o.getStatus();
    boolean notShipped = s == ACCEPTED || s == BACKORDERED || s == ALLOCATED;
    boolean holds;
    switch (rung) {
      case AT_RISK: case SHIP_MISSED: holds = notShipped; break;
      case DELIVERY_MISSED: case DELIVERY_MISSED_3:
        holds = notShipped || s == SHIPPED || s == DELIVERY_FAILED;
        break;
      default:
        holds = s == BACKORDERED;
        break;
    }
    if (!holds) return;
    long at = Math.max(due, o.getKnownAtMs());  // never before the order was known
    out.raise(o, id, rung.kind, rung.level, deadlineMessage(o, id, rung), at);
    save(id, o);
  }

  private static String deadlineMessage(OrderRecord.Builder o, String id, Rung rung) {
    switch (rung) {
      case AT_RISK: return "Order " + id + " is not shipped 4h before its ship-by time "
                           + Times.rfc3339(o.getShipByMs()) + ".";
      case SHIP_MISSED: return "Order " + id + " missed its ship-by time "
                               + Times.rfc3339(o.getShipByMs()) + ".";
      case DELIVERY_MISSED: case DELIVERY_MISSED_3:
        return "Order " + id + " is not delivered by its promise "
               + Times.rfc3339(o.getPromisedMs()) + ".";
      default:
        return "Order " + id + " has been backordered since "
               + Times.rfc3339(o.getBackorderedSinceMs()) + ".";
    }
  }

  /** Held records whose retention ended go to dead-letter (rules 4 and 5). */
  private void expireHeld(OrderRecord.Builder o, String id, long now) {
    if (o.hasOrder()) return;
    List<HeldRecord> keep = new ArrayList<>();
    for (HeldRecord h : o.getHeldCancellationsList()) {
      if (h.getExpiresMs() <= now) {
        deadLetterHeld(h, "UNMATCHED_CANCELLATION", "no order " + id + " arrived", now);
      } else {
        keep.add(h);
      }
    }
    o.clearHeldCancellations().addAllHeldCancellations(keep);
    keep = new ArrayList<>();
    for (HeldRecord h : o.getHeldShipmentsList()) {
      if (h.getExpiresMs() <= now) {
        deadLetterHeld(h, "UNMATCHED_SHIPMENT", "no order " + id + " arrived", now);
      } else {
        keep.add(h);
      }
    }
    o.clearHeldShipments().addAllHeldShipments(keep);
    if (o.getHeldCancellationsCount() == 0 && o.getHeldShipmentsCount() == 0) {
      orders.delete(id);
    } else {
      save(id, o);
    }
  }

  // ------------------------------------------------------------- plumbing

  /** The order id of a cancellation or shipment, or null when it went to dead-letter. */
  private String checkedOrderId(Record<String, byte[]> record, String orderId, String missing,
                                long now) {
    String key = record.key() == null ? "" : record.key();
    if (orderId.isEmpty()) missing = "orderId";
    if (missing != null) {
      deadLetter(record, "MISSING_FIELD", "no " + missing, now);
      return null;
    }
    if (!key.isEmpty() && !key.equals(orderId)) {
      deadLetter(record, "KEY_MISMATCH", "key " + key + " but orderId " + orderId, now);
      return null;
    }
    return orderId;
  }

  private HeldRecord held(Record<String, byte[]> record, long now) {
    var m = context.recordMetadata().orElseThrow();
    return HeldRecord.newBuilder().setSourceTopic(m.topic()).setPartition(m.partition())
        .setOffset(m.offset()).setKey(record.key() == null ? "" : record.key())
        .setPayload(com.google.protobuf.ByteString.copyFrom(record.value()))
        .setArrivedMs(now).setExpiresMs(now + Deadlines.EARLY_RECORD_RETENTION).build();
  }

  private void request(StockRequest.Builder r) {
    StockRequest built = r.build();
    context.forward(new Record<>(built.getSku(), built.toByteArray(), built.getAskedAtMs()),
                    PeerTopology.STOCK_REQUESTS);
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String detail, long now) {
    byte[] v = DeadLetters.of(context, record, reason, detail, now).toByteArray();
    context.forward(new Record<>(record.key(), v, now), PeerTopology.ORDER_DEAD_LETTERS);
  }

  private void deadLetterHeld(HeldRecord h, String reason, String detail, long now) {
    byte[] v = DeadLetters.build(h.getSourceTopic(), h.getPartition(), h.getOffset(), h.getKey(),
                                 h.getPayload().toByteArray(), reason, detail, now).toByteArray();
    context.forward(new Record<>(h.getKey(), v, now), PeerTopology.ORDER_DEAD_LETTERS);
  }

  private OrderRecord.Builder load(String id) {
    byte[] v = orders.get(id);
    try {
      return v == null ? OrderRecord.newBuilder() : OrderRecord.parseFrom(v).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("orders store holds an undecodable value", e);
    }
  }

  private void save(String id, OrderRecord.Builder o) {
    orders.put(id, o.build().toByteArray());
  }
}
