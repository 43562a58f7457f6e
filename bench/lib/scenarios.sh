# The five scenarios of issue 5. Each appends one line per timed run to $RUNS (see RunRow.java).

# Data sets are generated once per work dir and kept (regenerated when their parameters change).
dataset() { # NAME PARAMS GENERATE-ARGS...
  local name=$1 params=$2; shift 2
  local dir="$WORK/data/$name"
  if [ "$(cat "$dir.params" 2>/dev/null)" != "$params" ]; then
    log "generating $name: $params"
    rm -rf "$dir" "$dir.params"
    bench_java Generate "$@" >&2 || die "cannot generate $name"
    echo "$params" > "$dir.params"
  fi
}

prepare_data() {
  dataset warmup "300 small" small --dir "$WORK/data/warmup" --count 300 --min-bytes 1024 --max-bytes 16384 --seed 7
  if wanted 1 || wanted 3 || wanted 6; then
    dataset s1 "$FILES small 1-16KiB" small --dir "$WORK/data/s1/$BUCKET" --count "$FILES" \
      --min-bytes 1024 --max-bytes 16384 --seed 1
    if [ "$WAN_FILES" != "$FILES" ] && server_wanted wan; then
      dataset s1wan "$WAN_FILES small 1-16KiB" small --dir "$WORK/data/s1wan/$BUCKET" --count "$WAN_FILES" \
        --min-bytes 1024 --max-bytes 16384 --seed 1
    fi
  fi
  if wanted 2; then
    dataset s2 "$LARGE_COUNT x $LARGE_MIB MiB" large --dir "$WORK/data/s2/$BUCKET" --count "$LARGE_COUNT" \
      --bytes $((LARGE_MIB * 1048576)) --seed 2
  fi
  if wanted 5; then
    dataset s5 "$SCALE_FILES tiny" tiny --dir "$WORK/data/s5/$BUCKET" --count "$SCALE_FILES"
  fi
}

add_row() { # fields in RunRow.HEADER order
  local IFS=$'\t'
  echo "$*" >> "$RUNS"
}

# Marks the end of a timed run: the server's CPU and the machine's busy time at that moment.
mark_end() {
  END_SERVER_CPU=$(proc_cpu "$S3_PID")
  END_BUSY=$(machine_busy)
}

# timed_run SERVER SCENARIO TOOL REP SRC MODE: one measured run, checked afterwards, one row in RUNS.
timed_run() {
  local server=$1 scen=$2 tool=$3 rep=$4 src=$5 mode=$6
  local id="$server-s$scen-$tool-r$rep" out
  out="$WORK/runs/$id"
  local files bytes
  read -r files bytes < <(du_files "$src/$BUCKET")
  FILES_EXPECTED=$files
  # Every tool reads its files from the page cache: otherwise the first run after the data set was made or
  # evicted pays for disk reads that the others do not (seen in a profile as block I/O under Ferry's reads).
  if [ "$mode" = upload ] || [ "$mode" = adopt ]; then page_cache_warm "$src/$BUCKET"; fi
  s3_requests_snapshot > "$out.req0"
  local cpu0 busy0 load
  cpu0=$(proc_cpu "$S3_PID"); busy0=$(machine_busy); load=$(cut -d' ' -f1 /proc/loadavg)
  run_tool "$tool" "$src" "$out" "$mode"
  mark_end
  s3_requests_snapshot > "$out.req1"
  s3_requests_diff "$out.req0" "$out.req1"
  local server_cpu others ok=0 verdict
  server_cpu=$(fsub "$END_SERVER_CPU" "$cpu0")
  others=$(awk -v b="$(fsub "$END_BUSY" "$busy0")" -v c="$M_CPU" -v s="$server_cpu" \
    'BEGIN { o = b - (c == "-" ? 0 : c) - s; printf "%.1f", (o < 0 ? 0 : o) }')
  if [ "$M_RC" = 0 ]; then
    if [ "$scen" = 5 ]; then
      [ "$R_PUTS" = 0 ] && ok=1 && verdict="no PUT (no content check: nothing was uploaded)"
    elif verdict=$(verify "$src/$BUCKET" "$scen"); then
      ok=1
    fi
  else
    verdict="$tool exited with $M_RC or did not finish: see $out.*"
  fi
  log "$id: $( [ $ok = 1 ] && echo ok || echo FAILED ) wall ${M_WALL}s cpu ${M_CPU}s rss ${M_RSS}KiB" \
    "requests $R_TOTAL (PUT $R_PUTS) server cpu ${server_cpu}s others ${others}s; $verdict"
  add_row "$server" "$scen" "$tool" "$rep" "$ok" "$M_WALL" "$M_STARTUP" "$files" "$bytes" "$M_CPU" "$M_RSS" \
    "$R_TOTAL" "$R_PUTS" "$server_cpu" "ops=$R_OPS others_cpu_s=$others load1=$load uploaded=$M_UPLOADED ${EXTRA:-}"
}

