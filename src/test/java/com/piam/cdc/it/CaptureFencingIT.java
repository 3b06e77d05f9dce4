package com.piam.cdc.it;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.capture.CaptureLease;
import com.piam.cdc.capture.KafkaChangeSender;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A runtime that only believes it holds the capture lease (it was paused; its lease loop has not heard yet)
 * must not start Kafka transactions: their shared transactional id would fence the runtime capturing now.
 * Real broker: the sender asks the lease first; Kafka's coordinator, not the runtime's last news, answers. And a
 * stopping capture that asks the lease is not kept waiting by it.
 */
class CaptureFencingIT {

    private static final String BOOTSTRAP = StackLogins.kafkaBootstrap();
    private final String run = "itf" + UUID.randomUUID().toString().substring(0, 6);

    @Test
    void aSenderWhoseLeaseIsNotConfirmedFencesNobody() throws Exception {
        String topic = run + ".changes";
        String txId = run + "-capture";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
             CamelContext context = new DefaultCamelContext()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            context.start();
            try (KafkaProducer<String, String> capturing = transactional(txId)) {
                capturing.initTransactions();
                capturing.beginTransaction();
                capturing.send(new ProducerRecord<>(topic, "k1", "from the capturing runtime"));

                KafkaChangeSender formerHolder = new KafkaChangeSender(KafkaConnection.plaintext(BOOTSTRAP), txId, "former");
                formerHolder.guardedBy(() -> false); // Kafka gives the lease to another member
                formerHolder.start();
                try {
                    formerHolder.process(change(context, topic, "k2"));
                    assertThat(formerHolder.fenced()).as("counts as fenced: the watchdog steps down").isTrue();
                    assertThat(formerHolder.failure()).contains("Kafka gives the capture lease to another runtime").contains(txId);
                } finally {
                    formerHolder.stop();
                }
                capturing.commitTransaction(); // still allowed: nobody fenced it
                assertThat(committedKeys(topic)).containsExactly("k1");

                // the guard is what kept it safe: a confirmed sender does fence the earlier producer
                capturing.beginTransaction();
                capturing.send(new ProducerRecord<>(topic, "k3", "after the lease moved"));
                KafkaChangeSender successor = new KafkaChangeSender(KafkaConnection.plaintext(BOOTSTRAP), txId, "successor");
                successor.guardedBy(() -> true);
                successor.start();
                try {
                    successor.process(change(context, topic, "k4"));
                    assertThat(successor.failure()).isEmpty();
                    assertThatThrownBy(capturing::commitTransaction).isInstanceOf(ProducerFencedException.class);
                } finally {
                    successor.stop();
                }
            }
            assertThat(committedKeys(topic)).as("the fenced transaction was aborted").containsExactly("k1");
        }
    }

    @Test
    void kafkasCoordinatorConfirmsOnlyTheHolder() throws Exception {
        String topic = run + ".capture-lease";
        String group = run + "-capture-lease";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
             CamelContext context = new DefaultCamelContext()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            context.start();
            CaptureLease a = new CaptureLease(context, KafkaConnection.plaintext(BOOTSTRAP), topic, group, "a", List.of());
            CaptureLease b = new CaptureLease(context, KafkaConnection.plaintext(BOOTSTRAP), topic, group, "b", List.of());
            a.start();
            b.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> a.held() || b.held());
                CaptureLease holder = a.held() ? a : b;
                CaptureLease standby = holder == a ? b : a;
                // once both are members (a stable group), the holder is confirmed and the standby is not
                await().atMost(Duration.ofSeconds(60)).until(() -> holder.describe().members().size() == 2);
                assertThat(holder.confirmedByKafka()).as(holder.runtimeName() + " holds the lease").isTrue();
                assertThat(standby.confirmedByKafka()).as(standby.runtimeName() + " does not").isFalse();

                holder.stop(); // leaves the group: the standby is given the lease
                await().atMost(Duration.ofSeconds(60)).until(standby::held);
                assertThat(standby.confirmedByKafka()).as(standby.runtimeName() + " holds it now").isTrue();
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    /**
     * Stopping capture makes its last commit, which may ask Kafka through the lease whether this runtime still holds
     * it. The lease must not hold a lock across the route stop that this question needs: here the route's last act
     * on stopping asks the lease, and the stop has to end at once, not after Camel's stop timeout.
     */
    @Test
    @Timeout(120) // the lease that held its monitor across the stop hung here for more than 5 minutes
    void aCaptureWhoseLastCommitAsksTheLeaseStopsWithoutWaiting() throws Exception {
        String topic = run + ".capture-lease-stop";
        String group = run + "-capture-lease-stop";
        AtomicReference<String> lastCommitAsked = new AtomicReference<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
             CamelContext context = new DefaultCamelContext()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            context.getShutdownStrategy().setTimeout(20); // seconds; the old lease waited all of it
            CaptureLease[] lease = new CaptureLease[1];
            /* stands for the capture's final offsets commit: on stop it asks Kafka through the lease */
            class LastCommit extends ServiceSupport implements Processor {
                @Override
                public void process(Exchange exchange) {
                }

                @Override
                protected void doStop() throws Exception {
                    lastCommitAsked.set("confirmed " + lease[0].confirmedByKafka() + ", holder "
                            + lease[0].describe().holder());
                }
            }
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:capture-stand-in?period=60000").routeId("capture-stand-in").autoStartup(false).process(new LastCommit());
                }
            });
            context.start();
            lease[0] = new CaptureLease(context, KafkaConnection.plaintext(BOOTSTRAP), topic, group, "stopper", List.of("capture-stand-in"));
            lease[0].start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> lease[0].held()
                        && context.getRouteController().getRouteStatus("capture-stand-in").isStarted());
                long t0 = System.nanoTime();
                lease[0].stop(); // leaves the group: capture stops first
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(lastCommitAsked.get()).as("the last commit got Kafka's answer").isNotNull();
                assertThat(context.getRouteController().getRouteStatus("capture-stand-in").isStopped()).isTrue();
                assertThat(tookMs).as("stop took " + tookMs + " ms; waiting for Camel's 20 s stop timeout means a lock "
                        + "held across the route stop").isLessThan(15_000);
            } finally {
                lease[0].stop();
            }
        }
    }

    private static KafkaProducer<String, String> transactional(String txId) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP, ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    private static Exchange change(CamelContext context, String topic, String key) {
        Exchange e = new DefaultExchange(context);
        // what ChangeEventEncoder hands the sender: the Kafka record
        e.getMessage().setBody(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8)));
        return e;
    }

    /** Every committed record's key (read_committed, from the beginning to the last stable offset). */
    private static List<String> committedKeys(String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<String> keys = new ArrayList<>();
            long until = System.currentTimeMillis() + 30_000;
            while (c.position(tp) < end && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            return keys;
        }
    }
}
