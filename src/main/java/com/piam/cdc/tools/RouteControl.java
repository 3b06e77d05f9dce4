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

    /** Stops, starts, suspends or resumes one route of the runtime at 127.0.0.1:{@code port}; its state after. */
    public static String act(int port, String[] credentials, String action, String routeId) throws Exception {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException(action + " is not one of " + ACTIONS);
        }
        try (JMXConnector jmx = connect(port, credentials)) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            TreeMap<String, ObjectName> byId = routes(mbeans);
            if (!byId.containsKey(routeId)) {
                throw new IllegalArgumentException("no route '" + routeId + "'; routes: " + String.join(", ", byId.keySet()));
            }
            return act(mbeans, byId, action, routeId);
        }
    }

    private static String act(MBeanServerConnection mbeans, TreeMap<String, ObjectName> byId, String action, String routeId)
            throws Exception {
        ObjectName route = byId.get(routeId);
        mbeans.invoke(route, action, null, null);
        return String.valueOf(mbeans.getAttribute(route, "State"));
    }

    private static JMXConnector connect(int port, String[] credentials) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials));
    }

    /** The runtime's routes by id. */
    private static TreeMap<String, ObjectName> routes(MBeanServerConnection mbeans) throws Exception {
        TreeMap<String, ObjectName> byId = new TreeMap<>();
        for (ObjectName n : mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null)) {
            byId.put(ObjectName.unquote(n.getKeyProperty("name")), n);
        }
        return byId;
    }

    public static void main(String[] args) throws Exception {
        String port = java.util.Objects.requireNonNullElse(ToolSettings.lookup().apply("JMX_PORT"), "").strip(); // as the runtime reads it
        if (port.isBlank() || args.length == 0 || !(args[0].equals("status") || ACTIONS.contains(args[0]) && args.length == 2)) {
            System.err.println("usage: JMX_PORT=<port> route.sh status | " + String.join("|", ACTIONS) + " <routeId>"
                    + "   (the runtime must run with the same JMX_PORT)");
            System.exit(2);
        }
        String[] credentials = credentials(System.getenv());
        try (JMXConnector jmx = connect(Integer.parseInt(port), credentials)) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            TreeMap<String, ObjectName> byId = routes(mbeans);
            if (args[0].equals("status")) {
                for (var e : byId.entrySet()) {
                    System.out.printf("%-28s %-10s exchanges %s, failed %s%n", e.getKey(), mbeans.getAttribute(e.getValue(), "State"),
                            mbeans.getAttribute(e.getValue(), "ExchangesTotal"), mbeans.getAttribute(e.getValue(), "ExchangesFailed"));
                }
                return;
            }
            if (!byId.containsKey(args[1])) {
                System.err.println("no route '" + args[1] + "'; routes: " + String.join(", ", byId.keySet()));
                System.exit(2);
            }
            System.out.println(args[1] + ": " + act(mbeans, byId, args[0], args[1]));
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
