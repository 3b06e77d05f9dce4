package com.piam.cdc.config;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** A password reaches the settings as it was given (-D here; the environment the same way), whatever Camel's parser does. */
class RawSecretsTest {

    @Test
    void passwordsBypassCamelsPlaceholderParsing() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Function<String, String> viaCamel = key -> camel.getPropertiesComponent().resolveProperty(key).orElse(null);
            Function<String, String> lookup = Secrets.rawSecrets(viaCamel);
            for (String password : AwkwardPasswords.ALL) {
                System.setProperty("PIAM_TEST_PASSWORD", password);
                System.setProperty("PIAM_TEST_PASSWORD_FILE", "/dir " + password);
                try {
                    assertThat(lookup.apply("PIAM_TEST_PASSWORD")).as(password).isEqualTo(password);
                    assertThat(lookup.apply("PIAM_TEST_PASSWORD_FILE")).isEqualTo("/dir " + password);
                } finally {
                    System.clearProperty("PIAM_TEST_PASSWORD");
                    System.clearProperty("PIAM_TEST_PASSWORD_FILE");
                }
            }
            System.setProperty("PIAM_TEST_PASSWORD", "back\\slash\\");
            String camelSays;
            try {
                camelSays = viaCamel.apply("PIAM_TEST_PASSWORD");
            } finally {
                System.clearProperty("PIAM_TEST_PASSWORD");
            }
            assertThat(camelSays).as("why: Camel's own resolution drops the last backslash").isEqualTo("back\\slash");
            assertThat(lookup.apply("MANAGEMENT_HOST")).as("other settings still resolve through Camel").isNull();
        }
    }
}
