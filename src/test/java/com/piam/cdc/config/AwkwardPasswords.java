package com.piam.cdc.config;

import java.util.List;

/**
 * Passwords with every character a URI, a JAAS line, a shell or a properties file treats specially, and non-ASCII
 * letters: each login must carry them unchanged (issue 24).
 */
public final class AwkwardPasswords {

    public static final List<String> ALL = List.of("p) &%'\"\\# w=;ö€", "a)&b", "ends)", "a}&b", "ends}", "%41+%2B{{x}}",
            " lead trail ", "ünïcødé пароль 密码", "RAW(x)", "a&b=c?d#e", "${env:HOME}", "back\\slash\\");

    private AwkwardPasswords() {
    }
}
