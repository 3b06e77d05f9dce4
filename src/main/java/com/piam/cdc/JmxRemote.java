package com.piam.cdc;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.Map;

/**
 * Remote JMX on 127.0.0.1:JMX_PORT (opt-in): JConsole or any JMX client can stop, start and suspend
 * routes through Camel's route MBeans ({@code org.apache.camel:context=piam-cdc,type=routes,name="<routeId>"}).
 * Registry and connector share the one port, both bound to the loopback interface only; no
 * authentication, so it must never listen anywhere else.
 */
final class JmxRemote extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JmxRemote.class);

    private final int port;
    private Registry registry;
    private JMXConnectorServer server;

    JmxRemote(int port) {
        this.port = port;
    }

    @Override
    protected void doStart() throws Exception {
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
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopbackOnly),
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        LOG.info("JMX: {} (routes are org.apache.camel:type=routes MBeans: stop, start, suspend, resume)", url);
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
