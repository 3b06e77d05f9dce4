package com.piam.cdc.domain;

/**
 * A row as the loader writes it: the row plus where it came from. {@code version} decides which
 * copy of a key survives ReplacingMergeTree's FINAL, so a replayed change converges to one row.
 * {@code delivery} is how the loader lets go of it (null in direct mode).
 */
public record Change<T>(T row, Op op, long sourceTsMs, long version, Delivery delivery) {

    /** Debezium's operation codes, stored in the facts' cdc_op column. */
    public enum Op {
        READ("r"), CREATE("c"), UPDATE("u"), DELETE("d");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public Change(T row, Op op, long sourceTsMs, long version) {
        this(row, op, sourceTsMs, version, null);
    }

    /** A row handed straight from a generator (direct mode): a create, versioned by its hand-over time. */
    public static <T> Change<T> created(T row, long nowMs) {
        return new Change<>(row, Op.CREATE, nowMs, nowMs);
    }

    public Change<T> deliveredBy(Delivery d) {
        return new Change<>(row, op, sourceTsMs, version, d);
    }

    public boolean deleted() {
        return op == Op.DELETE;
    }
}
