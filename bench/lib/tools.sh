# How each tool is run. Every run_* function takes: SRC (a folder whose "bench" folder holds the files;
# for Ferry that is WATCH_PATH, the others copy SRC/bench to the bench bucket), OUT (a path prefix for
# its logs), and MODE: "upload" (backfill into an empty bucket), "seed" (first upload before a no-op
# run) or "noop" (everything is already there). Each sets:
#   M_WALL (s), M_CPU (client CPU s), M_RSS (peak KiB), M_STARTUP (s or "-"), M_RC (0 = it finished)
# and leaves the tool's output in OUT.*.

# Scenarios 1-3 and 6 run Ferry as the one-shot `ferry sync`, like the other tools (it exits when everything
# is in S3), in its rclone-style form, as users type it: `bin/ferry sync SRC/bench s3://bench --transfers C`,
# credentials and endpoint from AWS_* variables, its state file under a --state-dir of the run's own.
# FERRY_MODE=daemon times the daemon instead (WATCH_PATH=SRC), until /status shows everything uploaded.
FERRY_MODE=${FERRY_MODE:-sync}
# Ferry runs as users run it, through bin/ferry, which starts Java with its own tuned options; FERRY_JAVA_OPTS
# (empty unless set, as for users) goes after them and wins. The raw client runs with the launcher's options
# on x86-64 (RAW_JAVA_OPTS) and FERRY_JAVA_OPTS after them, so that a profiler given with -agentpath reaches both JVMs.
FERRY_JAVA_OPTS=${FERRY_JAVA_OPTS:-}
RAW_JAVA_OPTS=${RAW_JAVA_OPTS:--XX:+ExitOnOutOfMemoryError -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}

# ferry_env SRC STATE TOOL: the daemon's settings for this run, in FERRY_ENV.
ferry_env() {
  FERRY_ENV=(WATCH_PATH="$1" STATE_DIR="$2" AWS_ENDPOINT_URL="$S3_ENDPOINT" AWS_KEY="$S3_ACCESS_KEY"
    AWS_SECRET="$S3_SECRET_KEY" AWS_REGION=us-east-1 LOG_LEVEL=info LANG=C.UTF-8)
  if [ "$3" != ferry-default ]; then FERRY_ENV+=(CONCURRENCY="$CONC"); fi
}

# The one-shot form's command line and environment (FERRY_SYNC): DIR s3://BUCKET, as rclone copy is given.
ferry_sync_command() { # SRC STATE TOOL
  FERRY_SYNC=(env AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
    AWS_ENDPOINT_URL="$S3_ENDPOINT" AWS_REGION=us-east-1 LANG=C.UTF-8
    FERRY_JAVA_OPTS="$FERRY_JAVA_OPTS ${FERRY_EXTRA_OPTS:-}"
    "${FERRY_BIN:-$ROOT/bin/ferry}" sync "$1/$BUCKET" "s3://$BUCKET" --state-dir "$2" --no-progress)
  if [ "$3" != ferry-default ]; then FERRY_SYNC+=(--transfers "$CONC"); fi
}

# MODE "adopt" (scenario 6): the objects are in S3 but the state store is empty, as after a lost state folder
# or a move from another tool; like "upload" and "seed" it starts from an empty state folder.
run_ferry() { # SRC OUT MODE TOOL
  local state="$WORK/state/${STATE_NAME:-$(basename "$2")}"
  if [ "$3" != noop ]; then rm -rf "$state"; fi
  mkdir -p "$state"
  case "$FERRY_MODE" in
    daemon) ferry_env "$1" "$state" "$4"; run_ferry_daemon "$2" "$3" ;;
    sync) ferry_sync_command "$1" "$state" "$4"; measure "$2" "${CLEAN_ENV[@]}" "${FERRY_SYNC[@]}"; M_STARTUP=- ;;
    *) die "FERRY_MODE must be daemon or sync" ;;
  esac
}

