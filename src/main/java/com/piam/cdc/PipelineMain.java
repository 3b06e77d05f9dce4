package com.piam.cdc;

import com.piam.cdc.config.ConfigException;
import org.apache.camel.main.Main;

/** Starts the PIAM CDC runtime: camel-main with the YAML routes under src/main/resources/routes. */
public final class PipelineMain {

    /** Exit code for a configuration value that cannot be used. */
    static final int EXIT_BAD_CONFIG = 2;

    private PipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(PipelineConfiguration.class);
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            ConfigException bad = configProblem(e);
            if (bad == null) {
                throw e;
            }
            // One line that names the key, the value and what is allowed; no stack trace.
            System.err.println("piam-cdc: " + bad.getMessage());
            exitCode = EXIT_BAD_CONFIG;
        }
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    static ConfigException configProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException c) {
                return c;
            }
        }
        return null;
    }
}
