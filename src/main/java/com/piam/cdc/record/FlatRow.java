package com.piam.cdc.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The top-level fields of a record's JSON object, read by a streaming parser into arrays that one consume
 * thread reuses record after record: no JSON tree, no node per value. A field is a plain value (string, whole
 * number, decimal number, boolean, null) or a container (object or array, kept only as its JSON text for
 * messages). Looked up by name; a name given twice counts with its last value, as in a Jackson tree. The
 * accessors answer as Jackson's JsonNode would for the same value ({@link #text} as {@code asText()},
 * {@link #json} as {@code toString()}), so the mapping's checks and reasons stay the same.
 */
public final class FlatRow {

    /** What a field holds. */
    public enum Kind { NULL, STRING, WHOLE, BIG_WHOLE, DECIMAL, BOOLEAN, CONTAINER }

    static final JsonFactory JSON = new JsonFactory();

    private String[] names = new String[32];
    private Kind[] kinds = new Kind[32];
    private String[] texts = new String[32];
    private long[] longs = new long[32];
    private double[] doubles = new double[32];
    private int size;
    private byte[] source;
    private FlatRow payload;

    /** Number of fields (a name given twice counts twice). */
    public int size() {
        return size;
    }

    public String name(int i) {
        return names[i];
    }

    /** Index of the field's last occurrence, -1 when the row has no such field. */
    public int index(String name) {
        for (int i = size - 1; i >= 0; i--) {
            String n = names[i];
            if (n == name || n.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public Kind kind(int i) {
        return kinds[i];
    }

    /** Absent (-1) or JSON null. */
    public boolean isNull(int i) {
        return i < 0 || kinds[i] == Kind.NULL;
    }

    public boolean isValue(int i) {
        return kinds[i] != Kind.CONTAINER;
    }

    public boolean isNumber(int i) {
        return kinds[i] == Kind.WHOLE || kinds[i] == Kind.BIG_WHOLE || kinds[i] == Kind.DECIMAL;
    }

    public boolean isWhole(int i) {
        return kinds[i] == Kind.WHOLE || kinds[i] == Kind.BIG_WHOLE;
    }

    /** A whole number that fits a long. */
    public boolean isLong(int i) {
        return kinds[i] == Kind.WHOLE;
    }

    public long longValue(int i) {
        return kinds[i] == Kind.WHOLE ? longs[i] : (long) doubles[i];
    }

    public double doubleValue(int i) {
        return switch (kinds[i]) {
            case WHOLE -> longs[i];
            case BIG_WHOLE, DECIMAL -> doubles[i];
            case BOOLEAN -> longs[i];
            default -> 0;
        };
    }

    public boolean isText(int i) {
        return kinds[i] == Kind.STRING;
    }

    public boolean isBoolean(int i) {
        return kinds[i] == Kind.BOOLEAN;
    }

    public boolean booleanValue(int i) {
        return longs[i] != 0;
    }

    /** The value as text, as JsonNode.asText() gives it ("" for a container, "null" for null). */
    public String text(int i) {
        return switch (kinds[i]) {
            case STRING, BIG_WHOLE -> texts[i];
            case WHOLE -> Long.toString(longs[i]);
            case DECIMAL -> Double.toString(doubles[i]);
            case BOOLEAN -> longs[i] != 0 ? "true" : "false";
            case NULL -> "null";
            case CONTAINER -> "";
        };
    }

    /** The value as JSON, as JsonNode.toString() gives it (strings quoted and escaped). */
    public String json(int i) {
        if (kinds[i] == Kind.STRING) {
            StringBuilder sb = new StringBuilder(texts[i].length() + 2).append('"');
            JsonStringEncoder.getInstance().quoteAsString(texts[i], sb);
            return sb.append('"').toString();
        }
        return kinds[i] == Kind.CONTAINER ? texts[i] : text(i);
    }

    /** The whole row as JSON text (for messages), as a Jackson tree prints it: a name given twice once, where it came first, with its last value. */
    public String json() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (int i = 0; i < size; i++) {
            if (firstIndex(names[i]) != i) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"');
            JsonStringEncoder.getInstance().quoteAsString(names[i], sb);
            sb.append("\":").append(json(index(names[i])));
        }
        return sb.append('}').toString();
    }

    private int firstIndex(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads a record value. Returns null for a tombstone in every form a Connect converter writes one (no bytes,
     * only white space, the literal null, a schema envelope whose payload is null), else the row (this object,
     * or the envelope's payload). A value that is not a JSON object is a bad record.
     */
    public FlatRow read(byte[] value) throws BadRecordException {
        return read(value, "value");
    }

    /**
     * The key columns of a record key (JSON, with or without the converter's schema envelope); null when the key is
     * empty. A new row each time: keys are read for tombstones only.
     */
    public static FlatRow key(String key) throws BadRecordException {
        if (key == null || key.isBlank()) {
            return null;
        }
        FlatRow row;
        try {
            row = new FlatRow().read(key.getBytes(StandardCharsets.UTF_8), "key");
        } catch (BadRecordException e) {
            if (e.getCause() instanceof JsonProcessingException j) {
                throw new BadRecordException("key " + BadRecordException.clip(key) + " is not valid JSON: " + j.getOriginalMessage(), j);
            }
            row = null;
        }
        if (row == null) {
            throw new BadRecordException("key " + BadRecordException.clip(key) + " is not a JSON object of key columns");
        }
        return row;
    }

    FlatRow read(byte[] value, String what) throws BadRecordException {
        size = 0;
        source = value;
        if (value == null || value.length == 0) {
            return null;
        }
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new BadRecordException(what + " is not a JSON object (" + typeName(t) + ")");
            }
            int payloadAt = -1;
            boolean schema = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("payload") && v == JsonToken.START_OBJECT) {
                    if (payload == null) {
                        payload = new FlatRow();
                    }
                    payload.size = 0;
                    payload.source = value;
                    int from = (int) p.currentTokenLocation().getByteOffset();
                    payload.fields(p);
                    int to = (int) p.currentLocation().getByteOffset();
                    add(name, Kind.CONTAINER, from >= 0 && to > from ? containerText(from, to) : "", 0, 0);
                    payloadAt = size - 1;
                    continue;
                }
                schema |= name.equals("schema");
                value(p, name, v);
            }
            int at = index("payload");
            if (schema && at >= 0) { // a Connect JsonConverter with schemas.enable=true: {"schema":…,"payload":…}
                if (kinds[at] == Kind.NULL) {
                    return null;
                }
                if (at != payloadAt) {
                    throw new BadRecordException("payload is not a JSON object");
                }
                return payload;
            }
            return this;
        } catch (JsonProcessingException e) {
            throw new BadRecordException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException(what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The fields of the object whose START_OBJECT the parser has just read, up to its END_OBJECT. */
    private void fields(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            value(p, name, p.nextToken());
        }
        if (t != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "unexpected " + t);
        }
    }

    private void value(JsonParser p, String name, JsonToken v) throws IOException {
        if (v == null) {
            throw new JsonParseException(p, "Unexpected end-of-input");
        }
        switch (v) {
            case VALUE_STRING -> add(name, Kind.STRING, p.getText(), 0, 0);
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    add(name, Kind.BIG_WHOLE, p.getText(), 0, p.getDoubleValue());
                } else {
                    add(name, Kind.WHOLE, null, p.getLongValue(), 0);
                }
            }
            case VALUE_NUMBER_FLOAT -> add(name, Kind.DECIMAL, null, 0, p.getDoubleValue());
            case VALUE_TRUE -> add(name, Kind.BOOLEAN, null, 1, 0);
            case VALUE_FALSE -> add(name, Kind.BOOLEAN, null, 0, 0);
            case VALUE_NULL -> add(name, Kind.NULL, null, 0, 0);
            case START_OBJECT, START_ARRAY -> {
                int from = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int to = (int) p.currentLocation().getByteOffset();
                add(name, Kind.CONTAINER, from >= 0 && to > from ? containerText(from, to) : "", 0, 0);
            }
            default -> throw new JsonParseException(p, "unexpected " + v);
        }
    }

    /** A container's JSON as Jackson would print it: the source text without white space outside strings. */
    private String containerText(int from, int to) {
        String raw = new String(source, from, to - from, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(raw.length());
        boolean inString = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (inString) {
                sb.append(c);
                if (c == '\\' && i + 1 < raw.length()) {
                    sb.append(raw.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                sb.append(c);
            } else if (!Character.isWhitespace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void add(String name, Kind kind, String text, long l, double d) {
        if (size == names.length) {
            int n = size * 2;
            names = Arrays.copyOf(names, n);
            kinds = Arrays.copyOf(kinds, n);
            texts = Arrays.copyOf(texts, n);
            longs = Arrays.copyOf(longs, n);
            doubles = Arrays.copyOf(doubles, n);
        }
        names[size] = name;
        kinds[size] = kind;
        texts[size] = text;
        longs[size] = l;
        doubles[size] = d;
        size++;
    }

    private static String typeName(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> t.name().toLowerCase();
        };
    }
}