# GET /status of the daemon on FERRY_PORT into STATUS_BODY, without forking (bash's /dev/tcp).
ferry_status() {
  STATUS_BODY=
  { exec {sfd}<>"/dev/tcp/127.0.0.1/$FERRY_PORT"; } 2>/dev/null || return 1
  printf 'GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$sfd"
  IFS= read -r -d '' -u "$sfd" STATUS_BODY || true
  exec {sfd}>&-
  [[ $STATUS_BODY == "HTTP/1.1 200"* ]]
}

# Sums a numeric field over all buckets of STATUS_BODY.
status_sum() {
  local rest=$STATUS_BODY total=0
  while [[ $rest =~ \"$1\":([0-9]+) ]]; do
    total=$((total + BASH_REMATCH[1]))
    rest=${rest#*\"$1\":}
  done
  echo "$total"
}

# Starts the daemon (FERRY_ENV) in the background: FERRY_PID, FERRY_T0 (start), M_STARTUP once
# GET /status answers.
ferry_launch() { # OUT
  FERRY_PORT=$(free_port)
  now; FERRY_T0=$REPLY
  "${CLEAN_ENV[@]}" "${FERRY_ENV[@]}" PORT="$FERRY_PORT" FERRY_JAVA_OPTS="$FERRY_JAVA_OPTS ${FERRY_EXTRA_OPTS:-}" \
    "${FERRY_BIN:-$ROOT/bin/ferry}" > "$1.log" 2>&1 &
  FERRY_PID=$!
  M_STARTUP=-
  local deadline=$((SECONDS + 120))
  until ferry_status; do
    kill -0 "$FERRY_PID" 2>/dev/null || { tail -5 "$1.log" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || return 1
    nap 0.02
  done
  now; M_STARTUP=$(fsub "$REPLY" "$FERRY_T0")
}

ferry_stop() {
  kill -TERM "$FERRY_PID" 2>/dev/null || return 0
  local deadline=$((SECONDS + 90))
  while kill -0 "$FERRY_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do nap 0.1; done
  kill -KILL "$FERRY_PID" 2>/dev/null && log "ferry did not stop within 90 s of SIGTERM; killed"
  wait "$FERRY_PID" 2>/dev/null || true
}

# Daemon mode: the time from process start until GET /status shows the work done (polled every
# 100 ms: each poll costs the daemon a little CPU, about 1 ms): "upload"/"seed": every file uploaded (FILES_EXPECTED) and nothing queued or in flight;
# "noop": the start-up sweep finished (ready) and nothing queued or in flight. CPU and peak RSS are
# read from /proc at that moment, before the daemon is stopped.
run_ferry_daemon() { # OUT MODE
  local out=$1 mode=$2 deadline=$((SECONDS + RUN_TIMEOUT))
  M_RC=1
  ferry_launch "$out" || { M_WALL=-; M_CPU=-; M_RSS=-; ferry_stop; return; }
  while [ $SECONDS -lt $deadline ] && kill -0 "$FERRY_PID" 2>/dev/null; do
    if ferry_status; then
      local queued inflight uploaded
      queued=$(status_sum queued); inflight=$(status_sum inFlight); uploaded=$(status_sum uploaded)
      if [ "$queued" = 0 ] && [ "$inflight" = 0 ] && [[ $STATUS_BODY == *'"ready":true'* ]]; then
        if [ "$mode" = noop ] || [ "$uploaded" -ge "$FILES_EXPECTED" ]; then
          now; M_WALL=$(fsub "$REPLY" "$FERRY_T0")
          M_CPU=$(proc_cpu "$FERRY_PID"); M_RSS=$(proc_rss_peak "$FERRY_PID")
          proc_threads_cpu "$FERRY_PID" > "$out.threads"
          M_UPLOADED=$uploaded
          M_RC=0
          break
        fi
      fi
    fi
    nap 0.1
  done
  [ "$M_RC" = 0 ] || { M_WALL=-; M_CPU=-; M_RSS=-; log "ferry did not finish (see $out.log)"; }
  ferry_stop
}

# rclone's remote "bench:" from the environment (no config file): rclone_env sets RCLONE_ENV.
rclone_env() {
  RCLONE_ENV=(RCLONE_CONFIG="$WORK/rclone.conf" RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other
    RCLONE_CONFIG_BENCH_ENDPOINT="$S3_ENDPOINT" RCLONE_CONFIG_BENCH_REGION=us-east-1
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$S3_ACCESS_KEY"
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$S3_SECRET_KEY")
}

run_rclone() { # SRC OUT MODE TOOL
  local tuning=()
  if [ "$4" != rclone-default ]; then tuning=(--transfers "$CONC" --checkers "$CONC"); fi
  rclone_env
  measure "$2" "${CLEAN_ENV[@]}" "${RCLONE_ENV[@]}" rclone copy "$1/$BUCKET" "bench:$BUCKET" "${tuning[@]}"
  M_STARTUP=-
}

# aws-cli 2: `s3 cp --recursive` to upload (it never lists the bucket), `s3 sync` when it must skip
# what is there.
run_aws() { # SRC OUT MODE TOOL
  local conf="$WORK/aws-$4-$CONC"
  mkdir -p "$conf"
  printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$S3_ACCESS_KEY" "$S3_SECRET_KEY" \
    > "$conf/credentials"
  {
    printf '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n'
    if [ "$4" != aws-default ]; then printf '  max_concurrent_requests = %s\n' "$CONC"; fi
  } > "$conf/config"
  local command=(cp --recursive)
  if [ "$3" != upload ]; then command=(sync); fi
  measure "$2" "${CLEAN_ENV[@]}" AWS_CONFIG_FILE="$conf/config" AWS_SHARED_CREDENTIALS_FILE="$conf/credentials" \
    /usr/bin/aws --endpoint-url "$S3_ENDPOINT" s3 "${command[@]}" "$1/$BUCKET" "s3://$BUCKET/" --only-show-errors
  M_STARTUP=-
}

run_raw() { # SRC OUT MODE TOOL
  local parts=()   # raw-multipart: Ferry's default part size, so it does the multipart work Ferry does
  if [ "$4" = raw-multipart ]; then parts=(--part-size $((8 * 1024 * 1024))); fi
  measure "$2" "${CLEAN_ENV[@]}" BENCH_ACCESS_KEY="$S3_ACCESS_KEY" BENCH_SECRET_KEY="$S3_SECRET_KEY" \
    java $RAW_JAVA_OPTS $FERRY_JAVA_OPTS -cp "$BENCH_CP" dev.ferry.bench.RawPut --endpoint "$S3_ENDPOINT" --bucket "$BUCKET" \
    --root "$1/$BUCKET" --threads "$RAW_THREADS" "${parts[@]}"
  M_STARTUP=$(sed -n 's/.*startup_s=\([0-9.]*\).*/\1/p' "$2.out")
  [ -n "$M_STARTUP" ] || M_STARTUP=-
}

# run_tool TOOL SRC OUT MODE: dispatches on the tool's name.
run_tool() {
  M_UPLOADED=-
  case "$1" in
    ferry | ferry-default) run_ferry "$2" "$3" "$4" "$1" ;;
    ferry-old) [ -n "${OLD_FERRY:-}" ] || die "tool ferry-old needs --old-ferry DIR"
      FERRY_BIN="$OLD_FERRY/bin/ferry" run_ferry "$2" "$3" "$4" "$1" ;;
    rclone | rclone-default) run_rclone "$2" "$3" "$4" "$1" ;;
    aws | aws-default) run_aws "$2" "$3" "$4" "$1" ;;
    raw | raw-multipart) run_raw "$2" "$3" "$4" "$1" ;;
    *) die "unknown tool '$1' (ferry, ferry-default, ferry-old, rclone, rclone-default, aws, aws-default, raw, raw-multipart)" ;;
  esac
}
