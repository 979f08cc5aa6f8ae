package io.assetalerts.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(256);

    @Test
    void agreesWithStrictCharsetDecoderOnEveryOneAndTwoByteInput() {
        for (int a = 0; a < 256; a++) {
            assertAgrees(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                assertAgrees(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    @Test
    void agreesWithStrictCharsetDecoderOnEveryThreeByteInputWithNonAsciiLead() {
        byte[] input = new byte[3];
        for (int a = 0x80; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    input[0] = (byte) a;
                    input[1] = (byte) b;
                    input[2] = (byte) c;
                    assertAgrees(input);
                }
            }
        }
    }

    @Test
    void agreesWithStrictCharsetDecoderOnFourByteSequencesAroundTheirBounds() {
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
        for (int a = 0xF0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : interesting) {
                    for (int d : interesting) {
                        assertAgrees(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                    }
                }
            }
        }
    }

    @Test
    void agreesWithStrictCharsetDecoderOnRandomMostlyValidText() {
        Random random = new Random(42);
        byte[] text = "Zürich 🌬 TURBINE-101 ± 96.2 °C 温度".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 100_000; i++) {
            byte[] input = text.clone();
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            assertAgrees(input);
        }
    }

    @Test
    void reportsOffsetOfTheFirstBadSequence() {
        assertThat(Utf8.firstInvalidOffset(new byte[] {'a', 'b', (byte) 0xC3, (byte) 0xA9, (byte) 0xC0, (byte) 0x80}))
                .isEqualTo(4);
        assertThat(Utf8.firstInvalidOffset(new byte[] {'a', (byte) 0xF0, (byte) 0x9F, (byte) 0x8C})).isEqualTo(1);
        assertThat(Utf8.firstInvalidOffset(new byte[0])).isEqualTo(-1);
    }

    private void assertAgrees(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        chars.clear();
        CoderResult result = strict.reset().decode(in, chars, true);
        boolean decodes = result.isUnderflow() && !in.hasRemaining();
        if (decodes != Utf8.firstInvalidOffset(input) < 0) {
            fail("CharsetDecoder says %s is %s UTF-8", HexFormat.of().formatHex(input), decodes ? "valid" : "invalid");
        }
    }
}
