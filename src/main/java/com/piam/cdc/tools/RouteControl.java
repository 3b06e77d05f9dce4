package com.piam.cdc.tools;

import com.piam.cdc.JmxRemote;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Route control from the command line, over the runtime's remote JMX (JMX_PORT):
 * {@code ops/local/route.sh status | stop|start|suspend|resume <routeId>}.
 */
public final class RouteControl {

    private static final List<String> ACTIONS = List.of("stop", "start", "suspend", "resume");

    private RouteControl() {
    }

    /**
     * The same login the runtime expects: JMX_USER (default piam) and JMX_PASSWORD, JMX_PASSWORD_FILE, or
     * the password the runtime generated into $PIAM_DATA_DIR/jmx.password (default .local).
     */
    public static String[] credentials(Map<String, String> env) throws IOException {
        String user = env.getOrDefault("JMX_USER", "piam");
        String password = env.get("JMX_PASSWORD");
        if (password == null || password.isEmpty()) {
            String file = env.get("JMX_PASSWORD_FILE");
            Path path = file != null && !file.isBlank() ? Path.of(file)
                    : JmxRemote.passwordFile(new java.io.File(env.getOrDefault("PIAM_DATA_DIR", ".local"))).toPath();
            password = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8).strip() : "";
        }
        return new String[] {user, password};
    }

    public static void main(String[] args) throws Exception {
        String port = System.getenv().getOrDefault("JMX_PORT", "");
        if (port.isBlank() || args.length == 0 || !(args[0].equals("status") || ACTIONS.contains(args[0]) && args.length == 2)) {
            System.err.println("usage: JMX_PORT=<port> route.sh status | " + String.join("|", ACTIONS) + " <routeId>"
                    + "   (the runtime must run with the same JMX_PORT)");
            System.exit(2);
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        String[] credentials = credentials(System.getenv());
        try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials))) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            Set<ObjectName> routes = mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
            TreeMap<String, ObjectName> byId = new TreeMap<>();
            for (ObjectName n : routes) {
                byId.put(ObjectName.unquote(n.getKeyProperty("name")), n);
            }
            if (args[0].equals("status")) {
                for (var e : byId.entrySet()) {
                    System.out.printf("%-28s %-10s exchanges %s, failed %s%n", e.getKey(), mbeans.getAttribute(e.getValue(), "State"),
                            mbeans.getAttribute(e.getValue(), "ExchangesTotal"), mbeans.getAttribute(e.getValue(), "ExchangesFailed"));
                }
                return;
            }
            ObjectName route = byId.get(args[1]);
            if (route == null) {
                System.err.println("no route '" + args[1] + "'; routes: " + String.join(", ", byId.keySet()));
                System.exit(2);
            }
            mbeans.invoke(route, args[0], null, null);
            System.out.println(args[1] + ": " + mbeans.getAttribute(route, "State"));
        } catch (SecurityException e) {
            System.err.println("the runtime's JMX refused the login as '" + credentials[0] + "': " + e.getMessage()
                    + "; give the runtime's JMX_USER and JMX_PASSWORD (or JMX_PASSWORD_FILE)");
            System.exit(1);
        } catch (java.io.IOException e) {
            System.err.println("cannot reach the runtime's JMX at 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); start it with JMX_PORT=" + port);
            System.exit(1);
        }
    }
}
