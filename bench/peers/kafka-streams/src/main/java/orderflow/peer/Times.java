package orderflow.peer;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Milliseconds since the epoch, protobuf Timestamps and the contract's RFC 3339 form. */
final class Times {
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  static Timestamp timestamp(long ms) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(ms, 1000))
        .setNanos((int) Math.floorMod(ms, 1000) * 1_000_000)
        .build();
  }

  /** As the contract writes times: milliseconds only when there are some. */
  static String rfc3339(long ms) {
    Instant i = Instant.ofEpochMilli(ms);
    return (ms % 1000 == 0 ? SECONDS : MILLIS).format(i);
  }
}
