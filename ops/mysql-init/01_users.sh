# The cloudgate users, with passwords from the environment (demo defaults: .env.example; grants:
# 02_grants.sql). Two ways in, one file:
#  - the MySQL image's entrypoint sources it at the first start (docker_process_sql exists there);
#  - the local stack runs it (bash 01_users.sh) and pipes what it prints into MariaDB over the socket.
# Re-running it sets the passwords again, so a changed password takes effect at the next `stack.sh up`.
# The variables: CG_GENERATOR_PASSWORD, CG_CAPTURE_PASSWORD, CG_MONITOR_PASSWORD.

piam_sql_string() { # a quoted SQL string literal: \ and ' doubled
  local s="${1//\\/\\\\}"
  printf "'%s'" "${s//\'/\'\'}"
}

piam_users_sql() {
  local user var pw
  for user in cg_generator:CG_GENERATOR_PASSWORD debezium:CG_CAPTURE_PASSWORD cg_monitor:CG_MONITOR_PASSWORD; do
    var="${user#*:}" user="${user%%:*}"
    pw="${!var:-}"
    if [[ -z "$pw" ]]; then echo "01_users.sh: $var is empty; set it (the demo defaults are in .env.example)" >&2; return 1; fi
    printf "CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY %s;\n" "$user" "$(piam_sql_string "$pw")"
    printf "ALTER USER '%s'@'%%' IDENTIFIED BY %s;\n" "$user" "$(piam_sql_string "$pw")"
  done
}

if declare -F docker_process_sql >/dev/null; then
  piam_users_sql | docker_process_sql --database=mysql
else
  piam_users_sql
fi
