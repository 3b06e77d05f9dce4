package com.piam.cdc.verify;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

/** The runtime's routes as the stages see them: a route's state by id. */
record Routes(CamelContext context) {

    String status(String routeId) {
        ServiceStatus s = context.getRouteController().getRouteStatus(routeId);
        return s == null ? "absent" : s.name();
    }

    boolean started(String routeId) {
        return context.getRouteController().getRouteStatus(routeId) == ServiceStatus.Started;
    }
}
