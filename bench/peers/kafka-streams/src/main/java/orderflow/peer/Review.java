package orderflow.peer;

import java.util.ArrayList;
import java.util.List;
import orderflow.v1.Orderflow.Address;
import orderflow.v1.Orderflow.OrderLine;
import orderflow.v1.Orderflow.OrderPlaced;

/** Rule 1: the reasons an order is REJECTED, each once, in the contract's order. */
final class Review {
  static final int MAX_LINE_QUANTITY = 1000;
  static final int MAX_LINES = 10_000;
  private static final long TIME_MAX = 221845392000000L;  // 9000-01-01T00:00:00Z

  private Review() {}

  static List<String> problems(OrderPlaced o) {
    boolean missing = o.getOrderId().isEmpty() || o.getCustomerId().isEmpty()
        || !o.hasPlacedAt() || o.getServiceLevelValue() < 1 || o.getServiceLevelValue() > 3
        || o.getCurrency().isEmpty() || o.getLinesCount() == 0;
    boolean tooMany = o.getLinesCount() > MAX_LINES;
    boolean badQuantity = false;
    boolean overLimit = false;
    if (!tooMany) {
      for (OrderLine l : o.getLinesList()) {
        missing |= l.getLineId().isEmpty() || l.getSku().isEmpty() || !l.hasUnitPriceMinor();
        badQuantity |= l.getQuantity() <= 0;
        overLimit |= l.getQuantity() > MAX_LINE_QUANTITY;
      }
    }
    Address a = o.getShipTo();
    boolean address = !o.hasShipTo() || a.getName().isEmpty() || a.getLine1().isEmpty()
        || a.getCity().isEmpty() || a.getPostalCode().isEmpty() || a.getCountry().isEmpty();
    boolean promiseInPast = o.hasPromisedDeliveryAt() && o.hasPlacedAt()
        && Times.millis(o.getPromisedDeliveryAt()) < Times.millis(o.getPlacedAt());
    boolean outOfRange = (o.hasPlacedAt() && outOfRange(Times.millis(o.getPlacedAt())))
        || (o.hasPromisedDeliveryAt() && outOfRange(Times.millis(o.getPromisedDeliveryAt())));
    List<String> reasons = new ArrayList<>();
    if (missing) reasons.add("MISSING_FIELD");
    if (badQuantity) reasons.add("INVALID_QUANTITY");
    if (overLimit) reasons.add("QUANTITY_LIMIT");
    if (tooMany) reasons.add("LINE_LIMIT");
    if (address) reasons.add("ADDRESS_INCOMPLETE");
    if (promiseInPast) reasons.add("PROMISE_IN_PAST");
    if (outOfRange) reasons.add("TIME_OUT_OF_RANGE");
    return reasons;
  }

  private static boolean outOfRange(long ms) {
    return ms < 0 || ms >= TIME_MAX;
  }
}
