package orderflow.peer;

/** Topic names as orderflow writes them: "<prefix>.<name>.v1" (docs/contract.md, Topics). */
final class Topics {
  final String orders;
  final String cancellations;
  final String shipments;
  final String inventory;
  final String orderStatus;
  final String deliveryTasks;
  final String escalations;
  final String deadLetter;
  // The stage-to-stage topics, by the names orderflow gives its own (the
  // peer's messages on them are its own, peer.proto).
  final String stockRequests;
  final String stockAnswers;

  Topics(String prefix) {
    orders = name(prefix, "orders");
    cancellations = name(prefix, "cancellations");
    shipments = name(prefix, "shipments");
    inventory = name(prefix, "inventory");
    orderStatus = name(prefix, "order-status");
    deliveryTasks = name(prefix, "delivery-tasks");
    escalations = name(prefix, "escalations");
    deadLetter = name(prefix, "dead-letter");
    stockRequests = name(prefix, "allocation-requests");
    stockAnswers = name(prefix, "allocation-results");
  }

  private static String name(String prefix, String shortName) {
    return prefix + "." + shortName + ".v1";
  }
}
