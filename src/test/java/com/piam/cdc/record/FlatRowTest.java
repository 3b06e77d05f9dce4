package com.piam.cdc.record;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consume side reads records into a FlatRow instead of a Jackson tree; every answer the mapping asks of a
 * field must be the tree's answer for the same JSON (so the set-aside reasons do not change): checked against
 * ChangeParser's tree for every kind of value, escapes, numbers beyond a long, containers, duplicates and envelopes.
 */
class FlatRowTest {

    static final String VALUES = """
            {"s":"plain","esc":"q\\"b\\\\s\\n\\t\\u0001 é 漢字 😀","empty":"","n":0,"neg":-42,"big":9223372036854775807,
             "bigger":123456789012345678901234567890,"dec":0.87,"exp":1.5E10,"negdec":-0.0,"t":true,"f":false,"nul":null,
             "obj":{"a": 1, "b" : [1, 2, {"c":"x y"}]},"arr":[ ],"dup":1,"dup":"second"}""";

    @ParameterizedTest
    @ValueSource(strings = {VALUES, "{\"schema\":{\"type\":\"struct\"},\"payload\":" + "{\"a\":\"b\",\"n\":7}}",
            "{\"payload\":{\"a\":1},\"schema\":{}}", "{\"payload\":{\"a\":1}}", "{}"})
    void everyFieldAnswersAsTheJacksonTreeDoes(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode tree = ChangeParser.row(bytes);
        FlatRow row = new FlatRow().read(bytes);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        for (String name : names) {
            JsonNode n = tree.get(name);
            int i = row.index(name);
            assertThat(i).as(name).isGreaterThanOrEqualTo(0);
            assertThat(row.isNull(i)).as(name + " null").isEqualTo(n.isNull());
            assertThat(row.isValue(i)).as(name + " value").isEqualTo(n.isValueNode());
            assertThat(row.isNumber(i)).as(name + " number").isEqualTo(n.isNumber());
            assertThat(row.isWhole(i)).as(name + " whole").isEqualTo(n.isIntegralNumber());
            assertThat(row.isLong(i)).as(name + " long").isEqualTo(n.isIntegralNumber() && n.canConvertToLong());
            assertThat(row.isText(i)).as(name + " text").isEqualTo(n.isTextual());
            assertThat(row.isBoolean(i)).as(name + " boolean").isEqualTo(n.isBoolean());
            assertThat(row.text(i)).as(name + " asText").isEqualTo(n.asText());
            assertThat(row.json(i)).as(name + " toString").isEqualTo(n.toString());
            if (n.isNumber()) {
                assertThat(row.doubleValue(i)).as(name + " asDouble").isEqualTo(n.asDouble());
            }
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                assertThat(row.longValue(i)).as(name + " asLong").isEqualTo(n.asLong());
            }
        }
        assertThat(row.index("absent")).isEqualTo(-1);
        assertThat(row.isNull(row.index("absent"))).isTrue();
        assertThat(row.json()).isEqualTo(tree.toString());
    }

    @Test
    void tombstonesAndNonObjectsAsTheTreeParserSaysThem() throws Exception {
        for (String tombstone : new String[] {"", "  \n", "null", "{\"schema\":{},\"payload\":null}"}) {
            assertThat(new FlatRow().read(tombstone.getBytes(StandardCharsets.UTF_8))).as(tombstone).isNull();
            assertThat(ChangeParser.row(tombstone.getBytes(StandardCharsets.UTF_8))).isNull();
        }
        assertThat(new FlatRow().read(null)).isNull();
        for (String bad : new String[] {"[1,2]", "\"x\"", "42", "true", "{\"schema\":{},\"payload\":[1]}", "not json", "{\"a\":", "{\"a\" 1}"}) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            String expected = catchMessage(() -> ChangeParser.row(b));
            assertThat(expected).as(bad).isNotNull();
            assertThatThrownBy(() -> new FlatRow().read(b)).as(bad).isInstanceOf(BadRecordException.class).hasMessage(expected);
        }
    }

    @Test
    void keysAsTheTreeParserReadsThem() throws Exception {
        assertThat(FlatRow.key(null)).isNull();
        assertThat(FlatRow.key(" ")).isNull();
        FlatRow key = FlatRow.key("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"id\":41}}");
        assertThat(key.longValue(key.index("id"))).isEqualTo(41);
        for (String bad : new String[] {"e-9", "[1]", "null", "{\"schema\":{},\"payload\":null}", "{\"a\":"}) {
            String expected = catchMessage(() -> ChangeParser.key(bad));
            assertThatThrownBy(() -> FlatRow.key(bad)).as(bad).isInstanceOf(BadRecordException.class).hasMessage(expected);
        }
    }

    @Test
    void aReusedRowForgetsTheLastRecord() throws Exception {
        FlatRow row = new FlatRow();
        row.read("{\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_8));
        FlatRow again = row.read("{\"c\":3}".getBytes(StandardCharsets.UTF_8));
        assertThat(again.size()).isEqualTo(1);
        assertThat(again.index("a")).isEqualTo(-1);
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        FlatRow wide = row.read(many.append('}').toString().getBytes(StandardCharsets.UTF_8));
        assertThat(wide.size()).isEqualTo(100);
        assertThat(wide.longValue(wide.index("f99"))).isEqualTo(99);
    }

    interface Call {
        Object run() throws Exception;
    }

    private static String catchMessage(Call call) {
        try {
            call.run();
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
