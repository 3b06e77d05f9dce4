-- Grants for the Debezium CDC user (the spec's user and grants).
CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED BY 'dbz';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
GRANT ALL PRIVILEGES ON cloudgate.* TO 'debezium'@'%';

-- The event generator writes new rows and reads nothing else: INSERT/SELECT on cloudgate only.
-- Demo credential; the runtime's default MYSQL_USER/MYSQL_PASSWORD (application.properties) match.
CREATE USER IF NOT EXISTS 'cg_generator'@'%' IDENTIFIED BY 'generator';
GRANT SELECT, INSERT ON cloudgate.* TO 'cg_generator'@'%';
FLUSH PRIVILEGES;
