package com.piam.cdc.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StageControlTest {

    private final StageControl control = new StageControl(null, "127.0.0.1", 9876);

    @Test
    void onlyThePageItselfWithTheTokenMayAct() {
        String t = control.token();
        assertThat(t).hasSize(48);
        assertThat(new StageControl(null, "127.0.0.1", 9876).token()).isNotEqualTo(t);
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9876", t, "load-access-events", "stop")).isNull();
        assertThat(control.check("localhost:9876", "http://localhost:9876", t, "generate-access-events", "suspend")).isNull();
        // another origin, even with the token
        assertThat(control.check("127.0.0.1:9876", "http://evil.example", t, "load-access-events", "stop").status()).isEqualTo(403);
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9877", t, "load-access-events", "stop").status()).isEqualTo(403);
        assertThat(control.check("127.0.0.1:9876", null, t, "load-access-events", "stop").status()).isEqualTo(403);
        // a rebound name, or no token, or a wrong one
        assertThat(control.check("evil.example:9876", "http://evil.example:9876", t, "load-access-events", "stop").reason())
                .contains("Host 'evil.example:9876' is not this server");
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9876", null, "load-access-events", "stop").status()).isEqualTo(403);
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9876", t + "x", "load-access-events", "stop").status()).isEqualTo(403);
        // only the strip's routes and the four actions
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9876", t, "verify-pipeline", "stop").status()).isEqualTo(400);
        assertThat(control.check("127.0.0.1:9876", "http://127.0.0.1:9876", t, "load-access-events", "remove").status()).isEqualTo(400);
    }

    @Test
    void controlsAreOfferedOnlyUnderTheServersOwnNames() {
        assertThat(control.ownHost("127.0.0.1:9876")).isTrue();
        assertThat(control.ownHost("LOCALHOST:9876")).isTrue();
        assertThat(control.ownHost("127.0.0.1:80")).isFalse();
        assertThat(control.ownHost("attacker.example:9876")).isFalse();
        assertThat(control.ownHost(null)).isFalse();
    }
}
