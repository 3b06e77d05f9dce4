package com.piam.cdc.load;

import com.piam.cdc.domain.Change;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * One column of a fact table: its name, the ClickHouse type the loader encodes it as, and a change's
 * value in it, both as RowBinary bytes (the fast path) and as a JDBC value (the text path). Numbers
 * are read without boxing on the binary path.
 */
public final class FactColumn<T> {

    /** Writes a change's value of this column; {@code enumCodes} is the server's Enum8 mapping (Enum8 columns only). */
    interface Binary<T> {
        void write(Change<T> change, RowBinaryOut out, Map<String, Integer> enumCodes);
    }

    /**
     * A value the binary path does not judge (an Enum8 element the server's type does not list, a number
     * outside the column's range): the row goes the text way, where ClickHouse itself accepts it or says why.
     */
    static final class LeftToServer extends RuntimeException {
        LeftToServer() {
            super(null, null, false, false);
        }
    }

    private static final LeftToServer LEFT_TO_SERVER = new LeftToServer();

    private final String name;
    private final String type;
    private final Binary<T> binary;
    private final Function<Change<T>, Object> text;

    private FactColumn(String name, String type, Binary<T> binary, Function<Change<T>, Object> text) {
        this.name = name;
        this.type = type;
        this.binary = binary;
        this.text = text;
    }

    public String name() {
        return name;
    }

    /** The ClickHouse type as system.columns names it ("Enum8" stands for any Enum8 mapping). */
    public String type() {
        return type;
    }

    boolean isEnum8() {
        return type.equals("Enum8");
    }

    void write(Change<T> change, RowBinaryOut out, Map<String, Integer> enumCodes) {
        binary.write(change, out, enumCodes);
    }

    /** The value for the text path's placeholder: String, Integer, Long, Float or null. */
    Object textValue(Change<T> change) {
        return text.apply(change);
    }

    /** A time a DateTime holds (UInt32 seconds); others are left to the server (the table's checks catch them first). */
    private static Instant inRange(Instant t) {
        if (t.isBefore(FactTable.DATETIME_MIN) || t.isAfter(FactTable.DATETIME_MAX)) {
            throw LEFT_TO_SERVER;
        }
        return t;
    }

    static <T> FactColumn<T> string(String name, Function<Change<T>, String> v) {
        return new FactColumn<>(name, "String", (c, out, e) -> out.string(v.apply(c)), v::apply);
    }

    static <T> FactColumn<T> nullableString(String name, Function<Change<T>, String> v) {
        return new FactColumn<>(name, "Nullable(String)", (c, out, e) -> out.nullableString(v.apply(c)), v::apply);
    }

    static <T> FactColumn<T> dateTime(String name, Function<Change<T>, Instant> v) {
        return new FactColumn<>(name, "DateTime", (c, out, e) -> out.dateTime(inRange(v.apply(c))), c -> FactTable.dateTimeText(v.apply(c)));
    }

    static <T> FactColumn<T> nullableDateTime(String name, Function<Change<T>, Instant> v) {
        return new FactColumn<>(name, "Nullable(DateTime)", (c, out, e) -> {
            Instant t = v.apply(c);
            out.nullableDateTime(t == null ? null : inRange(t));
        },
                c -> FactTable.dateTimeText(v.apply(c)));
    }

    static <T> FactColumn<T> enum8(String name, Function<Change<T>, String> v) {
        return new FactColumn<>(name, "Enum8", (c, out, codes) -> {
            Integer code = codes.get(v.apply(c));
            if (code == null) {
                throw LEFT_TO_SERVER;
            }
            out.uint8(code);
        }, v::apply);
    }

    static <T> FactColumn<T> flag(String name, Predicate<Change<T>> v) {
        return new FactColumn<>(name, "UInt8", (c, out, e) -> out.uint8(v.test(c) ? 1 : 0), c -> v.test(c) ? 1 : 0);
    }

    static <T> FactColumn<T> uint8(String name, ToLongFunction<Change<T>> v) {
        return new FactColumn<>(name, "UInt8", (c, out, e) -> {
            long n = v.applyAsLong(c);
            if (n < 0 || n > 255) {
                throw LEFT_TO_SERVER;
            }
            out.uint8((int) n);
        }, c -> (int) v.applyAsLong(c));
    }

    static <T> FactColumn<T> uint32(String name, ToLongFunction<Change<T>> v) {
        return new FactColumn<>(name, "UInt32", (c, out, e) -> {
            long n = v.applyAsLong(c);
            if (n < 0 || n > 0xFFFFFFFFL) {
                throw LEFT_TO_SERVER;
            }
            out.uint32(n);
        }, v::applyAsLong);
    }

    static <T> FactColumn<T> uint64(String name, ToLongFunction<Change<T>> v) {
        return new FactColumn<>(name, "UInt64", (c, out, e) -> {
            long n = v.applyAsLong(c);
            if (n < 0) {
                throw LEFT_TO_SERVER;
            }
            out.uint64(n);
        }, v::applyAsLong);
    }

    static <T> FactColumn<T> float32(String name, ToDoubleFunction<Change<T>> v) {
        return new FactColumn<>(name, "Float32", (c, out, e) -> out.float32((float) v.applyAsDouble(c)), c -> (float) v.applyAsDouble(c));
    }
}
