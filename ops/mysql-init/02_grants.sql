-- Grants of the cloudgate users (created with their passwords by 01_users.sh). docs/security.md.

-- debezium: the capture. The spec's user and grants, kept as the spec wrote them (ALL on cloudgate is
-- more than capture needs: SELECT on cloudgate would do); only the capture logs in as this user.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
GRANT ALL PRIVILEGES ON cloudgate.* TO 'debezium'@'%';

-- cg_generator: the demo generators write new rows; they read only to check what they wrote.
GRANT SELECT, INSERT ON cloudgate.* TO 'cg_generator'@'%';

-- cg_monitor: the verifier and reconciliation read the tables and the binlog position (SHOW MASTER
-- STATUS, SHOW BINARY LOGS: REPLICATION CLIENT, which MariaDB calls BINLOG MONITOR), and write nothing.
GRANT SELECT ON cloudgate.* TO 'cg_monitor'@'%';
GRANT REPLICATION CLIENT ON *.* TO 'cg_monitor'@'%';
FLUSH PRIVILEGES;
