package com.piam.cdc;

import com.piam.cdc.config.Login;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.util.function.Consumer;

/** The one way the runtime and its tools open database pools. */
public final class Pools {

    private Pools() {
    }

    /** A small pool that does not connect at start-up: a database that is down is retried, not fatal. */
    public static HikariDataSource create(String name, String url, Login login, int size) {
        return create(name, url, login, size, c -> { });
    }

    public static HikariDataSource create(String name, String url, Login login, int size, Consumer<HikariConfig> customize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(login.user());
        config.setPassword(login.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        if (url.startsWith("jdbc:clickhouse:") || url.startsWith("jdbc:ch:")) {
            // Hikari checks an idle connection with isValid(timeout) unless given a test query, and the
            // ClickHouse driver keeps that timeout as the connection's read timeout: every later query or
            // insert longer than a second or so failed with "Read timed out" (ClickHousePoolsIT)
            config.setConnectionTestQuery("SELECT 1");
        }
        customize.accept(config);
        return new HikariDataSource(config);
    }
}
