package com.piam.cdc.verify;

import java.util.function.Supplier;

/**
 * One pass of the verifier: its clock, and the facts read once and shared by two stages (the MySQL
 * facts feed the mysql and capture stages, the ClickHouse facts the clickhouse and freshness stages).
 */
final class VerifyRound {

    final long now;
    private final Supplier<MysqlProbe.Facts> mysqlProbe;
    private final Supplier<ClickHouseProbe.Facts> clickHouseProbe;
    private MysqlProbe.Facts mysql;
    private ClickHouseProbe.Facts clickHouse;

    VerifyRound(long now, Supplier<MysqlProbe.Facts> mysqlProbe, Supplier<ClickHouseProbe.Facts> clickHouseProbe) {
        this.now = now;
        this.mysqlProbe = mysqlProbe;
        this.clickHouseProbe = clickHouseProbe;
    }

    MysqlProbe.Facts mysql() {
        if (mysql == null) {
            mysql = mysqlProbe.get();
        }
        return mysql;
    }

    ClickHouseProbe.Facts clickHouse() {
        if (clickHouse == null) {
            clickHouse = clickHouseProbe.get();
        }
        return clickHouse;
    }
}
