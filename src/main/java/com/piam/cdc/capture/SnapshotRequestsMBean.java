package com.piam.cdc.capture;

/** The JMX face of {@link SnapshotRequests}: a snapshot on demand from JConsole or any JMX client. */
public interface SnapshotRequestsMBean {

    /**
     * Reads a table again. {@code table}: events, health, or empty for both; {@code where}: an SQL condition on the source
     * table, or empty for every row. Returns what was asked, or why not ("not asked: …").
     */
    String snapshot(String table, String where);
}
