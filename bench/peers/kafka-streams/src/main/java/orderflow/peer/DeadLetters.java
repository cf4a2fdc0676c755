package orderflow.peer;

import com.google.protobuf.ByteString;
import orderflow.v1.Orderflow.DeadLetter;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The dead letter of the record being processed (DeadLetter in docs/contract.md). */
final class DeadLetters {
  private DeadLetters() {}

  static DeadLetter of(ProcessorContext<?, ?> context, Record<String, byte[]> record,
                       String reason, String detail, long at) {
    RecordMetadata m = context.recordMetadata().orElseThrow();
    return build(m.topic(), m.partition(), m.offset(), record.key(), record.value(), reason,
                 detail, at);
  }

  static DeadLetter build(String topic, int partition, long offset, String key, byte[] payload,
                          String reason, String detail, long at) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? "" : key)
        .setPayload(ByteString.copyFrom(payload == null ? new byte[0] : payload))
        .setReason(reason)
        .setDetail(detail)
        .setDeadLetteredAt(Times.timestamp(at))
        .build();
  }
}
