package com.piam.cdc.record;

/**
 * Row versions for ReplacingMergeTree: the larger version of a key survives FINAL, so a later
 * change of a row must always get a larger number. Versions are positive longs (ClickHouse UInt64).
 *
 * <p>{@link #binlog}: binlog coordinates packed into bits, lexicographically: file sequence (20 bits,
 * up to 1,048,575 files), position in the file (33 bits, up to 8 GiB: MariaDB's max_binlog_size is
 * 1 GiB, a single large transaction can run past it) and row within the event (10 bits; rows past
 * 1023 of one event share a version, which only matters if one event changed the same key twice,
 * and it cannot). Every value is larger than the decimal packing used before
 * (file x 10^12 + pos x 10^3 + row) for the same coordinates, so rows loaded by an older runtime are
 * still replaced by later changes.
 *
 * <p>{@link #ofRecord}: for records without our header (an external Debezium Connect): the Kafka
 * record's timestamp in milliseconds (42 bits, until 2109), then the record's offset modulo 2^21.
 * Changes of one key share a partition, so in one millisecond the later change has the larger
 * offset; the order is only wrong if the two straddle a multiple of 2^21 in the offset sequence
 * within the same millisecond.
 */
public final class Versions {

    static final int ROW_BITS = 10;
    static final int POS_BITS = 33;
    static final int FILE_BITS = 20;
    static final int OFFSET_BITS = 21;

    /**
     * The smallest version a captured change has (binlog file 1, position 0); direct mode versions its rows
     * with the hand-over time in epoch milliseconds, which stays below it until the year 2248. Reconciliation
     * with the source leaves rows below it out: direct mode never wrote them to MySQL.
     */
    public static final long CDC_MIN = 1L << (POS_BITS + ROW_BITS);

    private Versions() {
    }

    /** The version of a change at binlog {@code file} (e.g. mariadb-bin.000042), {@code pos}, {@code row}; 0 if unknown. */
    public static long binlog(String file, long pos, long row) {
        long seq = fileSequence(file);
        if (seq <= 0 && pos <= 0) {
            return 0;
        }
        // beyond the bounds (a 2^20th binlog file, a position past 8 GiB) versions tie instead of wrapping
        seq = Math.min(seq, (1L << FILE_BITS) - 1);
        pos = Math.max(0, Math.min(pos, (1L << POS_BITS) - 1));
        long r = Math.max(0, Math.min(row, (1L << ROW_BITS) - 1));
        return (seq << (POS_BITS + ROW_BITS)) | (pos << ROW_BITS) | r;
    }

    /** "mariadb-bin.000007:123456 row 0" for a version {@link #binlog} packed (the file named by its sequence only: "…000007"). */
    public static String describeBinlog(long version, String filePrefix) {
        if (version < CDC_MIN) {
            return "not a binlog version";
        }
        long file = version >>> (POS_BITS + ROW_BITS);
        long pos = (version >>> ROW_BITS) & ((1L << POS_BITS) - 1);
        long row = version & ((1L << ROW_BITS) - 1);
        return String.format("%s.%06d:%d row %d", filePrefix, file, pos, row);
    }

    /** The version of a record without a version header: Kafka timestamp (ms), then offset. */
    public static long ofRecord(long timestampMs, long offset) {
        if (timestampMs <= 0 || timestampMs >= (1L << (63 - OFFSET_BITS))) {
            throw new IllegalArgumentException("record timestamp " + timestampMs + " cannot order a version");
        }
        return (timestampMs << OFFSET_BITS) | (Math.max(0, offset) & ((1L << OFFSET_BITS) - 1));
    }

    /** 42 for mariadb-bin.000042, 0 if the name has no numeric extension. */
    static long fileSequence(String file) {
        if (file == null) {
            return 0;
        }
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1) {
            return 0;
        }
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
