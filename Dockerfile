# The PIAM CDC runtime (one Camel process: generators, capture, consume, load).
# Build: docker build -t piam-cdc .   (docker compose builds it for you: make demo-up)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline -DexcludeReactor=true || true
COPY src ./src
COPY .env.example ./
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system piam && useradd --system --gid piam --home-dir /app --shell /usr/sbin/nologin piam \
    && mkdir -p /app /data && chown piam:piam /data
WORKDIR /app
COPY --from=build /src/target/piam-cdc.jar /app/piam-cdc.jar
COPY --from=build /src/target/lib /app/lib
COPY ops/runtime.jvm /app/runtime.jvm
USER piam
# capture offsets and schema history survive container restarts on the /data volume
# JVM options: /app/runtime.jvm (ops/runtime.jvm); a JAVA_OPTS environment variable replaces them
ENV PIAM_DATA_DIR=/data
# glibc's malloc otherwise keeps up to 8 arenas per core for the JVM's threads (RSS budget, ops/runtime.jvm)
ENV MALLOC_ARENA_MAX=2
VOLUME ["/data"]
ENTRYPOINT ["sh", "-c", "exec java ${JAVA_OPTS:-@/app/runtime.jvm} -jar /app/piam-cdc.jar"]
