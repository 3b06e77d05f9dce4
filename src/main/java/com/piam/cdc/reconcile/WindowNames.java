package com.piam.cdc.reconcile;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How reconciliation names its minutes, in UTC like the source times: "14:03", "14:03-14:04", "2026-11-28 14:03-14:04". */
public final class WindowNames {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private WindowNames() {
    }

    public static String clock(long epochSec) {
        return CLOCK.format(Instant.ofEpochSecond(epochSec));
    }

    /** "2026-11-30 14:03": what SINCE/UNTIL of make reconcile take. */
    public static String day(long epochSec) {
        return DAY.format(Instant.ofEpochSecond(epochSec));
    }

    /** "14:03" today, "2026-11-28 14:03" before. */
    public static String moment(long epochSec) {
        boolean today = epochSec / 86_400 == System.currentTimeMillis() / 86_400_000;
        return today ? clock(epochSec) : day(epochSec);
    }

    /** The minute starting at {@code startSec}: "14:03-14:04" today, "2026-11-28 14:03-14:04" before. */
    public static String window(long startSec) {
        return moment(startSec) + "-" + clock(startSec + 60);
    }
}
