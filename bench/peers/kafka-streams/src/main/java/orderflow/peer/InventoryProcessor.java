package orderflow.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import orderflow.peer.proto.Backorder;
import orderflow.peer.proto.Rank;
import orderflow.peer.proto.Stock;
import orderflow.peer.proto.StockAnswer;
import orderflow.peer.proto.StockRequest;
import orderflow.v1.Orderflow.InventoryEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inventory side of rules 2, 3, 4 and 5, per SKU: stock counts from
 * `inventory`, and the order processor's requests (repartitioned by SKU on
 * `allocation-requests`) to reserve, release or consume units. Answers go
 * back on `allocation-results`, keyed by order id.
 *
 * Store `stock` holds per SKU on-hand, reserved and the backorder queue in
 * rule 3's order; store `reservations` holds what each order has reserved of
 * each SKU (key "sku|orderId"), so that a release needs no amount.
 */
final class InventoryProcessor implements Processor<String, byte[], String, byte[]> {
  static final String STOCK = "stock";
  static final String RESERVATIONS = "reservations";

  /** Rule 3: OVERNIGHT before EXPRESS before STANDARD, then shipBy, placedAt, id. */
  static final Comparator<Backorder> PRIORITY =
      Comparator.<Backorder>comparingInt(b -> -b.getRank().getServiceLevelValue())
          .thenComparingLong(b -> b.getRank().getShipByMs())
          .thenComparingLong(b -> b.getRank().getPlacedAtMs())
          .thenComparing(Backorder::getOrderId);

  private final Topics topics;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> stock;
  private KeyValueStore<String, Long> reservations;
  // The largest inventory event time seen (requests do not move it), kept
  // in the stock store under the empty key (no SKU has it) across restarts.
  private long clock = Long.MIN_VALUE;
  private static final String CLOCK_KEY = "";

  InventoryProcessor(Topics topics) {
    this.topics = topics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.stock = context.getStateStore(STOCK);
    this.reservations = context.getStateStore(RESERVATIONS);
    byte[] saved = stock.get(CLOCK_KEY);
    if (saved != null) clock = java.nio.ByteBuffer.wrap(saved).getLong();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().orElseThrow().topic();
    if (topic.equals(topics.stockRequests)) {
      onRequest(record);
    } else {
      if (record.timestamp() > clock) {
        clock = record.timestamp();
        stock.put(CLOCK_KEY, java.nio.ByteBuffer.allocate(8).putLong(clock).array());
      }
      onInventory(record);
    }
  }

  private void onInventory(Record<String, byte[]> record) {
    InventoryEvent e;
    try {
      e = InventoryEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException ex) {
      deadLetter(record, "UNDECODABLE", "not an InventoryEvent: " + ex.getMessage());
      return;
    }
    String missing = e.getSku().isEmpty() ? "sku"
        : e.getKindValue() == 0 ? "kind" : !e.hasOccurredAt() ? "occurredAt" : null;
    if (missing != null) {
      deadLetter(record, "MISSING_FIELD", "inventory event without " + missing);
      return;
    }
    String key = record.key() == null || record.key().isEmpty() ? e.getSku() : record.key();
    if (!key.equals(e.getSku())) {
      deadLetter(record, "KEY_MISMATCH", "key " + key + " but sku " + e.getSku());
      return;
    }
    Stock.Builder s = load(key);
    long before = s.getOnHand();
    long after;
    switch (e.getKind()) {
      case INVENTORY_KIND_RECEIPT:
        if (e.getQuantity() <= 0) {
          deadLetter(record, "INVALID_VALUE", "a RECEIPT of " + e.getQuantity());
          return;
        }
        after = before + e.getQuantity();
        break;
      case INVENTORY_KIND_ADJUSTMENT:
        after = before + e.getQuantity();
        break;
      case INVENTORY_KIND_SNAPSHOT:
        if (e.getQuantity() < 0) {
          deadLetter(record, "INVALID_VALUE", "a SNAPSHOT of " + e.getQuantity());
          return;
        }
        after = e.getQuantity();
        break;
      default:
        deadLetter(record, "INVALID_VALUE", "inventory kind " + e.getKindValue());
        return;
    }
    s.setOnHand(after);
    if (after > before) serveBackorders(key, s, clock);
    stock.put(key, s.build().toByteArray());
  }

