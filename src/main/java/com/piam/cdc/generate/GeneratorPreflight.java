package com.piam.cdc.generate;

import com.piam.cdc.Retry;
import com.piam.cdc.config.MysqlTls;
import com.piam.cdc.config.MysqlTlsHint;
import com.piam.cdc.config.PreflightException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;

/**
 * INGEST_MODE=cdc: checks at start that the generators' MySQL login works and may read the
 * cloudgate tables, so a wrong MYSQL_USER/MYSQL_PASSWORD stops start-up with its name instead of
 * showing up later as a generator retrying for ever.
 */
public final class GeneratorPreflight {

    private GeneratorPreflight() {
    }

    public static void check(DataSource mysql, String user, String jdbcUrl, MysqlTls tls) {
        try (Connection c = mysql.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(10);
            st.execute("SELECT 1 FROM cg_access_event WHERE 1 = 0");
            st.execute("SELECT 1 FROM cg_connector_health WHERE 1 = 0");
        } catch (Exception e) {
            throw new PreflightException("the generators cannot use MySQL as MYSQL_USER='" + user + "' at "
                    + jdbcUrl.replaceFirst("\\?.*", "") + ": " + Retry.rootMessage(e) + "; " + MysqlTlsHint.hint(tls, Retry.rootMessage(e),
                    "check MYSQL_USER/MYSQL_PASSWORD (ops/mysql-init/02_grants.sql) and that MySQL is up (ops/local/stack.sh up mysql)"));
        }
    }
}
