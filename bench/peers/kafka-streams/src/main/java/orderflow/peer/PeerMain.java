package orderflow.peer;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Starts the peer:
 *
 *   java -jar orderflow-streams-peer.jar --bootstrap HOST:PORT --prefix PREFIX
 *       --application-id ID [--state-dir DIR] [--threads N] [--describe]
 *
 * Its topics (`<prefix>.<name>.v1`) must exist, with as many partitions for
 * allocation-results as for orders and for allocation-requests as for
 * inventory: `orderflow topics create` with `kafka.topic_prefix: PREFIX`
 * makes them so. Stops cleanly on SIGTERM.
 */
public final class PeerMain {
  private PeerMain() {}

  /** Configured as Confluent's documentation recommends for throughput, at orderflow's commit interval. */
  static Properties config(String bootstrap, String applicationId, String stateDir, int threads) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // orderflow's kafka.commit_interval default (config/config_file.h).
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    // Time is the records' own timestamps (the default extractor): event time,
    // as orderflow's `kafka.clock: event`.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    return p;
  }

  public static void main(String[] args) throws InterruptedException {
    String bootstrap = "127.0.0.1:9092";
    String prefix = "orderflow";
    String applicationId = null;
    String stateDir = System.getProperty("java.io.tmpdir") + "/orderflow-streams-peer";
    int threads = 1;
    boolean describe = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap": bootstrap = args[++i]; break;
        case "--prefix": prefix = args[++i]; break;
        case "--application-id": applicationId = args[++i]; break;
        case "--state-dir": stateDir = args[++i]; break;
        case "--threads": threads = Integer.parseInt(args[++i]); break;
        case "--describe": describe = true; break;
        default:
          System.err.println("usage: --bootstrap HOST:PORT --prefix PREFIX --application-id ID"
                             + " [--state-dir DIR] [--threads N] [--describe]");
          System.exit(2);
      }
    }
    if (applicationId == null) applicationId = prefix + "-streams-peer";
    Topology topology = PeerTopology.build(new Topics(prefix));
    if (describe) {
      System.out.println(topology.describe());
      return;
    }
    KafkaStreams streams =
        new KafkaStreams(topology, config(bootstrap, applicationId, stateDir, threads));
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("peer: stream thread failed: " + e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
          .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      System.err.println("peer: " + before + " -> " + now);
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      stopped.countDown();
    }));
    streams.start();
    stopped.await();
    streams.close();
  }
}
