// Runs statements on current ClickHouse in-process (chdb) for ClickHouseCurrentIT, which writes the
// job file: {chdb, workDir, usersXml, env, statements: [{name, sql}], output}. The server is set up
// like the Compose container: users.xml holds an admin (`default` here, as chdb runs queries as it)
// and users.d/ the project's piam-users.xml, whose passwords come from the environment (from_env).
// Every statement's outcome goes to the output file as JSON: {name, ok, result | error}.
const fs = require("fs");
const path = require("path");

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
Object.assign(process.env, job.env);
const { Session } = require(path.join(job.chdb, "node_modules", "chdb"));

const conf = path.join(job.workDir, "conf");
fs.mkdirSync(path.join(conf, "users.d"), { recursive: true });
fs.writeFileSync(path.join(conf, "config.xml"),
  `<clickhouse><user_directories><users_xml><path>${path.join(conf, "users.xml")}</path></users_xml></user_directories></clickhouse>\n`);
fs.writeFileSync(path.join(conf, "users.xml"), `<clickhouse>
  <profiles><default/></profiles>
  <users><default><password></password><networks><ip>::1</ip></networks><profile>default</profile><quota>default</quota>
    <access_management>1</access_management></default></users>
  <quotas><default/></quotas>
</clickhouse>\n`);
fs.copyFileSync(job.usersXml, path.join(conf, "users.d", "piam-users.xml"));

const session = new Session(path.join(job.workDir, "data"), { connectionArgs: [`--config-file=${path.join(conf, "config.xml")}`] });
const results = job.statements.map(({ name, sql }) => {
  try {
    return { name, ok: true, result: session.query(sql, "TSV") };
  } catch (e) {
    return { name, ok: false, error: String(e.message || e) };
  }
});
session.close();
fs.writeFileSync(job.output, JSON.stringify(results));
