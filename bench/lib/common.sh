# Shared helpers of bench/run: logging, clocks, measuring a process, the Java helpers, setup.
# Sourced by bench/run; every function here is free of side effects on the project tree.

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Seconds since the epoch with microseconds, from bash itself (no fork).
now() { REPLY=$EPOCHREALTIME; }

# fsub A B: A - B for decimal seconds, printed with 3 decimals.
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# Sleeping without a fork per call (the stock sleep is a program): read with a timeout on a pipe
# nobody writes to. Used by the /status poll loop, which runs every 50 ms next to the tool being timed.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# An environment without the caller's AWS_* settings (AWS_CA_BUNDLE breaks rclone; a profile or
# endpoint would change what the tools do): `"${CLEAN_ENV[@]}" cmd ...`.
CLEAN_ENV=(env)
for v in $(compgen -e | grep -E '^AWS_|^RCLONE_' || true); do CLEAN_ENV+=(-u "$v"); done

# CPU seconds (user + system) a process has used so far, from /proc (clock ticks).
proc_cpu() {
  local stat
  stat=$(<"/proc/$1/stat") || { echo "-"; return; }
  stat=${stat##*) }               # drop "pid (comm) ", comm may hold spaces
  local -a f=($stat)              # f[0] is field 3 (state); utime and stime are fields 14 and 15
  awk -v u="${f[11]}" -v s="${f[12]}" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (u + s) / hz }'
}

# CPU seconds of a live process by thread, threads grouped by name without their number ("upload-bench",
# "C2 CompilerThread", "GC Thread"...), most first: where a JVM's CPU went (JIT, GC, workers, HTTP).
proc_threads_cpu() {
  local t stat comm
  for t in /proc/"$1"/task/*; do
    stat=$(<"$t/stat") || continue
    comm=${stat#*(}; comm=${comm%%) *}
    stat=${stat##*) }
    local -a f=($stat)
    printf '%s\t%s\n' "$comm" "$((f[11] + f[12]))"
  done | awk -F'\t' -v hz="$CLK_TCK" '{ name = $1; sub(/[-#]?[0-9]+$/, "", name); cpu[name] += $2 }
    END { for (n in cpu) if (cpu[n] > 0) printf "%8.2f  %s\n", cpu[n] / hz, n }' | sort -rn
}

# proc_threads_cpu output on stdin minus an earlier snapshot of it (file $1): CPU by thread since then.
threads_cpu_since() {
  awk '{ name = $0; sub(/^ *[0-9.]+  /, "", name) }
    NR == FNR { before[name] = $1; next } { d = $1 - before[name]; if (d > 0) printf "%8.2f  %s\n", d, name }' \
    "$1" - | sort -rn
}

# Peak resident set size (VmHWM, KiB) of a live process.
proc_rss_peak() {
  local line
  while read -r line; do
    if [[ $line == VmHWM:* ]]; then set -- $line; echo "$2"; return; fi
  done < "/proc/$1/status"
  echo "-"
}

# Busy CPU seconds of the whole machine so far (all cores), from the first line of /proc/stat:
# everything but idle and iowait. The difference over a run, minus the tool's and the server's CPU,
# is what other processes (other agents on this machine) used meanwhile.
machine_busy() {
  local -a f
  read -r -a f < /proc/stat
  awk -v u="${f[1]}" -v n="${f[2]}" -v s="${f[3]}" -v irq="${f[6]}" -v sirq="${f[7]}" -v st="${f[8]}" \
      -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (u + n + s + irq + sirq + st) / hz }'
}

# measure OUT cmd...: runs a one-shot tool under /usr/bin/time. Sets M_WALL, M_CPU, M_RSS, M_RC;
# the tool's output goes to OUT.out and OUT.err.
measure() {
  local out=$1; shift
  local t0 t1
  now; t0=$REPLY
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" "$@" > "$out.out" 2> "$out.err"
  M_RC=$?
  now; t1=$REPLY
  M_WALL=$(fsub "$t1" "$t0")
  local e u s m
  read -r e u s m < <(tail -n 1 "$out.time")
  M_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  M_RSS=$m
}

# The Java helpers (src/test/java/dev/ferry/bench) on the test classpath.
bench_java() {
  local cls=$1; shift
  java -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$BENCH_CP" "dev.ferry.bench.$cls" "$@"
}

# Installs the peer tools when missing (Debian/Ubuntu), builds Ferry and S3Proxy's jar when missing,
# and resolves the test classpath for the helpers.
setup() {
  local missing=()
  command -v rclone >/dev/null || missing+=(rclone)
  [ -x /usr/bin/aws ] || missing+=(awscli)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]} (or install them yourself)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install failed"
  fi
  cd "$ROOT"
  if [ ! -f target/ferry.jar ] || [ ! -f target/s3proxy/s3proxy.jar ] \
      || [ ! -f target/test-classes/dev/ferry/bench/RawPut.class ] \
      || [ -n "$(find src/test/java/dev/ferry/bench -newer target/test-classes/dev/ferry/bench/RawPut.class -name '*.java' 2>/dev/null)" ] \
      || [ -n "$(find src/main pom.xml -newer target/ferry.jar -type f 2>/dev/null | head -1)" ]; then
    log "building Ferry, S3Proxy's jar and the bench helpers (mvn package -DskipTests)"
    mvn -B -q -o package -DskipTests > "$WORK/build.log" 2>&1 \
      || mvn -B -q package -DskipTests > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build failed"; }
  fi
  if [ ! -s target/bench-classpath.txt ] || [ pom.xml -nt target/bench-classpath.txt ]; then
    mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test \
        > "$WORK/classpath.log" 2>&1 \
      || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test \
        > "$WORK/classpath.log" 2>&1 || { tail -20 "$WORK/classpath.log"; die "cannot resolve the test classpath"; }
  fi
  BENCH_CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/bench-classpath.txt)"
  FERRY_JAR="$ROOT/target/ferry.jar"
  S3PROXY_JAR="$ROOT/target/s3proxy/s3proxy.jar"
}

# Writes what the results depend on: machine, software, parameters, and how busy the machine was.
describe_machine() {
  local out=$1
  {
    echo "Date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr)"
    echo "JDK: $(java -version 2>&1 | head -1)"
    echo "Tools: ferry $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') ($FERRY_MODE mode, bin/ferry's JVM options${FERRY_JAVA_OPTS:+ and FERRY_JAVA_OPTS=$FERRY_JAVA_OPTS})${OLD_FERRY:+, ferry-old $(git -C "$OLD_FERRY" rev-parse --short HEAD 2>/dev/null || echo '?')}, $(rclone version 2>/dev/null | head -1), $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1), S3Proxy 4.1.0 (transient backend)"
    echo "Parameters: $PARAMS_TEXT"
    echo "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$out"
}
