package orderflow.peer;

import orderflow.v1.Orderflow.EscalationKind;
import orderflow.v1.Orderflow.OrderPlaced;
import orderflow.v1.Orderflow.ServiceLevel;

/** Rule 6: promise, shipBy and the rungs of the deadline ladder, at the contract's defaults. */
final class Deadlines {
  static final long AT_RISK_WINDOW = 4 * Times.HOUR;
  static final long DELIVERY_LEVEL3_AFTER = 48 * Times.HOUR;
  static final long BACKORDER_AGED_1 = 24 * Times.HOUR;
  static final long BACKORDER_AGED_2 = 72 * Times.HOUR;
  static final long EARLY_RECORD_RETENTION = 7 * Times.DAY;

  /** A rung: its timer tag, the escalation it raises and at which level. */
  enum Rung {
    AT_RISK("AR", EscalationKind.ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1),
    SHIP_MISSED("SM", EscalationKind.ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2),
    DELIVERY_MISSED("D2", EscalationKind.ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 2),
    DELIVERY_MISSED_3("D3", EscalationKind.ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 3),
    BACKORDER_AGED_L1("B1", EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 1),
    BACKORDER_AGED_L2("B2", EscalationKind.ESCALATION_KIND_BACKORDER_AGED, 2);

    final String tag;
    final EscalationKind kind;
    final int level;

    Rung(String tag, EscalationKind kind, int level) {
      this.tag = tag;
      this.kind = kind;
      this.level = level;
    }

    static Rung byTag(String tag) {
      for (Rung r : values()) {
        if (r.tag.equals(tag)) return r;
      }
      return null;
    }
  }

  private Deadlines() {}

  static long promise(ServiceLevel level) {
    switch (level) {
      case SERVICE_LEVEL_OVERNIGHT: return Times.DAY;
      case SERVICE_LEVEL_EXPRESS: return 2 * Times.DAY;
      default: return 5 * Times.DAY;
    }
  }

  static long transit(ServiceLevel level) {
    switch (level) {
      case SERVICE_LEVEL_OVERNIGHT: return 12 * Times.HOUR;
      case SERVICE_LEVEL_EXPRESS: return Times.DAY;
      default: return 3 * Times.DAY;
    }
  }

  static long promisedMs(OrderPlaced o) {
    return o.hasPromisedDeliveryAt() ? Times.millis(o.getPromisedDeliveryAt())
                                     : Times.millis(o.getPlacedAt()) + promise(o.getServiceLevel());
  }

  static long shipByMs(OrderPlaced o) {
    return promisedMs(o) - transit(o.getServiceLevel());
  }
}
