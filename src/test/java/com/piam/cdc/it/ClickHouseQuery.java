package com.piam.cdc.it;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A query against the local stack's ClickHouse over HTTP, for tests that run the runtime as a process. */
final class ClickHouseQuery {

    private ClickHouseQuery() {
    }

    static long count(String sql) throws Exception {
        String port = System.getenv().getOrDefault("CLICKHOUSE_PORT", "8123");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/?query="
                + URLEncoder.encode(sql, StandardCharsets.UTF_8))).GET().build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse answered " + response.statusCode() + ": " + body);
        }
        return Long.parseLong(body);
    }
}
