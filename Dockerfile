# Ferry in a container.
#   docker build -t ferry .
#   docker run -d --name ferry -e AWS_KEY=... -e AWS_SECRET=... -e AWS_REGION=eu-west-1 \
#     --ulimit nofile=65536:65536 -v /srv/photos:/watch:ro -v ferry-state:/var/lib/ferry -p 5000:5000 ferry
# (--ulimit: room for open files; Ferry warns at start below 4096, see docs/operations.md "Open files")
# A YAML file instead of (or beside) the environment:
#     -v /etc/ferry/config.yml:/etc/ferry/config.yml:ro ... ferry --config /etc/ferry/config.yml
# See docs/operations.md.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
# Dependencies and plugins first, in their own layer, so a source change does not download them again.
# (Not with -Dmdep.skip: that flag skips every dependency-plugin goal, go-offline included.)
RUN mvn -B -q dependency:go-offline || true
COPY src ./src
# -Dmdep.skip: the S3Proxy test server the build copies for the tests is not needed in the image.
RUN mvn -B -q -Dmdep.skip=true -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK; a system user and group of its own; the state folder it owns.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system ferry \
 && useradd --system --gid ferry --home-dir /var/lib/ferry --shell /usr/sbin/nologin ferry \
 && mkdir -p /var/lib/ferry /watch /etc/ferry \
 && chown ferry:ferry /var/lib/ferry
COPY --from=build /src/target/ferry.jar /opt/ferry/ferry.jar
# The JIT option, by CPU: C1 only on x86-64, where Ferry's native crypto provider (bundled for x86-64 only) keeps
# hashing and TLS fast without C2; elsewhere (arm64) they need C2's intrinsics, so the default JIT.
RUN if [ "$(uname -m)" = x86_64 ]; then echo "-XX:TieredStopAtLevel=1"; fi > /opt/ferry/jit.options
# UTF-8 file names: without a UTF-8 locale the JVM cannot open files whose names are not ASCII.
ENV LANG=C.UTF-8 \
    WATCH_PATH=/watch \
    STATE_DIR=/var/lib/ferry \
    PORT=5000
# Created owned by ferry, so a new named volume starts owned by ferry too.
VOLUME ["/var/lib/ferry"]
USER ferry
EXPOSE 5000
# Liveness: /status answers while the process works. (Readiness, for orchestrators: GET /ready.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/status" > /dev/null || exit 1
# The JVM is PID 1 and handles SIGTERM itself (sun.misc.Signal): docker stop lets uploads under way finish
# within SHUTDOWN_GRACE (30 s; use docker stop -t 60) and it exits 0. It starts no child processes, so
# there is nothing to reap and no init is needed. The serial collector: for a heap of this size it costs
# less CPU and memory than G1 (measured in docs/performance.md), and Ferry has no latency-critical pauses.
# C1 only (TieredStopAtLevel=1, from jit.options on x86-64): compiling the AWS SDK with C2 costs more CPU than
# it saves for the first ~100,000 uploads after each start (docs/performance.md).
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "@/opt/ferry/jit.options", "-jar", "/opt/ferry/ferry.jar"]
