package com.piam.cdc.domain;

/** The four physical access control systems the demo simulates (MySQL and ClickHouse enum values). */
public enum PacsType {
    LENEL, CCURE, S2, GENETEC
}
