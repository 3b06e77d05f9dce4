package com.piam.cdc.tools.chaos;

import com.piam.cdc.config.ConfigException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults {@code make chaos} injects, by the names CHAOS_FAULTS lists. */
enum Fault {
    KILL("kill", "kill -9 of the runtime"),
    CLICKHOUSE("clickhouse", "ClickHouse down"),
    KAFKA("kafka", "Kafka down"),
    MARIADB("mariadb", "MariaDB restart"),
    REJECT("reject", "a source row ClickHouse rejects"),
    STOP("stop", "graceful stop while ClickHouse is down");

    final String id;
    final String what;

    Fault(String id, String what) {
        this.id = id;
        this.what = what;
    }

    static Fault parse(String key, String id) {
        for (Fault f : values()) {
            if (f.id.equals(id.strip())) {
                return f;
            }
        }
        throw new ConfigException(key, id, "is not a fault; use any of " + all());
    }

    /** "kill,clickhouse,kafka,mariadb,reject,stop". */
    static String all() {
        return Arrays.stream(values()).map(f -> f.id).collect(Collectors.joining(","));
    }
}
