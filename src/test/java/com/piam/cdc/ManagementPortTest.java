package com.piam.cdc;

import com.piam.cdc.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManagementPortTest {

    @Test
    void aPortHeldByAnotherProcessStopsStartUpNamingIt() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> PipelineConfiguration.checkManagementPortFree("127.0.0.1", held.getLocalPort()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("MANAGEMENT_PORT='" + held.getLocalPort() + "'")
                    .hasMessageContaining("make demo-down");
        }
    }

    @Test
    void aFreePortPasses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        assertThatCode(() -> PipelineConfiguration.checkManagementPortFree("127.0.0.1", port)).doesNotThrowAnyException();
    }
}
