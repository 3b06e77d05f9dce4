package com.piam.cdc.config;

/** Where the generators write: MySQL for the CDC path, or straight to the ClickHouse loader. */
public enum IngestMode {
    CDC, DIRECT
}
