package com.piam.cdc.verify;

/**
 * One stage of the verdict: its facts and, when something is wrong, a reason that tells the operator
 * where to look. Every check has a short timeout, so a dead service fails its stage instead of hanging
 * the verifier.
 */
interface Stage extends AutoCloseable {

    /** The stage's name in the report, the /observe/pipeline JSON and its Camel health check. */
    String name();

    StageStatus check(VerifyRound round);

    /** Releases what the stage holds (clients, pools); most hold nothing. */
    @Override
    default void close() {
    }
}
