package io.assetalerts.contracts.codec;

/**
 * Strict UTF-8 validation for incoming payloads. Jackson's byte parser accepts overlong forms, encoded
 * surrogates and code points above U+10FFFF inside strings, so {@link EventJson} checks the bytes first; this
 * loop is much cheaper per record than a {@code CharsetDecoder} and agrees with it (see Utf8Test).
 */
public final class Utf8 {

    private Utf8() {}

    /** The offset of the first byte that does not start a well-formed UTF-8 sequence, or -1 if all are. */
    public static int firstInvalidOffset(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b0 = bytes[i];
            if (b0 >= 0) {
                i++;
                continue;
            }
            b0 &= 0xFF;
            int length;
            int min1 = 0x80;
            int max1 = 0xBF;
            if (b0 < 0xC2) {
                return i;
            } else if (b0 < 0xE0) {
                length = 2;
            } else if (b0 < 0xF0) {
                length = 3;
                if (b0 == 0xE0) {
                    min1 = 0xA0;
                } else if (b0 == 0xED) {
                    max1 = 0x9F;
                }
            } else if (b0 < 0xF5) {
                length = 4;
                if (b0 == 0xF0) {
                    min1 = 0x90;
                } else if (b0 == 0xF4) {
                    max1 = 0x8F;
                }
            } else {
                return i;
            }
            if (i + length > n) {
                return i;
            }
            int b1 = bytes[i + 1] & 0xFF;
            if (b1 < min1 || b1 > max1) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
