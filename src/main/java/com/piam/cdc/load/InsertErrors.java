package com.piam.cdc.load;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a rejected row from a failing ClickHouse. Only ClickHouse errors that mean "this value
 * cannot be parsed or held" (and a row our conversion fails on) count as rejected data: the batch
 * is split to find the rows. Everything else (connection refused or reset, timeouts, too many
 * parts, memory, shutting down, a missing table, a wrong password, an error never seen before) is
 * retried with the rows kept, because setting rows aside for a problem of the server would lose
 * good data.
 */
public final class InsertErrors {

    /**
     * ClickHouse error codes of a value that cannot be parsed or held: CANNOT_PARSE_TEXT 6,
     * CANNOT_PARSE_ESCAPE_SEQUENCE 25, CANNOT_PARSE_QUOTED_STRING 26, CANNOT_PARSE_INPUT_ASSERTION_FAILED 27,
     * CANNOT_PARSE_DATE 38, CANNOT_PARSE_DATETIME 41, TYPE_MISMATCH 53, ARGUMENT_OUT_OF_BOUND 69,
     * CANNOT_CONVERT_TYPE 70, CANNOT_PARSE_NUMBER 72, INCORRECT_DATA 117, TOO_LARGE_STRING_SIZE 131,
     * VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE 321, CANNOT_PARSE_UUID 376, UNKNOWN_ELEMENT_OF_ENUM 691.
     */
    static final Set<Integer> DATA_CODES = Set.of(6, 25, 26, 27, 38, 41, 53, 69, 70, 72, 117, 131, 321, 376, 691);

    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");
    private static final Pattern TEXT = Pattern.compile("(?:e\\.displayText\\(\\) = )?DB::Exception: (.*?)(?:, e\\.what\\(\\).*|\\s*\\(version.*)?$",
            Pattern.DOTALL);

    private InsertErrors() {
    }

    /** ClickHouse's error: its code and the message after it. */
    private record ServerError(int code, String message) {
    }

    /** The first ClickHouse error ("Code: N, ...") in the cause chain, null if there is none (a connection error, say). */
    private static ServerError serverError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            Matcher code = m == null ? null : CODE.matcher(m);
            if (code != null && code.find()) {
                return new ServerError(Integer.parseInt(code.group(1)), m.substring(code.end()));
            }
        }
        return null;
    }

    /**
     * Whether ClickHouse refused a value of the insert, or our conversion failed on a row before it reached
     * ClickHouse ({@link ClickHouseWriter.UnconvertibleRow}), as opposed to ClickHouse failing itself.
     */
    public static boolean rejectsData(Throwable e) {
        if (e instanceof ClickHouseWriter.UnconvertibleRow) {
            return true;
        }
        ServerError error = serverError(e);
        // 18.16 reports an unknown Enum8 element as LOGICAL_ERROR 49; current releases use 691
        return error != null && (DATA_CODES.contains(error.code())
                || (error.code() == 49 && error.message().contains("Unknown element")));
    }

    /**
     * A batch whose rows span more partitions (months) than one insert may write: current ClickHouse
     * refuses it whole (TOO_MANY_PARTS 252, max_partitions_per_insert_block, default 100), a historic
     * snapshot can do that. Not a problem of any row: the batch is split by partition.
     */
    public static boolean tooManyPartitions(Throwable e) {
        ServerError error = serverError(e);
        return error != null && error.code() == 252 && error.message().contains("Too many partitions");
    }

    /** "ClickHouse refused it: Code 321: Expression returns value NULL, that is out of range of type UInt64, at: -5, ..." */
    public static String reason(Throwable e) {
        if (e instanceof ClickHouseWriter.UnconvertibleRow) {
            return e.getMessage(); // "could not be converted for piam.fact_access_events: NullPointerException: ..."
        }
        ServerError error = serverError(e);
        if (error == null) {
            return "ClickHouse refused it: " + com.piam.cdc.Retry.rootMessage(e);
        }
        Matcher text = TEXT.matcher(error.message());
        String detail = (text.find() ? text.group(1) : error.message()).replaceAll("\\s+", " ").strip();
        if (detail.length() > 300) {
            detail = detail.substring(0, 297) + "...";
        }
        return "ClickHouse refused it: Code " + error.code() + ": " + detail;
    }
}
