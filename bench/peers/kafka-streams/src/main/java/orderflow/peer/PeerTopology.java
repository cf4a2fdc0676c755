package orderflow.peer;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Two sub-topologies, as orderflow's two stages:
 *
 *   orders, cancellations, shipments, allocation-results
 *       -> order processor [orders, order-timers]
 *       -> order-status, delivery-tasks, escalations, dead-letter,
 *          allocation-requests (key SKU)
 *   inventory, allocation-requests
 *       -> inventory processor [stock, reservations]
 *       -> allocation-results (key order id), dead-letter
 *
 * The loop between them runs through two ordinary topics (a topology has
 * no cycles); every store is RocksDB with caching and a changelog.
 */
final class PeerTopology {
  static final String ORDER_STATUS = "order-status";
  static final String DELIVERY_TASKS = "delivery-tasks";
  static final String ESCALATIONS = "escalations";
  static final String ORDER_DEAD_LETTERS = "order-dead-letters";
  static final String STOCK_REQUESTS = "stock-requests";
  static final String STOCK_ANSWERS = "stock-answers";
  static final String INVENTORY_DEAD_LETTERS = "inventory-dead-letters";

  private PeerTopology() {}

  static Topology build(Topics t) {
    StringSerializer keys = new StringSerializer();
    ByteArraySerializer values = new ByteArraySerializer();
    Topology topology = new Topology();

    topology.addSource("order-inputs", new StringDeserializer(), new ByteArrayDeserializer(),
                       t.orders, t.cancellations, t.shipments, t.stockAnswers);
    topology.addProcessor("order-processor", () -> new OrderProcessor(t), "order-inputs");
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OrderProcessor.ORDERS), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled(), "order-processor");
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OrderProcessor.TIMERS), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled(), "order-processor");
    topology.addSink(ORDER_STATUS, t.orderStatus, keys, values, "order-processor");
    topology.addSink(DELIVERY_TASKS, t.deliveryTasks, keys, values, "order-processor");
    topology.addSink(ESCALATIONS, t.escalations, keys, values, "order-processor");
    topology.addSink(ORDER_DEAD_LETTERS, t.deadLetter, keys, values, "order-processor");
    topology.addSink(STOCK_REQUESTS, t.stockRequests, keys, values, "order-processor");

    topology.addSource("inventory-inputs", new StringDeserializer(), new ByteArrayDeserializer(),
                       t.inventory, t.stockRequests);
    topology.addProcessor("inventory-processor", () -> new InventoryProcessor(t),
                          "inventory-inputs");
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(InventoryProcessor.STOCK), Serdes.String(),
        Serdes.ByteArray()).withCachingEnabled(), "inventory-processor");
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(InventoryProcessor.RESERVATIONS), Serdes.String(),
        Serdes.Long()).withCachingEnabled(), "inventory-processor");
    topology.addSink(STOCK_ANSWERS, t.stockAnswers, keys, values, "inventory-processor");
    topology.addSink(INVENTORY_DEAD_LETTERS, t.deadLetter, keys, values, "inventory-processor");
    return topology;
  }
}