page_cache_warm() { # DIR: reads every file once, so that the timed run finds them in memory
  find "$1" -type f -print0 | xargs -0 -r cat > /dev/null
}

du_files() { # DIR: "files bytes"
  find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d %.0f\n", n, b }'
}

verify() { # ROOT SCENARIO: prints the verdict; fails when the bucket does not match
  local sample=()
  if [ "$VERIFY_MULTIPART" != all ]; then sample=(--multipart-sample "$VERIFY_MULTIPART"); fi
  "${CLEAN_ENV[@]}" BENCH_ACCESS_KEY="$S3_ACCESS_KEY" BENCH_SECRET_KEY="$S3_SECRET_KEY" \
    java -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$BENCH_CP" dev.ferry.bench.Verify \
    --endpoint "$S3_ENDPOINT" --bucket "$BUCKET" --root "$1" "${sample[@]}"
}

# Tools of a scenario on a server: the --tools list, else the default, minus those that do not apply.
tools_for() { # SCENARIO SERVER
  local list=$TOOLS
  if [ -z "$list" ]; then
    list=ferry,rclone,aws,raw
    if [ "$2" = wan ] && [ "$1" = 1 ]; then list=ferry,rclone,aws,raw,ferry-default,rclone-default; fi
    if [ "$1" = 2 ]; then list=ferry,rclone,aws,raw,raw-multipart; fi
  fi
  # --old-ferry: another build of Ferry runs beside this one wherever tuned Ferry runs (old against new)
  local t out=()
  if [ -n "${OLD_FERRY:-}" ] && [[ ",$list," != *",ferry-old,"* ]]; then
    local with=
    for t in ${list//,/ }; do
      if [ "$t" = ferry ]; then with+="ferry-old,"; fi
      with+="$t,"
    done
    list=${with%,}
  fi
  for t in ${list//,/ }; do
    case "$1:$t" in
      3:raw* | 6:raw*) ;;                      # nothing to skip without state: not measured
      1:raw-multipart) ;;                      # small files are single PUTs: the same as raw
      4:ferry* | 5:ferry*) out+=("$t") ;;      # daemon-only scenarios
      4:* | 5:*) ;;
      *) out+=("$t") ;;
    esac
  done
  echo "${out[@]}"
}

