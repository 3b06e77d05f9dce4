package com.piam.cdc.it;

import com.piam.cdc.PipelineConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import javax.sql.DataSource;
import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real runtime (PipelineConfiguration + the YAML routes) against the local stack that
 * `make test` starts: real MariaDB, ClickHouse and Kafka on 127.0.0.1. Tests tell their own rows
 * apart by time (rows ingested or generated after the test started).
 */
abstract class PipelineITSupport extends CamelMainTestSupport {

    /** Taken before the runtime starts, so every row this runtime writes is newer. */
    protected final long testStartMs = System.currentTimeMillis();

    /** Settings for this test's runtime, on top of application.properties. */
    protected abstract Properties settings();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(PipelineConfiguration.class);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        return settings();
    }

    protected <T> T bean(String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        assertThat(bean).as("bean " + name).isNotNull();
        return bean;
    }

    protected long clickHouse(String sql) throws Exception {
        return single(bean("clickHouseDataSource", DataSource.class), sql);
    }

    protected long mysql(String sql) throws Exception {
        return single(bean("cloudgateDataSource", DataSource.class), sql);
    }

    private static long single(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: " + sql).isTrue();
            return rs.getLong(1);
        }
    }

    /** Runs ops/local/stack.sh with the given arguments; fails the test if it fails. */
    protected static void stack(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = new File("ops/local/stack.sh").getAbsolutePath();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stack.sh finished").isTrue();
        assertThat(p.exitValue()).as("stack.sh " + String.join(" ", args) + " exit code").isZero();
    }
}
