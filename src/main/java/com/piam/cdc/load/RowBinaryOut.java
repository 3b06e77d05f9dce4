package com.piam.cdc.load;

import java.time.Instant;
import java.util.Arrays;

/**
 * A batch's rows in ClickHouse's RowBinary format, encoded into one reused array: little-endian
 * fixed-width numbers, strings as a LEB128 length and their UTF-8 bytes, Nullable as a 0/1 flag
 * before the value (1 = NULL, nothing follows), DateTime as UInt32 seconds since 1970 UTC, Enum8 as
 * its Int8 code. Strings are encoded in place, without a byte[] per value (a lone surrogate becomes
 * '?', as String.getBytes does).
 */
final class RowBinaryOut {

    /** A buffer grown past this is dropped after its batch, so one huge batch does not pin memory. */
    static final int KEEP_AT_MOST = 4 << 20;

    private byte[] buf;
    private int size;

    RowBinaryOut(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    void reset() {
        size = 0;
        if (buf.length > KEEP_AT_MOST) {
            buf = new byte[64 << 10];
        }
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return size;
    }

    void uint8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void uint32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void uint64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void float32(float v) {
        uint32(Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
    }

    void dateTime(Instant t) {
        uint32(t.getEpochSecond());
    }

    void nullableDateTime(Instant t) {
        if (t == null) {
            uint8(1);
        } else {
            uint8(0);
            dateTime(t);
        }
    }

    void nullableString(String s) {
        if (s == null) {
            uint8(1);
        } else {
            uint8(0);
            string(s);
        }
    }

    void string(String s) {
        int n = s.length();
        int bytes = utf8Length(s, n); // negative: the string is ASCII, -bytes long
        boolean ascii = bytes < 0;
        if (ascii) {
            bytes = -bytes;
        }
        ensure(bytes + 5);
        for (long v = bytes; ; v >>>= 7) { // unsigned LEB128 length
            if (v < 0x80) {
                buf[size++] = (byte) v;
                break;
            }
            buf[size++] = (byte) (v | 0x80);
        }
        if (ascii) { // one byte per char
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[size++] = (byte) c;
            } else if (c < 0x800) {
                buf[size++] = (byte) (0xC0 | (c >> 6));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[size++] = (byte) (0xF0 | (cp >> 18));
                buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[size++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buf[size++] = '?';
            } else {
                buf[size++] = (byte) (0xE0 | (c >> 12));
                buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /**
     * UTF-8 length of the string as String.getBytes(UTF_8) encodes it, negated when every char is ASCII (one pass
     * tells both: a lone surrogate is one byte too, so the length alone cannot).
     */
    static int utf8Length(String s, int n) {
        int bytes = n;
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for two chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return ascii ? -bytes : bytes;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
