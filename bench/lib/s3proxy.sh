# The S3 server of the benchmark: S3Proxy 4.1.0 in its own process, transient (in-memory) backend, with
# its Prometheus metrics on, which count every request by operation and bucket.
#
# Why transient: the objects live on S3Proxy's heap, so the server does no disk I/O and the run measures
# the clients (and the server's request handling), not this machine's disk; a restart empties it, so
# every run starts from the same empty server. The "wan" server adds S3Proxy's latency middleware: 30 ms
# of sleep in every blob store operation, as a distant region would.

S3_ACCESS_KEY=bench-access-key
S3_SECRET_KEY=bench-secret-key
BUCKET=bench
WARMUP_BUCKET=warmup
S3_PID=

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

# s3_start SERVER HEAP: starts S3Proxy (loopback or wan) on S3_PORT, metrics on METRICS_PORT.
s3_start() {
  local server=$1 heap=$2 dir="$WORK/s3proxy"
  mkdir -p "$dir"
  [ -n "${S3_PORT:-}" ] || S3_PORT=$(free_port)
  [ -n "${METRICS_PORT:-}" ] || METRICS_PORT=$(free_port)
  S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
  {
    echo "s3proxy.endpoint=$S3_ENDPOINT"
    echo "s3proxy.authorization=aws-v2-or-v4"
    echo "s3proxy.identity=$S3_ACCESS_KEY"
    echo "s3proxy.credential=$S3_SECRET_KEY"
    echo "s3proxy.ignore-unknown-headers=true"
    echo "jclouds.provider=transient"
    echo "s3proxy.metrics.enabled=true"
    echo "s3proxy.metrics.host=127.0.0.1"
    echo "s3proxy.metrics.port=$METRICS_PORT"
    if [ "$server" = wan ]; then echo "s3proxy.latency-blobstore.*.latency=$WAN_LATENCY_MS"; fi
  } > "$dir/$server.properties"
  java "-Xmx$heap" ${S3PROXY_EXTRA_OPTS:-} -jar "$S3PROXY_JAR" --properties "$dir/$server.properties" >> "$dir/s3proxy.log" 2>&1 &
  S3_PID=$!
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$S3_ENDPOINT/" 2>/dev/null; then return; fi
    kill -0 "$S3_PID" 2>/dev/null || { tail -20 "$dir/s3proxy.log"; die "S3Proxy exited (port $S3_PORT taken?)"; }
    nap 0.1
  done
  die "S3Proxy did not answer on $S3_ENDPOINT"
}

s3_stop() {
  if [ -n "$S3_PID" ] && kill -0 "$S3_PID" 2>/dev/null; then
    kill "$S3_PID"; wait "$S3_PID" 2>/dev/null || true
  fi
  S3_PID=
}

# A signed S3 request without a body, with curl (SigV4): s3_request METHOD PATH. curl does not send the
# payload hash S3 wants, so it is given: the SHA-256 of nothing.
s3_request() {
  curl -sf -o /dev/null -X "$1" --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "$S3_ENDPOINT$2"
}

# s3_fresh SERVER HEAP: an empty server with the bench bucket made (every tool then finds it, as users
# would), warmed up with a few hundred PUTs into another bucket so no tool pays for S3Proxy's JIT.
s3_fresh() {
  s3_stop
  s3_start "$1" "$2"
  s3_request PUT "/$BUCKET" || die "cannot create bucket $BUCKET"
  if [ "$WARMUP" = 1 ]; then
    s3_request PUT "/$WARMUP_BUCKET" || die "cannot create bucket $WARMUP_BUCKET"
    rclone_env
    "${CLEAN_ENV[@]}" "${RCLONE_ENV[@]}" rclone copy "$WORK/data/warmup" "bench:$WARMUP_BUCKET" --transfers 16 \
      > "$WORK/s3proxy/warmup.log" 2>&1 || log "warm-up failed (see $WORK/s3proxy/warmup.log); going on"
  fi
}

# Request counts by operation (all buckets but the warm-up's), one "operation method count" a line.
s3_requests_snapshot() {
  curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v skip="s3_bucket=\"$WARMUP_BUCKET\"" '
    /^http_server_request_duration_seconds_count\{/ && index($0, skip) == 0 {
      op = "?"; m = "?"
      if (match($0, /s3_operation="[^"]*"/)) op = substr($0, RSTART + 14, RLENGTH - 15)
      if (match($0, /http_request_method="[^"]*"/)) m = substr($0, RSTART + 21, RLENGTH - 22)
      n[op " " m] += $NF
    }
    END { for (k in n) print k, n[k] }'
}

# s3_requests_diff BEFORE AFTER: sets R_TOTAL, R_PUTS (requests with method PUT) and R_OPS
# ("PutObject:20000,HeadObject:3").
s3_requests_diff() {
  local line
  line=$(awk 'NR == FNR { b[$1 " " $2] = $3; next }
    { d = $3 - b[$1 " " $2]; if (d > 0) { total += d; if ($2 == "PUT") puts += d; ops[$1] += d } }
    END { s = ""; for (o in ops) s = s (s == "" ? "" : ",") o ":" ops[o]; printf "%d %d %s\n", total, puts, (s == "" ? "none" : s) }' \
    "$1" "$2")
  read -r R_TOTAL R_PUTS R_OPS <<< "$line"
}
