package com.piam.cdc.record;

/** A change record that cannot be read or mapped; the message says why (it goes to the dead-letter topic). */
public class BadRecordException extends Exception {

    public BadRecordException(String message) {
        super(message);
    }

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
