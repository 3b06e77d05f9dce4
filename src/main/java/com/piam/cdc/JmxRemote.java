package com.piam.cdc;

import com.piam.cdc.config.Login;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Remote JMX on 127.0.0.1:JMX_PORT (opt-in): JConsole or any JMX client can stop, start and suspend
 * routes through Camel's route MBeans ({@code org.apache.camel:context=piam-cdc,type=routes,name="<routeId>"}).
 * Registry and connector share the one port, both bound to the loopback interface only, and a client
 * must log in: JMX_USER with JMX_PASSWORD, or the password generated into {@link #passwordFile} at the
 * first start. The connection itself is not encrypted (loopback only; docs/security.md).
 */
public final class JmxRemote extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JmxRemote.class);

    private final int port;
    private final Login login;
    private final File dataDir;
    private Registry registry;
    private JMXConnectorServer server;

    JmxRemote(int port, Login login, File dataDir) {
        this.port = port;
        this.login = login;
        this.dataDir = dataDir;
    }

    /** Where the generated password lives when JMX_PASSWORD is not given. */
    public static File passwordFile(File dataDir) {
        return new File(dataDir, "jmx.password");
    }

    @Override
    protected void doStart() throws Exception {
        String password = login.password();
        String source = "JMX_PASSWORD";
        if (password.isEmpty()) {
            File file = passwordFile(dataDir);
            password = generatedPassword(file.toPath());
            source = "the password in " + file.getAbsolutePath();
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        RMIServerSocketFactory loopbackOnly = p -> new ServerSocket(p, 50, loopback);
        // stubs handed to clients must name the loopback address, not the host name
        System.setProperty("java.rmi.server.hostname", loopback.getHostAddress());
        try {
            registry = LocateRegistry.createRegistry(port, null, loopbackOnly);
        } catch (java.rmi.server.ExportException e) {
            throw new IllegalStateException("JMX_PORT=" + port + ": the port is in use on 127.0.0.1; choose another or leave JMX_PORT empty", e);
        }
        String host = loopback.getHostAddress();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":" + port + "/jmxrmi");
        server = JMXConnectorServerFactory.newJMXConnectorServer(url,
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopbackOnly,
                        JMXConnectorServer.AUTHENTICATOR, authenticator(login.user(), password)),
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        LOG.info("JMX: {} (log in as '{}' with {}; routes are org.apache.camel:type=routes MBeans: stop, start, suspend, resume)",
                url, login.user(), source);
    }

    /** Accepts exactly {user, password}; the comparison takes the same time whatever the guess. */
    static JMXAuthenticator authenticator(String user, String password) {
        byte[] expected = (user + "\n" + password).getBytes(StandardCharsets.UTF_8);
        return credentials -> {
            if (credentials instanceof String[] pair && pair.length == 2 && pair[0] != null && pair[1] != null
                    && MessageDigest.isEqual(expected, (pair[0] + "\n" + pair[1]).getBytes(StandardCharsets.UTF_8))) {
                return new Subject(true, Set.of(new JMXPrincipal(user)), Set.of(), Set.of());
            }
            throw new SecurityException("JMX login refused: wrong or missing user name and password");
        };
    }

    /** The password in {@code file}; a new random one, written owner-only (0600), when the file does not exist. */
    static String generatedPassword(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "jmx", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
            Files.move(tmp, file);
            LOG.info("JMX: generated a password into {} (owner-only)", file.toAbsolutePath());
        }
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.isEmpty()) {
            throw new IllegalStateException(file + " is empty; delete it to have a new JMX password generated, or set JMX_PASSWORD");
        }
        return password;
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (registry != null) {
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }
}
