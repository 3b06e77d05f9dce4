package com.piam.cdc.it;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A query against the local stack's ClickHouse over HTTP as its admin (tests act as the operator), or as another user. */
public final class ClickHouseQuery {

    private ClickHouseQuery() {
    }

    public static long count(String sql) throws Exception {
        return Long.parseLong(text(sql).strip());
    }

    /** The first column of every row (TabSeparated, unescaped), e.g. the event_ids a query finds. */
    public static List<String> column(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        for (String line : text(sql).split("\n")) {
            if (!line.isEmpty()) {
                values.add(line.split("\t", -1)[0]);
            }
        }
        return values;
    }

    /** The raw answer (TabSeparated); the query goes in the POST body, so long IN lists fit. */
    public static String text(String sql) throws Exception {
        return as("piam_admin", sql);
    }

    /** The raw answer to {@code sql} sent as {@code user}; a refusal throws with ClickHouse's message. */
    static String as(String user, String sql) throws Exception {
        String port = System.getenv().getOrDefault("CLICKHOUSE_PORT", "8123");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Authorization", StackLogins.clickHouseBasicAuth(user))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse answered " + response.statusCode() + ": " + body.strip());
        }
        return body;
    }
}
