package com.piam.cdc.load;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RowBinaryOutTest {

    private static byte[] bytes(RowBinaryOut out) {
        return Arrays.copyOf(out.array(), out.size());
    }

    /** What ClickHouse reads for a String: LEB128 length, then the UTF-8 bytes Java's encoder makes. */
    private static byte[] expected(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] head = new byte[5];
        int n = 0;
        for (long v = utf8.length; ; v >>>= 7) {
            if (v < 0x80) {
                head[n++] = (byte) v;
                break;
            }
            head[n++] = (byte) (v | 0x80);
        }
        byte[] all = Arrays.copyOf(head, n + utf8.length);
        System.arraycopy(utf8, 0, all, n, utf8.length);
        return all;
    }

    @Test
    void stringsAreEncodedAsJavasUtf8WithTheirLength() {
        List<String> samples = List.of("", "acme", "é", "漢字", "😀 grin", "tab\tnew\nline 'q' \"d\" \\", "\uD800 lone high",
                "lone low \uDC00", "end high \uD83D", "x".repeat(127), "y".repeat(128), "z".repeat(20_000), "ü".repeat(70));
        for (String s : samples) {
            RowBinaryOut out = new RowBinaryOut(4);
            out.string(s);
            assertThat(bytes(out)).as(s.length() > 30 ? s.substring(0, 30) : s).isEqualTo(expected(s));
        }
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) (random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(0x800));
            }
            String s = new String(chars);
            RowBinaryOut out = new RowBinaryOut(16);
            out.string(s);
            assertThat(bytes(out)).isEqualTo(expected(s));
        }
    }

    @Test
    void numbersAreLittleEndianAndNullsAFlag() {
        RowBinaryOut out = new RowBinaryOut(1);
        out.uint8(200);
        out.uint32(0xFFFFFFFFL);
        out.uint64(0x0102030405060708L);
        out.float32(1.5f);
        out.dateTime(Instant.ofEpochSecond(0x01020304L));
        out.nullableString(null);
        out.nullableString("a");
        out.nullableDateTime(null);
        assertThat(bytes(out)).containsExactly(
                (byte) 200,
                -1, -1, -1, -1,
                8, 7, 6, 5, 4, 3, 2, 1,
                0, 0, (byte) 0xC0, 0x3F,
                4, 3, 2, 1,
                1,
                0, 1, 'a',
                1);
    }

    @Test
    void aResetKeepsTheBufferUnlessABatchMadeItHuge() {
        RowBinaryOut out = new RowBinaryOut(16);
        out.string("x".repeat(1000));
        byte[] grown = out.array();
        out.reset();
        assertThat(out.size()).isZero();
        assertThat(out.array()).isSameAs(grown);
        out.string("y".repeat(RowBinaryOut.KEEP_AT_MOST + 1));
        out.reset();
        assertThat(out.array().length).isLessThan(RowBinaryOut.KEEP_AT_MOST);
    }
}
