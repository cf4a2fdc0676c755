package orderflow.peer;

import java.util.List;
import orderflow.peer.proto.OrderRecord;
import orderflow.v1.Orderflow.DeliveryTask;
import orderflow.v1.Orderflow.Escalation;
import orderflow.v1.Orderflow.EscalationKind;
import orderflow.v1.Orderflow.EscalationState;
import orderflow.v1.Orderflow.OrderLine;
import orderflow.v1.Orderflow.OrderPlaced;
import orderflow.v1.Orderflow.OrderStatus;
import orderflow.v1.Orderflow.OrderStatusChanged;
import orderflow.v1.Orderflow.TaskAction;
import orderflow.v1.Orderflow.TaskLine;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What the order processor writes: status changes, delivery tasks and
 * escalations (rule 7: one (kind, level) raised once and cleared once, with
 * the id "<orderId>/<KIND>/<level>/<placedAt>"). Each output's record
 * timestamp is its own time, as orderflow's.
 */
final class OrderOutputs {
  private final ProcessorContext<String, byte[]> context;

  OrderOutputs(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  void status(OrderRecord.Builder o, String orderId, OrderStatus status, List<String> reasons,
              long at) {
    OrderStatusChanged.Builder m = OrderStatusChanged.newBuilder()
        .setOrderId(orderId).setStatus(status).setPreviousStatus(o.getStatus())
        .addAllReasons(reasons).setOccurredAt(Times.timestamp(at));
    if (o.getOrder().hasPlacedAt()) m.setPlacedAt(o.getOrder().getPlacedAt());
    if (status != OrderStatus.ORDER_STATUS_REJECTED) {
      m.setPromisedDeliveryAt(Times.timestamp(o.getPromisedMs()));
    }
    o.setStatus(status);
    context.forward(new Record<>(orderId, m.build().toByteArray(), at), PeerTopology.ORDER_STATUS);
  }

  void task(OrderRecord.Builder o, TaskAction action, long at) {
    OrderPlaced p = o.getOrder();
    DeliveryTask.Builder t = DeliveryTask.newBuilder()
        .setTaskId(p.getOrderId() + "/delivery").setOrderId(p.getOrderId()).setAction(action)
        .setPriority(p.getServiceLevel()).setShipBy(Times.timestamp(o.getShipByMs()))
        .setDeliverBy(Times.timestamp(o.getPromisedMs())).setCreatedAt(Times.timestamp(at));
    for (OrderLine l : p.getLinesList()) {
      t.addLines(TaskLine.newBuilder().setLineId(l.getLineId()).setSku(l.getSku())
                     .setQuantity(l.getQuantity()));
    }
    if (action == TaskAction.TASK_ACTION_CREATE) t.setShipTo(p.getShipTo());
    context.forward(new Record<>(p.getOrderId(), t.build().toByteArray(), at),
                    PeerTopology.DELIVERY_TASKS);
  }

  static long bit(EscalationKind kind, int level) {
    return 1L << (kind.getNumber() * 4 + level);
  }

  /** Raises (kind, level) unless it was raised before. */
  void raise(OrderRecord.Builder o, String orderId, EscalationKind kind, int level,
             String message, long at) {
    long b = bit(kind, level);
    if ((o.getRaised() & b) != 0) return;
    o.setRaised(o.getRaised() | b);
    escalation(o, orderId, kind, level, EscalationState.ESCALATION_STATE_RAISED, message, at);
  }

  /** Clears (kind, level) if it is open. */
  void clear(OrderRecord.Builder o, String orderId, EscalationKind kind, int level, long at) {
    long b = bit(kind, level);
    if ((o.getRaised() & b) == 0 || (o.getCleared() & b) != 0) return;
    o.setCleared(o.getCleared() | b);
    escalation(o, orderId, kind, level, EscalationState.ESCALATION_STATE_CLEARED,
               "Cleared: " + kindName(kind) + " level " + level + " for order " + orderId + ".",
               at);
  }

  /** Rule 4: every open escalation of the order, by kind then level. */
  void clearAll(OrderRecord.Builder o, String orderId, long at) {
    for (EscalationKind kind : EscalationKind.values()) {
      if (kind == EscalationKind.UNRECOGNIZED || kind.getNumber() == 0) continue;
      for (int level = 1; level <= 3; level++) clear(o, orderId, kind, level, at);
    }
  }

  private void escalation(OrderRecord.Builder o, String orderId, EscalationKind kind, int level,
                          EscalationState state, String message, long at) {
    long placed = o.getOrder().hasPlacedAt() ? Times.millis(o.getOrder().getPlacedAt()) : 0;
    Escalation e = Escalation.newBuilder()
        .setEscalationId(orderId + "/" + kindName(kind) + "/" + level + "/" + Times.rfc3339(placed))
        .setOrderId(orderId).setKind(kind).setLevel(level).setState(state)
        .setDetectedAt(Times.timestamp(at)).setMessage(message).build();
    context.forward(new Record<>(orderId, e.toByteArray(), at), PeerTopology.ESCALATIONS);
  }

  static String kindName(EscalationKind kind) {
    return kind.name().substring("ESCALATION_KIND_".length());
  }
}
