# Ferry in a container.
#   docker build -t ferry .
#   docker run --rm -e AWS_KEY=... -e AWS_SECRET=... -e AWS_REGION=eu-west-1 \
#     -v /srv/photos:/watch:ro -v ferry-state:/var/lib/ferry -p 5000:5000 ferry
# See docs/operations.md.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
# Dependencies first, so a source change does not download them again.
RUN mvn -B -q -Dmdep.skip=true dependency:go-offline || true
COPY src ./src
# -Dmdep.skip: the S3Proxy test server the build copies for tests is not needed in the image.
RUN mvn -B -q -Dmdep.skip=true -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system ferry \
 && useradd --system --gid ferry --home-dir /var/lib/ferry --shell /usr/sbin/nologin ferry \
 && mkdir -p /var/lib/ferry /watch \
 && chown ferry:ferry /var/lib/ferry
COPY --from=build /src/target/ferry.jar /opt/ferry/ferry.jar
# UTF-8 file names: without a UTF-8 locale the JVM cannot open files whose names are not ASCII.
ENV LANG=C.UTF-8 \
    WATCH_PATH=/watch \
    STATE_DIR=/var/lib/ferry \
    PORT=5000
VOLUME ["/var/lib/ferry"]
USER ferry
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/status" > /dev/null || exit 1
# The JVM handles SIGTERM itself (graceful stop, exit 0), so it can run as PID 1.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-jar", "/opt/ferry/ferry.jar"]