  private void onRequest(Record<String, byte[]> record) {
    StockRequest r;
    try {
      r = StockRequest.parseFrom(record.value());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("undecodable stock request", ex);
    }
    Stock.Builder s = load(r.getSku());
    String hold = r.getSku() + "|" + r.getOrderId();
    long held = held(hold);
    switch (r.getAction()) {
      case RESERVE: {
        long take = Math.min(available(s), r.getQuantity());
        s.setReserved(s.getReserved() + take);
        if (take > 0) reservations.put(hold, take);
        if (take < r.getQuantity()) {
          enqueue(s, Backorder.newBuilder().setOrderId(r.getOrderId()).setRank(r.getRank())
                         .setNeeded(r.getQuantity()).build());
        }
        answer(r.getOrderId(), r.getSku(), r.getQuantity(), take, true, r.getAskedAtMs());
        break;
      }
      case RELEASE:
        dequeue(s, r.getOrderId());
        s.setReserved(s.getReserved() - held);
        reservations.delete(hold);
        if (held > 0) serveBackorders(r.getSku(), s, r.getAskedAtMs());
        break;
      case CONSUME:
        dequeue(s, r.getOrderId());
        s.setReserved(s.getReserved() - held);
        s.setOnHand(s.getOnHand() - r.getQuantity());
        reservations.delete(hold);
        break;
      default:
        throw new IllegalStateException("stock request without an action");
    }
    stock.put(r.getSku(), s.build().toByteArray());
  }

  /** Rule 3: the first in line takes what it still needs; only when complete is the next served. */
  private void serveBackorders(String sku, Stock.Builder s, long at) {
    List<Backorder> queue = new ArrayList<>(s.getBackordersList());
    int served = 0;
    for (Backorder b : queue) {
      long avail = available(s);
      if (avail <= 0) break;
      String hold = sku + "|" + b.getOrderId();
      long held = held(hold);
      long take = Math.min(avail, b.getNeeded() - held);
      s.setReserved(s.getReserved() + take);
      reservations.put(hold, held + take);
      if (held + take < b.getNeeded()) break;
      served++;
      answer(b.getOrderId(), sku, b.getNeeded(), b.getNeeded(), false, at);
    }
    if (served > 0) {
      s.clearBackorders().addAllBackorders(queue.subList(served, queue.size()));
    }
  }

  private static long available(Stock.Builder s) {
    return Math.max(0, s.getOnHand() - s.getReserved());
  }

  private static void enqueue(Stock.Builder s, Backorder b) {
    List<Backorder> queue = new ArrayList<>(s.getBackordersList());
    queue.add(b);
    queue.sort(PRIORITY);
    s.clearBackorders().addAllBackorders(queue);
  }

  private static void dequeue(Stock.Builder s, String orderId) {
    for (int i = 0; i < s.getBackordersCount(); i++) {
      if (s.getBackorders(i).getOrderId().equals(orderId)) {
        s.removeBackorders(i);
        return;
      }
    }
  }

  private long held(String hold) {
    Long v = reservations.get(hold);
    return v == null ? 0 : v;
  }

  private Stock.Builder load(String sku) {
    byte[] v = stock.get(sku);
    try {
      return v == null ? Stock.newBuilder() : Stock.parseFrom(v).toBuilder();
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("stock store holds an undecodable value", ex);
    }
  }

  private void answer(String orderId, String sku, long requested, long reserved, boolean first,
                      long at) {
    StockAnswer a = StockAnswer.newBuilder().setOrderId(orderId).setSku(sku)
        .setRequested(requested).setReserved(reserved).setFirstAnswer(first)
        .setDecidedAtMs(at).build();
    context.forward(new Record<>(orderId, a.toByteArray(), at), PeerTopology.STOCK_ANSWERS);
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String detail) {
    long at = Math.max(clock, record.timestamp());
    byte[] v = DeadLetters.of(context, record, reason, detail, at).toByteArray();
    context.forward(new Record<>(record.key(), v, at), PeerTopology.INVENTORY_DEAD_LETTERS);
  }
}
