package io.assetalerts.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTimestampsTest {

    private static final long MIN_SECOND = EventJson.MIN_TIMESTAMP.getEpochSecond();
    private static final long MAX_SECOND = EventJson.MAX_TIMESTAMP.getEpochSecond();

    @Test
    void formatsLikeIsoInstantForMillisecondInstants() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            Instant instant = randomInstant(random).truncatedTo(ChronoUnit.MILLIS);

            assertThat(JsonTimestamps.format(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
    }

    @Test
    void parsesLikeInstantParseTruncatedToMillis() {
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            Instant instant = randomInstant(random);
            int offsetMinutes = random.nextBoolean() ? 0 : random.nextInt(18 * 60 * 2 + 1) - 18 * 60;
            String text = instant.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).toString();
            if (text.length() < 20 || text.charAt(16) != ':') {
                continue;
            }

            assertThat(JsonTimestamps.parse(text)).as(text)
                    .isEqualTo(Instant.parse(text).truncatedTo(ChronoUnit.MILLIS));
        }
    }

    @Test
    void roundTripsEveryFormattedInstant() {
        Random random = new Random(13);
        for (int i = 0; i < 50_000; i++) {
            Instant instant = randomInstant(random).truncatedTo(ChronoUnit.MILLIS);

            assertThat(JsonTimestamps.parse(JsonTimestamps.format(instant))).isEqualTo(instant);
        }
    }

    private static Instant randomInstant(Random random) {
        long second = MIN_SECOND + (long) (random.nextDouble() * (MAX_SECOND - MIN_SECOND));
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }
}