# Order of the tools in repeat REP: rotated, so slow drift in the machine's load hits all alike.
rotate() { # REP TOOLS...
  local rep=$1; shift
  local -a t=("$@")
  local n=${#t[@]} i
  for ((i = 0; i < n; i++)); do echo "${t[$(((i + rep) % n))]}"; done
}

scenario_upload() { # SERVER SCENARIO SRC HEAP
  local server=$1 scen=$2 src=$3 heap=$4 rep tool
  local -a tools
  read -r -a tools <<< "$(tools_for "$scen" "$server")"
  for ((rep = 1; rep <= REPEAT; rep++)); do
    for tool in $(rotate "$rep" "${tools[@]}"); do
      s3_fresh "$server" "$heap"
      STATE_NAME="$server-s$scen-$tool" timed_run "$server" "$scen" "$tool" "$rep" "$src" upload
    done
  done
}

scenario_1() { scenario_upload "$1" 1 "$(s1_src "$1")" 1g; }
scenario_2() { scenario_upload "$1" 2 "$WORK/data/s2" "$((LARGE_COUNT * LARGE_MIB * 2 + 1024))m"; }

s1_src() { if [ "$1" = wan ] && [ "$WAN_FILES" != "$FILES" ]; then echo "$WORK/data/s1wan"; else echo "$WORK/data/s1"; fi; }

# No-op restart: each tool first uploads the files itself (as its users would have), then runs again
# over the same tree, REPEAT times; the timed runs should upload nothing.
scenario_3() {
  local server=$1 src tool rep
  src=$(s1_src "$server")
  for tool in $(tools_for 3 "$server"); do
    s3_fresh "$server" 1g
    local seed="$WORK/runs/$server-s3-$tool-seed"
    read -r FILES_EXPECTED _ < <(du_files "$src/$BUCKET") # the seed of a daemon run waits for them all
    STATE_NAME="$server-s3-$tool" run_tool "$tool" "$src" "$seed" seed
    [ "$M_RC" = 0 ] || { log "$tool could not seed scenario 3 (see $seed.*); skipped"; continue; }
    for ((rep = 1; rep <= REPEAT; rep++)); do
      STATE_NAME="$server-s3-$tool" timed_run "$server" 3 "$tool" "$rep" "$src" noop
    done
  done
}

# Empty state store over objects already in S3 (issue 16): the files are first uploaded by the tool itself
# (untimed, on a fresh server), then it runs again over the same tree, Ferry with an empty state folder (a
# lost state store, or a move from another tool), so it must ask S3 about every file; the timed run should
# upload nothing. rclone and aws keep no state, so their runs are those of scenario 3. Seeded again for each
# repeat, so that the tools take turns in a rotating order as in scenarios 1 and 2.
scenario_6() {
  local server=$1 src rep tool
  src=$(s1_src "$server")
  local -a tools
  read -r -a tools <<< "$(tools_for 6 "$server")"
  for ((rep = 1; rep <= REPEAT; rep++)); do
    for tool in $(rotate "$rep" "${tools[@]}"); do
      s3_fresh "$server" 1g
      local seed="$WORK/runs/$server-s6-$tool-r$rep-seed"
      read -r FILES_EXPECTED _ < <(du_files "$src/$BUCKET")
      STATE_NAME="$server-s6-$tool" run_tool "$tool" "$src" "$seed" seed
      [ "$M_RC" = 0 ] || { log "$tool could not seed scenario 6 (see $seed.*); skipped"; continue; }
      STATE_NAME="$server-s6-$tool" timed_run "$server" 6 "$tool" "$rep" "$src" adopt
    done
  done
}

# Steady stream into the running daemon (Ferry only): see Stream.java for what is measured.
scenario_4() {
  local server=$1 tool rep
  for tool in $(tools_for 4 "$server"); do
    for ((rep = 1; rep <= REPEAT; rep++)); do
      s3_fresh "$server" 1g
      local id="$server-s4-$tool-r$rep" src="$WORK/data/s4"
      local out="$WORK/runs/$id" state="$WORK/state/$id" f
      rm -rf "$src" "$state"
      for ((f = 0; f < 10; f++)); do mkdir -p "$src/$BUCKET/stream/$(printf 'f%02d' $f)"; done
      ferry_env "$src" "$state" "$tool"
      s3_requests_snapshot > "$out.req0"
      ferry_launch "$out" || die "ferry did not start (see $out.log)"
      # Warm-up: a daemon runs for months, so the stream should meet a warm one: STREAM_WARMUP files (2,000)
      # uploaded first, enough for the JIT to have compiled the upload path, as it has in a daemon that has
      # been running. With only a few files the first seconds of the stream would measure the JIT instead.
      local per w warm_files deadline=$((SECONDS + 300))
      per=$(find "$WORK/data/warmup" -type f | wc -l)
      [ "$per" -gt 0 ] || die "no warm-up files in $WORK/data/warmup"
      mkdir -p "$src/$BUCKET/warm-up"
      for ((w = 0; w == 0 || w * per < STREAM_WARMUP; w++)); do
        cp -r "$WORK/data/warmup" "$src/$BUCKET/warm-up/copy$w"
      done
      warm_files=$((w * per))
      until ferry_status && [[ $STATUS_BODY == *'"ready":true'* ]] && [ "$(status_sum uploaded)" -ge "$warm_files" ] \
          && [ "$(status_sum queued)" = 0 ]; do
        [ $SECONDS -lt $deadline ] || die "ferry did not upload the warm-up files (see $out.log)"
        nap 0.1
      done
      local cpu0 scpu0 busy0 load
      cpu0=$(proc_cpu "$FERRY_PID"); scpu0=$(proc_cpu "$S3_PID"); busy0=$(machine_busy)
      proc_threads_cpu "$FERRY_PID" > "$out.threads0"
      load=$(cut -d' ' -f1 /proc/loadavg)
      now; local t0=$REPLY
      "${CLEAN_ENV[@]}" BENCH_ACCESS_KEY="$S3_ACCESS_KEY" BENCH_SECRET_KEY="$S3_SECRET_KEY" \
        java -Xmx512m -XX:+UseSerialGC -cp "$BENCH_CP" dev.ferry.bench.Stream --dir "$src/$BUCKET/stream" \
        --bucket "$BUCKET" --prefix stream --rate "$STREAM_RATE" --seconds "$STREAM_SECONDS" \
        --endpoint "$S3_ENDPOINT" --status-url "http://127.0.0.1:$FERRY_PORT/status" --ferry-log "$out.log" \
        > "$out.out" 2> "$out.err"
      local rc=$?
      now; M_WALL=$(fsub "$REPLY" "$t0")
      M_CPU=$(fsub "$(proc_cpu "$FERRY_PID")" "$cpu0"); M_RSS=$(proc_rss_peak "$FERRY_PID")
      # where the stream's CPU went, by thread: the difference to the snapshot taken after the warm-up
      proc_threads_cpu "$FERRY_PID" | threads_cpu_since "$out.threads0" > "$out.threads"
      local server_cpu others
      server_cpu=$(fsub "$(proc_cpu "$S3_PID")" "$scpu0")
      others=$(awk -v b="$(fsub "$(machine_busy)" "$busy0")" -v c="$M_CPU" -v s="$server_cpu" \
        'BEGIN { o = b - c - s; printf "%.1f", (o < 0 ? 0 : o) }')
      ferry_stop
      s3_requests_snapshot > "$out.req1"
      s3_requests_diff "$out.req0" "$out.req1"
      local ok=0 verdict="stream helper failed (see $out.err)" result
      result=$(tail -n 1 "$out.out")
      if [ $rc = 0 ] && [[ $result == *"missing=0"* ]] && verdict=$(verify "$src/$BUCKET" 4); then ok=1; fi
      log "$id: $( [ $ok = 1 ] && echo ok || echo FAILED ) $result; $verdict"
      add_row "$server" 4 "$tool" "$rep" "$ok" "$M_WALL" "$M_STARTUP" "$((STREAM_RATE * STREAM_SECONDS))" \
        "$(du_files "$src/$BUCKET" | cut -d' ' -f2)" "$M_CPU" "$M_RSS" "$R_TOTAL" "$R_PUTS" "$server_cpu" \
        "$result ops=$R_OPS others_cpu_s=$others load1=$load"
    done
  done
}

# Start-up sweep of a large tree that Ferry already knows (Ferry only, loopback: it makes no request).
# The state file is seeded directly (SeedState.java), not by uploading a million files first.
scenario_5() {
  local server=$1 tool rep
  local state="$WORK/state/s5-seeded"
  if [ "$(cat "$state.params" 2>/dev/null)" != "$(cat "$WORK/data/s5.params")" ]; then
    rm -rf "$state" "$state.params"
    log "seeding Ferry's state with $SCALE_FILES UPLOADED records"
    bench_java SeedState --watch "$WORK/data/s5" --state-dir "$state" >&2 || die "cannot seed the state"
    cp "$WORK/data/s5.params" "$state.params"
  fi
  for tool in $(tools_for 5 "$server"); do
    s3_fresh "$server" 1g
    for ((rep = 1; rep <= REPEAT; rep++)); do
      FERRY_MODE=daemon STATE_NAME=s5-seeded timed_run "$server" 5 "$tool" "$rep" "$WORK/data/s5" noop
    done
  done
}
