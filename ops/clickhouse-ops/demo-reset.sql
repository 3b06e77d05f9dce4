-- make demo-reset: the last day of pipeline data goes (local stack and Compose, as the admin).
ALTER TABLE piam.fact_access_events DELETE WHERE event_time > now() - INTERVAL 1 DAY;
ALTER TABLE piam.fact_connector_health DELETE WHERE check_time > now() - INTERVAL 1 DAY;
ALTER TABLE piam.rollup_access_hourly DELETE WHERE hour > now() - INTERVAL 1 DAY;
ALTER TABLE piam.rollup_connector_latest DELETE WHERE check_time > now() - INTERVAL 1 DAY;
