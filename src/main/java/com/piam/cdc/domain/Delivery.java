package com.piam.cdc.domain;

/**
 * Where a change came from, and how the loader lets go of it: every change handed to the loader
 * ends in exactly one of {@link #loaded()} or {@link #setAside(String)}. On the CDC path that is
 * what allows its Kafka offset to be committed; direct mode has no delivery. A change whose batch
 * failed unexpectedly (an Error such as running out of memory) is {@link #abandoned()} instead: read
 * again from its source.
 */
public interface Delivery {

    /** The change is in ClickHouse. */
    void loaded();

    /**
     * The change can never be loaded: keep it aside with the reason, then let go of it. Throws when
     * it could not be set aside (the caller retries; the change is not let go).
     */
    void setAside(String reason) throws Exception;

    /**
     * The change was neither loaded nor set aside (its batch failed unexpectedly): its source hands it over
     * again. Nothing happens if it was settled already.
     */
    default void abandoned() {
    }

    /** Where it came from, e.g. cg.cloudgate.cg_access_event/0@1234, for log lines and reasons. */
    String where();

    /** Bytes this delivery holds (the original record), for the loader's memory budget. */
    long bytes();
}
