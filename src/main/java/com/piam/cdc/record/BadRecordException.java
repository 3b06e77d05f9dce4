package com.piam.cdc.record;

/** A change record that cannot be read or mapped; the message says why (it goes to the dead-letter topic). */
public class BadRecordException extends Exception {

    public BadRecordException(String message) {
        super(message);
    }

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A value quoted in a reason: at most 80 characters (a 1 MB value must not become a 1 MB reason). */
    public static String clip(String v) {
        return v.length() <= 80 ? v : v.substring(0, 77) + "...";
    }
}
