package com.piam.cdc.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's result: OK, or the reasons an operator should look at ("ClickHouse: connection
 * refused at 127.0.0.1:8123"). {@code facts} are the figures behind it, in report order.
 */
public record StageStatus(String stage, List<String> reasons, Map<String, Object> facts) {

    public boolean ok() {
        return reasons.isEmpty();
    }

    /** The reasons as one line ("" when OK). */
    public String reason() {
        return String.join("; ", reasons);
    }

    static Builder of(String stage) {
        return new Builder(stage);
    }

    /** Collects facts and problems in the order they are found. */
    static final class Builder {
        private final String stage;
        private final Map<String, Object> facts = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        private Builder(String stage) {
            this.stage = stage;
        }

        Builder fact(String name, Object value) {
            facts.put(name, value);
            return this;
        }

        Builder problem(String reason) {
            problems.add(reason);
            return this;
        }

        StageStatus build() {
            return new StageStatus(stage, List.copyOf(problems), Collections.unmodifiableMap(new LinkedHashMap<>(facts)));
        }
    }
}
