# syntax=docker/dockerfile:1
# Ferry in a container.
#   docker build -t ferry .
#   docker run -d --name ferry -e AWS_KEY=... -e AWS_SECRET=... -e AWS_REGION=eu-west-1 \
#     --ulimit nofile=65536:65536 -v /srv/photos:/watch:ro -v ferry-state:/var/lib/ferry -p 5000:5000 ferry
# (--ulimit: room for open files; Ferry warns at start below 4096, see docs/operations.md "Open files")
# A YAML file instead of (or beside) the environment:
#     -v /etc/ferry/config.yml:/etc/ferry/config.yml:ro ... ferry --config /etc/ferry/config.yml
# One-shot commands: docker run --rm ... ferry sync --config /etc/ferry/config.yml
# See docs/operations.md.
#
# Base images are pinned by the digest of their multi-platform index, so a rebuild gets the same bytes; the
# tag beside it says what the digest was taken for. To move to a newer build of the same tag:
#   docker buildx imagetools inspect eclipse-temurin:25-jre      (the "Digest:" line)
# and let a dependency bot propose the next ones.

FROM maven:3.9-eclipse-temurin-17@sha256:1ed5d1f54416b706707b4f3238f63a20bb06aab27c6d240090a2bb9ad895ed45 AS build
WORKDIR /src
COPY pom.xml .
# Dependencies and plugins first, in their own layer, so a source change does not download them again.
# A failed download fails the build here, where it says what was missing.
RUN set -eux; mvn -B -q dependency:go-offline
COPY src ./src
COPY bin ./bin
COPY packaging ./packaging
COPY docs ./docs
COPY README.md LICENSE config.example.yml ./
# The distribution archive, unpacked: bin/ferry, lib/ferry.jar, docs... (target/ferry-VERSION.tar.gz).
# The S3Proxy jar the build copies (target/s3proxy) serves the AOT training run below, not the image.
# Without the JDK 17 class data archive (profile cds-archive): the image runs JDK 25 with its AOT cache instead.
RUN set -eux; \
    mvn -B -q -DskipTests -P '!cds-archive' package; \
    mkdir /dist; \
    tar -xzf target/ferry-*.tar.gz -C /dist --strip-components=1; \
    test -x /dist/bin/ferry; \
    test -s /dist/lib/ferry.jar; \
    test -s target/s3proxy/s3proxy.jar

# JDK 25: its AOT cache (below) is what pays at start-up; Ferry's bytecode is Java 17's.
FROM eclipse-temurin:25-jre@sha256:681c543d6f36c50f45e9b5226930a46203dcfa351d3670e9d0bdf0dabae53539
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="ferry" \
      org.opencontainers.image.description="A daemon that carries every file under watched directory trees to S3, and never loses one." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:25-jre"
# curl for the HEALTHCHECK (and the training run); a system user and group of their own with a fixed numeric
# id, 10001 (a numeric USER lets Kubernetes check runAsNonRoot; give volumes to 10001); the state folder it owns.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends curl; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid 10001 ferry; \
    useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/ferry --shell /usr/sbin/nologin ferry; \
    mkdir -p /var/lib/ferry /watch /etc/ferry; \
    chown 10001:10001 /var/lib/ferry
COPY --from=build /dist /opt/ferry
RUN ln -s /opt/ferry/bin/ferry /usr/local/bin/ferry
# UTF-8 file names: without a UTF-8 locale the JVM cannot open files whose names are not ASCII.
# FERRY_JAVA_OPTS: the heap as a share of the container's memory (bin/ferry then leaves out its -Xmx512m);
# the launcher adds the serial collector and, on x86-64 only, C1 alone (docs/operations.md, "Tuning").
ENV LANG=C.UTF-8 \
    WATCH_PATH=/watch \
    STATE_DIR=/var/lib/ferry \
    PORT=5000 \
    FERRY_JAVA_OPTS="-XX:MaxRAMPercentage=75"
# The AOT cache: a training run (one 'ferry sync' against a throwaway S3Proxy on loopback, with this image's Java,
# jar and options) writes /opt/ferry/lib/ferry.aot, and every start reads it. The JVM and the jar never change
# inside an image, so it always matches; were it not to, the JVM says so on stderr and starts without it.
RUN --mount=type=bind,from=build,source=/src/target/s3proxy,target=/tmp/s3proxy \
    --mount=type=bind,source=packaging/docker,target=/tmp/training \
    set -eux; /tmp/training/aot-train /tmp/s3proxy/s3proxy.jar /opt/ferry/lib/ferry.aot
ENV FERRY_JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:AOTCache=/opt/ferry/lib/ferry.aot"
# Created owned by ferry, so a new named volume starts owned by ferry too.
VOLUME ["/var/lib/ferry"]
USER 10001:10001
EXPOSE 5000
# Liveness: /status answers while the process works. (Readiness, for orchestrators: GET /ready.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/status" > /dev/null || exit 1
# bin/ferry execs Java, so the JVM is PID 1 and handles SIGTERM itself (sun.misc.Signal): docker stop lets uploads
# under way finish within SHUTDOWN_GRACE (30 s; use docker stop -t 60) and it exits 0. It starts no child
# processes, so there is nothing to reap and no init is needed.
ENTRYPOINT ["/opt/ferry/bin/ferry"]
