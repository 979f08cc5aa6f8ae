package io.assetalerts.contracts.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;

/**
 * The one wire format for instants in the JSON contracts (SPEC 3). Parsing accepts the RFC 3339 profile of
 * ISO-8601, {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)}, and nothing else; formatting writes UTC
 * with {@code Z} and a millisecond part only when non-zero, like {@code DateTimeFormatter.ISO_INSTANT}.
 * Both are hand-written because {@code Instant.parse} is lenient ({@code 24:00}, leap seconds, lowercase
 * {@code t}/{@code z}, signed years) and costs about a microsecond per record.
 */
final class JsonTimestamps {

    private static final int SECONDS_PER_DAY = 86_400;

    private JsonTimestamps() {}

    /** The instant truncated to milliseconds, or {@code null} when {@code s} is not in the accepted form. */
    static Instant parse(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        if (day > 28 && day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }

        int i = 19;
        int millis = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                if (i - start < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int fractionDigits = i - start;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return null;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }

        if (i >= n) {
            return null;
        }
        char zone = s.charAt(i);
        int offsetSeconds;
        if (zone == 'Z' && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) {
                return null;
            }
            offsetSeconds = (zone == '+' ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return null;
        }

        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY
                + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, millis * 1_000_000L);
    }

    /**
     * Formats {@code t}, truncated to milliseconds, as {@code 2026-01-10T10:16:05Z} or
     * {@code 2026-01-10T10:16:05.120Z}; the year must be within 0000..9999.
     */
    static String format(Instant t) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = utc.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("Instant " + t + " is outside the years 0000..9999 of the wire format");
        }
        int millis = t.getNano() / 1_000_000;
        char[] out = new char[millis == 0 ? 20 : 24];
        put(out, 0, year, 4);
        out[4] = '-';
        put(out, 5, utc.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, utc.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, utc.getHour(), 2);
        out[13] = ':';
        put(out, 14, utc.getMinute(), 2);
        out[16] = ':';
        put(out, 17, utc.getSecond(), 2);
        if (millis != 0) {
            out[19] = '.';
            put(out, 20, millis, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
