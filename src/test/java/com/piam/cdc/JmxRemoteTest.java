package com.piam.cdc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.remote.JMXAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import com.piam.cdc.tools.RouteControl;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JmxRemoteTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheExactUserAndPasswordLogIn() {
        JMXAuthenticator auth = JmxRemote.authenticator("piam", "s3cret");
        assertThat(auth.authenticate(new String[] {"piam", "s3cret"}).getPrincipals()).hasSize(1);
        for (Object wrong : new Object[] {null, "piam", new String[] {"piam"}, new String[] {"piam", "s3cre"},
                new String[] {"admin", "s3cret"}, new String[] {"piam", null}, new String[] {"piam\ns3cret", ""}}) {
            assertThatThrownBy(() -> auth.authenticate(wrong)).isInstanceOf(SecurityException.class)
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void aPasswordIsGeneratedOnceOwnerOnlyAndKept() throws Exception {
        Path file = dir.resolve("sub/jmx.password");
        String first = JmxRemote.generatedPassword(file);
        assertThat(first).hasSizeGreaterThanOrEqualTo(20);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(JmxRemote.generatedPassword(file)).isEqualTo(first);
        assertThat(RouteControl.credentials(Map.of("PIAM_DATA_DIR", dir.resolve("sub").toString()))).containsExactly("piam", first);
        assertThat(RouteControl.credentials(Map.of("JMX_USER", "ops", "JMX_PASSWORD", "given"))).containsExactly("ops", "given");
    }
}
