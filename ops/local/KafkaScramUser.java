import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local stack's Kafka user for its SASL_SSL listener (STACK_SECURE=true): sets KAFKA_USER's SCRAM-SHA-256 and
 * SCRAM-SHA-512 credentials to KAFKA_PASSWORD (both from the environment, never the command line) through the broker's
 * PLAINTEXT listener on 127.0.0.1. Run by ops/local/stack.sh at each start (java -cp kafka's jars KafkaScramUser.java).
 */
public final class KafkaScramUser {

    public static void main(String[] args) throws Exception {
        String user = System.getenv("KAFKA_USER");
        String password = System.getenv("KAFKA_PASSWORD");
        if (args.length != 1 || user == null || user.isBlank() || password == null || password.isEmpty()) {
            System.err.println("usage: KAFKA_USER=… KAFKA_PASSWORD=… java KafkaScramUser.java <plaintext bootstrap>");
            System.exit(2);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0], "request.timeout.ms", 15_000,
                "default.api.timeout.ms", 30_000))) {
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                // one mechanism per request: the broker refuses a user altered twice in one request
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(mechanism, 8192), password))).all().get(60, TimeUnit.SECONDS);
            }
        }
        System.out.println("kafka: SCRAM-SHA-256/512 credentials of " + user + " set");
    }
}
