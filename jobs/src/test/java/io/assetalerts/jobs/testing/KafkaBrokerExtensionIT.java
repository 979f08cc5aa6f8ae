package io.assetalerts.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void readsBackExactlyWhatWasProducedAcrossThreePartitions() {
        String topic = KAFKA.uniqueTopic("round-trip");
        KAFKA.createTopic(topic, 3);
        List<ProducerRecord<String, String>> sent = IntStream.range(0, 30)
                .mapToObj(i -> new ProducerRecord<>(topic, "asset-" + i, "reading-" + i))
                .toList();

        KAFKA.produce(topic, sent);

        List<ConsumerRecord<String, String>> read = KAFKA.readCommitted(topic, 30, TIMEOUT);
        assertThat(read).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(ProducerRecord::value).toList());
        assertThat(read).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2).contains(0, 1, 2);
    }

    @Test
    void keepsReadingPastTheExpectedCountSoExtrasShow() {
        String topic = KAFKA.uniqueTopic("extras");
        KAFKA.createTopic(topic, 1);
        KAFKA.produce(topic, "a", "1");
        KAFKA.produce(topic, "a", "2");

        assertThat(KAFKA.readCommitted(topic, 1, TIMEOUT)).extracting(ConsumerRecord::value).containsExactly("1", "2");
    }

    @Test
    void failsWithWhatArrivedWhenTheConditionIsNotMetInTime() {
        String topic = KAFKA.uniqueTopic("short");
        KAFKA.createTopic(topic, 1);
        KAFKA.produce(topic, "asset-7", "only-one");

        assertThatThrownBy(() -> KAFKA.consumeUntil(topic, records -> records.size() >= 2, Duration.ofSeconds(1)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 arrived")
                .hasMessageContaining("asset-7 -> only-one");
    }

    @Test
    void producesBytesThatAreNotUtf8() {
        String topic = KAFKA.uniqueTopic("bytes");
        KAFKA.createTopic(topic, 1);

        KAFKA.produceBytes(topic, null, new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThat(KAFKA.readCommitted(topic, 1, TIMEOUT)).singleElement()
                .satisfies(r -> assertThat(r.value()).contains("\uFFFD"));
    }

    @Test
    void createsTopicsWithTheGivenConfigs() throws Exception {
        String topic = KAFKA.uniqueTopic("compacted");
        KAFKA.createTopic(topic, 2, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = KAFKA.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                .hasSize(2);
    }
}
