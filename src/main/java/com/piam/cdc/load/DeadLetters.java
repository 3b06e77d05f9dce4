package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.Change;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Puts one row the loader cannot load somewhere it is kept, with its reason: on the CDC path its
 * delivery writes the original record to the dead-letter topic (retried while Kafka refuses: the
 * row's offset is not committed meanwhile); in direct mode the dead-letter file. Then records it
 * for the verifier ({@link RowsSetAside}) and logs it.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Retry retry;
    private final DeadLetterFile file;
    private final RowsSetAside log;

    DeadLetters(Retry retry, DeadLetterFile file, RowsSetAside log) {
        this.retry = retry;
        this.file = file;
        this.log = log;
    }

    <T> void setAside(FactTable<T> table, Change<T> c, String why) {
        String reason = table.key().apply(c.row()) + ": " + why;
        String where;
        if (c.delivery() != null) {
            retry.run("setting aside " + c.delivery().where() + " (" + reason + ")",
                    () -> "its partition is not committed past it", () -> {
                        c.delivery().setAside(reason);
                        return null;
                    });
            where = c.delivery().where() + " -> dead-letter topic";
        } else {
            File written = retry.run("writing a rejected row of " + table.name() + " to the dead-letter file",
                    () -> "the batch waits", () -> writeFile(table, c, reason));
            where = written.getPath();
        }
        log.record(table.name(), reason, where);
        LOG.warn("Set aside a row of {}: {} ({})", table.name(), reason, where);
    }

    /** Writes the row's columns to the dead-letter file; a row that cannot be converted is kept as one "row" text. */
    private <T> File writeFile(FactTable<T> table, Change<T> c, String reason) throws IOException {
        Object[] values;
        try {
            values = table.values(c);
        } catch (RuntimeException e) {
            return file.write(table.name(), List.of("row"), new Object[] {String.valueOf(c.row())}, reason);
        }
        return file.write(table.name(), table.columnNames(), values, reason);
    }
}
