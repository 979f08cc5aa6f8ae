#!/usr/bin/env bash
# tools/bench/run.sh — the project's benchmark, on this machine, against a real Kafka broker (tools/kafka-broker)
# and a real standalone Flink cluster (tools/flink-local.sh, the project's flink-conf/), both on 127.0.0.1 with
# ports of their own (19092/19093 Kafka, 18081/16123 Flink), never a MiniCluster. One run:
#
#   1. fill       K assets registered on the compacted asset.events, then N seeded TelemetryReceived readings on
#                 telemetry.events (12 partitions), 1 per asset per second of event time from 2026-01-01T00:00:00Z,
#                 interleaved across assets, with spikes (> 100 °C) and 5-minute sustained overheats (> 90 °C);
#                 encoded with the jobs' codec, keyed by assetId, lz4; the fill rate is printed.
#   2. readers    the same topic read three ways, records/s and the ratios between them:
#                 a. Kafka's ConsumerPerformance (kafka-tools, the root pom's kafka.version) in a child JVM;
#                 b. a bare read + parse Flink job (tools/bench, EventJson -> discard) at --parallelism (2);
#                 c. the alert job (--jar) at --parallelism (2) with its defaults (exactly-once, 10 s checkpoints),
#                    --starting-offsets earliest; --profile samples the TaskManager meanwhile -> flame graph.
#                 Flink records/s = N / (first record read .. last), from the source's numRecordsOut over REST,
#                 polled every second; every vertex's busy/back-pressured/idle time is recorded halfway.
#   3. latency    (unless --skip-latency) live readings at a fixed rate (2,000/s, 60 s measured after a warm-up
#                 that lasts until the job has caught up) with spikes; a
#                 read_committed consumer of the alerts matches each TEMPERATURE_THRESHOLD alert to its reading;
#                 p50/p99/max with --delivery-guarantee exactly-once, then at-least-once (--checkpoint-interval 10s).
#                 The job's defaults apply: its watermark lags by the 5 s out-of-orderness, so no alert is sooner.
#   4. scale      (unless --skip-scale) step 2c again with --scale-assets registered assets (same N, fewer readings
#                 each, at the same --event-rate readings per second of event time: each asset reports every
#                 scale-assets / event-rate seconds): records/s, the last checkpoint's size and duration, then cancel and resubmit from that
#                 retained checkpoint (flink run -s) and time until it runs and reads again.
#   5. report     docs/benchmarks/results.json, results.md, chart.png (or --out DIR), stamped with cores, memory,
#                 commit (-dirty if the tree is dirty) and date.
#
#   --soak D      instead of 1-5: the soak (issue 14). The alert job runs for D (e.g. 30min) at a steady live
#                 rate (--soak-rate readings/s over --soak-assets registered assets, event time = send time, spikes,
#                 sustained overheats, and readings of 20 never-registered assets that are held, then dead-lettered)
#                 with --soak-job-flags (default: --dedupe-ttl 10min, so that every retention passes within the
#                 run); once a minute: records/s, lag, the latest checkpoint's size and duration, TaskManager heap,
#                 RocksDB's estimated keys per state. Writes soak.json, soak.md, soak.png to docs/benchmarks/soak/
#                 (or --out DIR).
#
#   tools/bench/run.sh                                   # the full run: 5M readings, 10k assets, 1M scale assets
#   tools/bench/run.sh --readings 200000 --assets 2000 --scale-assets 50000     # a quick functional run
#   tools/bench/run.sh --jar /path/alert-job-before.jar --label before --profile --skip-latency --skip-scale
#   tools/bench/run.sh --soak 30min                      # the soak: 30 min at 1,000 readings/s
#   tools/bench/run.sh --help
#
# Everything it starts is stopped on exit (also on Ctrl-C or a failure). Work files, logs, broker data and
# checkpoints go to tools/bench/target/run/ (wiped at the start of the next run). Needs Java 17, Maven (only to
# build missing jars: `mvn -B -q package -DskipTests`, never install), curl and unzip (jcmd for --profile).
# Time on 2 cores: about 5 minutes for start-up, fill, Kafka's tool, the read+parse job, latency and restore, plus
# two passes of the alert job over N readings; at the defaults that fits 15 minutes once the job reads well over
# 15,000 records/s (the pre-optimisation job did about 4,000-7,000/s on a loaded machine).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=0.1.0-SNAPSHOT
BENCH_JAR=$ROOT/tools/bench/target/bench-tools.jar
READ_PARSE_JAR=$ROOT/tools/bench/target/read-parse-job.jar
JFR_CONVERTER=$ROOT/tools/bench/target/profiler/jfr-converter.jar
ASYNC_PROFILER=$ROOT/tools/bench/target/profiler/async-profiler.jar
BROKER_JAR=$ROOT/tools/kafka-broker/target/kafka-broker-$VERSION.jar
DEFAULT_JAR=$ROOT/jobs/target/alert-job-$VERSION.jar
FLINK_LOCAL=$ROOT/tools/flink-local.sh

KAFKA_PORT=${BENCH_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${BENCH_KAFKA_CONTROLLER_PORT:-19093}
REST_PORT=${BENCH_REST_PORT:-18081}
RPC_PORT=${BENCH_RPC_PORT:-16123}
PROM_PORTS=${BENCH_PROM_PORTS:-19249-19260}
WORK=${BENCH_WORK_DIR:-$ROOT/tools/bench/target/run}
MVN=${MVN:-mvn}

READINGS=5000000
ASSETS=10000
SCALE_ASSETS=1000000
EVENT_RATE=10000
LATENCY_RATE=2000
LATENCY_DURATION=60s
SEED=42
JAR=$DEFAULT_JAR
JAR_GIVEN=false
LABEL=
OUT=$ROOT/docs/benchmarks
PROFILE=false
PROFILER=async-profiler
SKIP_LATENCY=false
SKIP_SCALE=false
PARALLELISM=2
SLOTS=2
BUILD=auto
NOTE=
SOAK=
SOAK_RATE=1000
SOAK_ASSETS=1000
SOAK_JOB_FLAGS="--dedupe-ttl 10min"
JOB_FLAGS=""
OUT_GIVEN=false
CONF_LINES=()

usage() {
  cat <<EOF
usage: tools/bench/run.sh [flags]

Fills Kafka with seeded telemetry, measures three readers of it (Kafka's consumer tool, a bare Flink read+parse
job, the alert job), alert latency at a fixed rate (exactly-once and at-least-once) and the alert job's state at
scale (throughput, checkpoint size and duration, restore time), and writes the report. Time on 2 cores: about
5 min plus two passes of the alert job over N readings (at 4,000 records/s, 5M readings take 21 min a pass).

  --readings N          readings in telemetry.events (default $READINGS)
  --assets K            registered assets for the throughput runs (default $ASSETS)
  --scale-assets M      registered assets for the state-scale run, same N (default $SCALE_ASSETS)
  --event-rate R        readings per second of event time in both fills: an asset reports every
                        max(1, ceil(assets / R)) seconds (default $EVENT_RATE)
  --skip-latency        leave out the latency runs
  --skip-scale          leave out the state-scale run
  --parallelism P       parallelism of the two Flink readers (default 2)
  --slots S             TaskManager slots (default 2: one per core of this machine; each slot gets its share of
                        the managed memory RocksDB uses, so unused slots waste it)
  --latency-rate R      readings/s in the latency runs (default $LATENCY_RATE; as many assets, 1 reading/s each)
  --latency-duration D  measured window of each latency run (default $LATENCY_DURATION), after a warm-up of at least
                        30 s that lasts until the job has caught up with the input (at most 120 s)
  --jar PATH            the alert job jar to measure (default jobs/target/alert-job-$VERSION.jar)
  --label NAME          names this jar in the report and the flame graph (default: the jar's file name, or
                        alert-job-<commit> for the default jar)
  --profile             record the TaskManager's CPU samples during the alert job's throughput run (async-profiler's
                        agent, loaded with jcmd, writing JFR) and write <out>/flamegraph-<label>.html (async-profiler's
                        converter) and a summary of the hottest frames (tools/bench/target/run/profile/<label>.md)
  --profile-jfr         the same with the JDK's own JFR (jcmd JFR.start) instead: Java frames only, native code
                        (RocksDB) sampled sparsely
  --out DIR             where results.json, results.md and chart.png go (default docs/benchmarks)
  --seed N              seed of the fill (default $SEED)
  --note TEXT           a line for the top of results.md (e.g. where and how it was measured)
  --conf 'KEY: VALUE'   one more line for the cluster's config.yaml (repeatable), e.g. for an A/B run of a RocksDB
                        option: --conf 'state.backend.rocksdb.timer-service.cache-size: 1024'; listed in the report
  --job-flags F         extra flags for every run of the alert job (throughput, latency, scale), e.g.
                        --job-flags '--out-of-orderness 500ms'; listed in the report
  --no-build            never run Maven; fail if a jar is missing
  --soak D              run the soak instead (see the top of this script): D of steady load, e.g. 30min; writes
                        soak.json, soak.md and soak.png to docs/benchmarks/soak/ (or --out DIR)
  --soak-rate R         readings/s of the soak (default $SOAK_RATE)
  --soak-assets K       registered assets of the soak (default $SOAK_ASSETS; one reading each per K/R seconds)
  --soak-job-flags F    extra alert job flags for the soak (default '$SOAK_JOB_FLAGS')

Environment: BENCH_KAFKA_PORT ($KAFKA_PORT), BENCH_KAFKA_CONTROLLER_PORT ($KAFKA_CONTROLLER_PORT), BENCH_REST_PORT
($REST_PORT), BENCH_RPC_PORT ($RPC_PORT), BENCH_PROM_PORTS ($PROM_PORTS), BENCH_WORK_DIR (tools/bench/target/run),
MVN (mvn). Exit code 0 when every step succeeded, 1 when one failed (the report then lists what is missing), 2 on
a wrong flag.
EOF
}

T0=$(date +%s%3N)
since() { local ms=$(( $(date +%s%3N) - $1 )); printf '%d.%ds' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }
step() { printf 'bench: [%6s] %s\n' "$(since "$T0")" "$*"; }
fail() { echo "bench: $*" >&2; exit 1; }
usage_error() { echo "bench: $* (tools/bench/run.sh --help lists the flags)" >&2; exit 2; }
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || usage_error "$1 needs a positive whole number, got '$2'"; }

while (($#)); do
  case $1 in
    --help|-h) usage; exit 0 ;;
    --profile) PROFILE=true; shift; continue ;;
    --profile-jfr) PROFILE=true; PROFILER=jfr; shift; continue ;;
    --skip-latency) SKIP_LATENCY=true; shift; continue ;;
    --skip-scale) SKIP_SCALE=true; shift; continue ;;
    --no-build) BUILD=never; shift; continue ;;
  esac
  # a value is not a flag, except the job flags these two pass on
  [[ $# -ge 2 && ($2 != --* || $1 == --job-flags || $1 == --soak-job-flags) ]] || usage_error "$1 needs a value"
  case $1 in
    --readings) positive "$1" "$2"; READINGS=$2 ;;
    --assets) positive "$1" "$2"; ASSETS=$2 ;;
    --scale-assets) positive "$1" "$2"; SCALE_ASSETS=$2 ;;
    --event-rate) positive "$1" "$2"; EVENT_RATE=$2 ;;
    --latency-rate) positive "$1" "$2"; LATENCY_RATE=$2 ;;
    --parallelism) positive "$1" "$2"; PARALLELISM=$2 ;;
    --slots) positive "$1" "$2"; SLOTS=$2 ;;
    --latency-duration) LATENCY_DURATION=$2 ;;
    --jar) JAR=$(realpath -m "$2"); JAR_GIVEN=true ;;
    --label) [[ $2 =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "--label: letters, digits, . _ - only"; LABEL=$2 ;;
    --out) OUT=$(realpath -m "$2"); OUT_GIVEN=true ;;
    --soak) [[ $2 =~ ^[1-9][0-9]*(s|min|h)$ ]] || usage_error "--soak needs a duration like 30min, got '$2'"; SOAK=$2 ;;
    --soak-rate) positive "$1" "$2"; SOAK_RATE=$2 ;;
    --soak-assets) positive "$1" "$2"; SOAK_ASSETS=$2 ;;
    --soak-job-flags) SOAK_JOB_FLAGS=$2 ;;
    --job-flags) JOB_FLAGS=$2 ;;
    --seed) [[ $2 =~ ^[0-9]+$ ]] || usage_error "--seed needs a number"; SEED=$2 ;;
    --note) NOTE=$2 ;;
    --conf) [[ $2 =~ ^[a-z0-9.-]+:\ .+$ ]] || usage_error "--conf needs 'key: value', got '$2'"; CONF_LINES+=("$2") ;;
    *) usage_error "unknown flag $1" ;;
  esac
  shift 2
done
(( ASSETS <= READINGS )) || usage_error "--assets ($ASSETS) must not exceed --readings ($READINGS)"
for tool in java curl unzip git flock $($PROFILE && echo jcmd); do
  command -v "$tool" >/dev/null || fail "$tool is not on the PATH"
done

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
[[ -z $(git -C "$ROOT" status --porcelain --untracked-files=no) ]] || COMMIT=$COMMIT-dirty
[[ -n $LABEL ]] || { if $JAR_GIVEN; then LABEL=$(basename "$JAR" .jar); else LABEL=alert-job-$COMMIT; fi; }

# --- build -------------------------------------------------------------------------------------------------------------
# shellcheck source=tools/stale-jar.sh
source "$ROOT/tools/stale-jar.sh"   # stale_reason JAR MODULE...: why JAR must be rebuilt
reason=$(stale_reason "$BENCH_JAR" contracts tools/bench)
[[ -n $reason ]] || reason=$(stale_reason "$BROKER_JAR" tools/kafka-broker)
if ! $JAR_GIVEN; then [[ -n $reason ]] || reason=$(stale_reason "$DEFAULT_JAR" contracts udfs jobs); fi
if [[ -n $reason ]]; then
  [[ $BUILD == never ]] && [[ $reason == *missing ]] && fail "--no-build, but $reason"
  if [[ $BUILD != never ]]; then
    step "build: $reason; $MVN -B -q package -DskipTests (log: tools/bench/target/build.log) ..."
    mkdir -p "$ROOT/tools/bench/target"
    (cd "$ROOT" && $MVN -B -q package -DskipTests) > "$ROOT/tools/bench/target/build.log" 2>&1 \
      || { tail -n 40 "$ROOT/tools/bench/target/build.log" >&2; fail "the build failed"; }
    touch "$BENCH_JAR" "$READ_PARSE_JAR" "$BROKER_JAR"
    $JAR_GIVEN || touch "$DEFAULT_JAR"
  fi
fi
[[ -f $JAR ]] || fail "no alert job jar at $JAR"

# --- work dir: one run at a time, wiped at the start ---------------------------------------------------------------------
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [[ -n $(ls -A "$WORK") && ! -f $WORK/.bench-run ]]; then
  fail "$WORK is not empty and was not made by run.sh (no .bench-run in it): refusing to wipe it"
fi
touch "$WORK/.bench-run"
exec 9>"$WORK/.lock"
flock -n 9 || fail "another tools/bench/run.sh is running with $WORK"
find "$WORK" -mindepth 1 -maxdepth 1 ! -name .lock ! -name .bench-run -exec rm -rf {} +
RESULTS=$WORK/results
LOGS=$WORK/logs
mkdir -p "$RESULTS" "$LOGS" "$WORK/profile"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in KAFKA_PORT KAFKA_CONTROLLER_PORT REST_PORT RPC_PORT; do
  ! port_in_use "${!p}" || fail "port ${!p} ($p) on 127.0.0.1 is in use; set BENCH_$p to another"
done

# --- from here on, everything started is stopped on exit -------------------------------------------------------------
BROKER_PID=
FLINK_STARTED=false
PROFILING=false
cleanup() {
  local code=$?
  trap '' INT TERM HUP
  set +e
  if $PROFILING; then profile_stop >/dev/null 2>&1; fi
  if $FLINK_STARTED; then
    [[ -z ${FLINK_START_PID:-} ]] || kill "$FLINK_START_PID" 2>/dev/null
    "$FLINK_LOCAL" stop "$WORK/flink" >>"$LOGS/flink-local.log" 2>&1
  fi
  if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID"
    wait "$BROKER_PID" 2>/dev/null
  fi
  step "stopped the broker and the cluster; logs in ${WORK#"$ROOT"/}/logs"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TOOL_JVM=(-Xmx1g -XX:+UseParallelGC)
bench() { java "${TOOL_JVM[@]}" -jar "$BENCH_JAR" "$@" 9>&-; }
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
REST=http://127.0.0.1:$REST_PORT

# --- Kafka and Flink, side by side --------------------------------------------------------------------------------------
# The cluster runs on the project's flink-conf/ with one addition: the REST API's metrics refresh every second
# (default 10 s), so the throughput polls see the source's progress second by second.
mkdir -p "$WORK/flink-conf"
cp "$ROOT"/flink-conf/* "$WORK/flink-conf/"
cat >> "$WORK/flink-conf/config.yaml" <<'EOF'

# --- added by tools/bench/run.sh: metrics over REST at most 1 s old (default 10 s) ---
metrics.fetcher.update-interval: 1000
EOF
if ((${#CONF_LINES[@]})); then
  { echo "# --- added by tools/bench/run.sh --conf ---"; printf '%s\n' "${CONF_LINES[@]}"; } >> "$WORK/flink-conf/config.yaml"
fi
if [[ -n $SOAK ]]; then
  cat >> "$WORK/flink-conf/config.yaml" <<'EOF'
# --- the soak: RocksDB's estimated keys and live data per state, as operator metrics ---
state.backend.rocksdb.metrics.estimate-num-keys: true
state.backend.rocksdb.metrics.estimate-live-data-size: true
EOF
fi
step "starting Kafka on $BOOTSTRAP and Flink on $REST ..."
FLINK_STARTED=true
FLINK_CONF_SRC=$WORK/flink-conf REST_PORT=$REST_PORT RPC_PORT=$RPC_PORT PROM_PORT=$PROM_PORTS TM_SLOTS=$SLOTS \
  "$FLINK_LOCAL" start "$WORK/flink" >"$LOGS/flink-url" 2>>"$LOGS/flink-local.log" </dev/null 9>&- &
FLINK_START_PID=$!
java -XX:+UseSerialGC -Xmx256m -cp "$BROKER_JAR" io.assetalerts.tools.kafka.KafkaBroker --dir "$WORK/kafka" \
  --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" --heap 1g >"$LOGS/kafka-broker.out" 2>&1 9>&- &
BROKER_PID=$!
for ((i = 0; ; i++)); do
  grep -q 'ready on' "$LOGS/kafka-broker.out" 2>/dev/null && break
  kill -0 "$BROKER_PID" 2>/dev/null || { cat "$LOGS/kafka-broker.out" >&2; fail "the Kafka broker did not start"; }
  (( i < 900 )) || fail "the Kafka broker was not ready after 90 s; see $WORK/kafka/server.log"
  sleep 0.1
done
wait "$FLINK_START_PID" || { tail -n 20 "$LOGS/flink-local.log" >&2; fail "Flink did not start; see $WORK/flink/log"; }
FLINK_START_PID=
TM_PID=$(cat "$WORK/flink/taskmanager.pid")
step "Kafka and Flink are up (TaskManager pid $TM_PID)"

# --- helpers -------------------------------------------------------------------------------------------------------------
FAILED=()
failed() { FAILED+=("$1"); echo "bench: step $1 failed: ${2:-see above}" >&2; }

submit() {   # $1 = name, $2 = jar, rest = job flags; prints the job id. RESTORE_FROM=<checkpoint> restores.
  local name=$1 jar=$2 jid; shift 2
  "$FLINK_LOCAL" flink "$WORK/flink" run -d ${RESTORE_FROM:+-s "$RESTORE_FROM"} "$jar" "$@" \
    >"$LOGS/submit-$name.log" 2>&1 9>&- \
    || { tail -n 20 "$LOGS/submit-$name.log" >&2; return 1; }
  jid=$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' "$LOGS/submit-$name.log" | head -n 1)
  [[ -n $jid ]] || { cat "$LOGS/submit-$name.log" >&2; return 1; }
  echo "$jid"
}

cancel() { bench cancel --rest "$REST" --job "$1" >>"$LOGS/cancel.log" 2>&1 || echo "bench: cancel of $1 failed" >&2; }

alert_job_flags() {   # $1 = prefix of the topics ('' = the defaults), $2 = id of the run; then extra flags
  local prefix=$1 id=$2; shift 2
  local rules=(--rules-topic "${prefix}alert.rules")
  $RULES_TOPIC_KNOWN || rules=()
  # shellcheck disable=SC2086  # --job-flags are words
  echo --bootstrap-servers "$BOOTSTRAP" --parallelism "$PARALLELISM" --starting-offsets earliest \
    --asset-topic "${prefix}asset.events" --telemetry-topic "${prefix}telemetry.events" \
    --alert-topic "${prefix}alert.events" --dlq-topic "${prefix}alert-job.dlq" \
    "${rules[@]}" --group-id "bench-$id" --transactional-id-prefix "bench-$id" "$@" $JOB_FLAGS
}
# a release from before live rules (issue 12) has no rules topic and rejects the flag: --jar of the first release
RULES_TOPIC_KNOWN=true
if $JAR_GIVEN && ! unzip -l "$JAR" 2>/dev/null | grep -Eq 'io/assetalerts/(udfs|contracts)/kafka/RulesTopic.class'; then
  RULES_TOPIC_KNOWN=false
fi

topics() {   # $1 = prefix of the topics
  bench topics --bootstrap-servers "$BOOTSTRAP" --topic "${1}asset.events:1:compact" \
    --topic "${1}telemetry.events:12" --topic "${1}alert.events:3" --topic "${1}alert-job.dlq:1" \
    --topic "${1}alert.rules:1:compact"
}

# The TaskManager's CPU samples go to a JFR file while the alert job reads the topic. With async-profiler (default):
# its agent, loaded into the TaskManager with jcmd, samples every thread on CPU every 10 ms, Java and native frames
# (RocksDB's C++ included). With --profile-jfr: the JDK's own JFR ('profile' settings), which samples Java code
# well but native code (RocksDB behind JNI) only sparsely, one thread per 20 ms. jfrconv turns either into HTML.
agent_command() {   # jcmd's parser takes key=value words as its own options: the agent's options go quoted
  jcmd "$TM_PID" JVMTI.agent_load "$AGENT_LIB" "\"$1\"" >>"$LOGS/profile.log" 2>&1 \
    && grep -q 'return code: 0' <(tail -n 1 "$LOGS/profile.log")
}
profile_start() {
  if [[ $PROFILER == async-profiler ]]; then
    local arch; arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
    AGENT_LIB=$WORK/profile/libasyncProfiler.so
    unzip -p "$ASYNC_PROFILER" "linux-$arch/libasyncProfiler.so" > "$AGENT_LIB" || return 1
    agent_command "start,event=cpu,interval=10ms,file=$WORK/profile/$LABEL.jfr" || return 1
  else
    jcmd "$TM_PID" JFR.start name=bench settings=profile filename="$WORK/profile/$LABEL.jfr" \
      >>"$LOGS/profile.log" 2>&1 || return 1
  fi
  PROFILING=true
}

profile_stop() {
  $PROFILING || return 1
  PROFILING=false
  if [[ $PROFILER == async-profiler ]]; then
    agent_command "stop,file=$WORK/profile/$LABEL.jfr" || return 1
    local samples=--cpu
  else
    jcmd "$TM_PID" JFR.stop name=bench >>"$LOGS/profile.log" 2>&1 || return 1
    local samples=--wall   # jfrconv's view of the JDK's ExecutionSample + NativeMethodSample events
  fi
  local html=$OUT/flamegraph-$LABEL.html
  mkdir -p "$OUT"
  java -jar "$JFR_CONVERTER" $samples --title "Alert job ($LABEL): TaskManager CPU samples, $PROFILER" \
    "$WORK/profile/$LABEL.jfr" "$html" >>"$LOGS/profile.log" 2>&1 || return 1
  java -jar "$JFR_CONVERTER" $samples -t -o collapsed "$WORK/profile/$LABEL.jfr" "$WORK/profile/$LABEL.collapsed" \
    >>"$LOGS/profile.log" 2>&1 || return 1
  bench profile-summary --collapsed "$WORK/profile/$LABEL.collapsed" --out "$RESULTS/profile.json" \
    --markdown "$WORK/profile/$LABEL.md" >/dev/null || return 1
  printf '{"label": "%s", "profiler": "%s", "flamegraph": "%s", "jfr": "%s"}\n' "$LABEL" "$PROFILER" \
    "$(basename "$html")" "$WORK/profile/$LABEL.jfr" > "$RESULTS/profile-files.json"
  step "profile: ${html#"$ROOT"/}; hottest frames in ${WORK#"$ROOT"/}/profile/$LABEL.md"
}

# throughput run of a job that reads ${prefix}telemetry.events; $1 = result name, $2 = label, $3 = job id, $4 = prefix
measure() {
  bench throughput --rest "$REST" --job "$3" --topic "${4}telemetry.events" --records "$READINGS" \
    --label "$2" --out "$RESULTS/$1.json"
}

# --- the soak, instead of steps 1-5 ---------------------------------------------------------------------------------------
if [[ -n $SOAK ]]; then
  $OUT_GIVEN || OUT=$ROOT/docs/benchmarks/soak
  prefix=soak.
  topics "$prefix" >/dev/null
  bench fill --bootstrap-servers "$BOOTSTRAP" --asset-topic "${prefix}asset.events" --assets "$SOAK_ASSETS" \
    --readings 0 --seed "$SEED" >/dev/null || fail "registering the soak's assets failed"
  step "soak: alert job ($LABEL) for $SOAK at $SOAK_RATE readings/s over $SOAK_ASSETS assets, flags: $SOAK_JOB_FLAGS ..."
  # shellcheck disable=SC2046,SC2086  # the flags are words
  jid=$(submit soak "$JAR" $(alert_job_flags "$prefix" soak) $SOAK_JOB_FLAGS) \
    && bench await-running --rest "$REST" --job "$jid" >/dev/null \
    || fail "the soak's job did not start; see $LOGS/submit-soak.log"
  code=0
  bench soak --bootstrap-servers "$BOOTSTRAP" --telemetry-topic "${prefix}telemetry.events" --rest "$REST" \
    --job "$jid" --group-id bench-soak --assets "$SOAK_ASSETS" --rate "$SOAK_RATE" --duration "$SOAK" \
    --settings "$SOAK_JOB_FLAGS" \
    --seed "$SEED" --out-dir "$OUT" | sed 's/^/  /' || code=1
  cancel "$jid"
  step "soak: ${OUT#"$ROOT"/}/soak.md, soak.png"
  exit "$code"
fi

# --- 1. fill ----------------------------------------------------------------------------------------------------------------
topics "" >/dev/null
# each asset reports every PERIOD s, so that the fleet's readings per second of event time stay EVENT_RATE
period_of() { echo $(( $1 > EVENT_RATE ? ($1 + EVENT_RATE - 1) / EVENT_RATE : 1 )); }
PERIOD=$(period_of "$ASSETS")
step "fill: $ASSETS assets, $READINGS readings, one per asset every ${PERIOD} s ..."
bench fill --bootstrap-servers "$BOOTSTRAP" --assets "$ASSETS" --readings "$READINGS" --seed "$SEED" \
  --period "${PERIOD}s" --out "$RESULTS/fill.json" | sed 's/^/  /' || fail "the fill failed"

# --- 2. readers ---------------------------------------------------------------------------------------------------------------
step "reader a: Kafka ConsumerPerformance ..."
unzip -p "$BROKER_JAR" io/assetalerts/tools/kafka/broker.classpath > "$WORK/kafka-tools.classpath"
bench consumer-perf --bootstrap-servers "$BOOTSTRAP" --topic telemetry.events --records "$READINGS" \
  --classpath-file "$WORK/kafka-tools.classpath" --log "$LOGS/consumer-perf.log" --out "$RESULTS/consumer-perf.json" \
  | sed 's/^/  /' || failed consumer-perf

step "reader b: Flink read + parse job, parallelism $PARALLELISM ..."
if jid=$(submit read-parse "$READ_PARSE_JAR" --bootstrap-servers "$BOOTSTRAP" --topic telemetry.events \
           --parallelism "$PARALLELISM" --group-id bench-read-parse); then
  measure read-parse "read-parse" "$jid" "" | sed 's/^/  /' || failed read-parse
  cancel "$jid"
else
  failed read-parse "submission failed; see $LOGS/submit-read-parse.log"
fi

step "reader c: alert job ($LABEL), parallelism $PARALLELISM, exactly-once, 10 s checkpoints$($PROFILE && echo ", $PROFILER on") ..."
# shellcheck disable=SC2046  # the flags are words
if jid=$(submit alert-job "$JAR" $(alert_job_flags "" throughput)); then
  if $PROFILE; then profile_start || failed profile "the $PROFILER did not start; see $LOGS/profile.log"; fi
  if measure alert-job "$LABEL" "$jid" "" | sed 's/^/  /'; then
    if $PROFILE; then profile_stop || failed profile "see $LOGS/profile.log"; fi
    # the alerts of the run become visible with the next checkpoint (exactly-once): then count them by rule
    finished=$(sed -n 's/.*"finishedAtMillis" : \([0-9]*\).*/\1/p' "$RESULTS/alert-job.json")
    { bench checkpoint --rest "$REST" --job "$jid" --after-millis "$finished" --out "$WORK/alert-job-checkpoint.json" \
        && bench count-alerts --bootstrap-servers "$BOOTSTRAP" --alert-topic alert.events \
             --out "$RESULTS/alert-job-alerts.json"; } | sed 's/^/  /' || failed alert-job-alerts
  else
    failed alert-job
    if $PROFILE; then profile_stop || failed profile "see $LOGS/profile.log"; fi
  fi
  cancel "$jid"
else
  failed alert-job "submission failed; see $LOGS/submit-alert-job.log"
fi

# --- 3. latency ------------------------------------------------------------------------------------------------------------------
if ! $SKIP_LATENCY; then
  for guarantee in exactly-once at-least-once; do
    prefix=latency-$guarantee.
    step "latency, $guarantee: $LATENCY_RATE readings/s, $LATENCY_DURATION measured ..."
    topics "$prefix" >/dev/null
    bench fill --bootstrap-servers "$BOOTSTRAP" --asset-topic "${prefix}asset.events" --assets "$LATENCY_RATE" \
      --readings 0 --seed "$SEED" >/dev/null
    # shellcheck disable=SC2046
    if jid=$(submit "latency-$guarantee" "$JAR" $(alert_job_flags "$prefix" "latency-$guarantee" \
               --delivery-guarantee "$guarantee" --checkpoint-interval 10s)) \
       && bench await-running --rest "$REST" --job "$jid" >/dev/null; then
      bench latency --bootstrap-servers "$BOOTSTRAP" --telemetry-topic "${prefix}telemetry.events" \
        --alert-topic "${prefix}alert.events" --assets "$LATENCY_RATE" --rate "$LATENCY_RATE" --rest "$REST" --job "$jid" \
        --duration "$LATENCY_DURATION" --label "$guarantee" --out "$RESULTS/latency-$guarantee.json" \
        | sed 's/^/  /' || failed "latency-$guarantee"
      cancel "$jid"
    else
      failed "latency-$guarantee" "the job did not start; see $LOGS/submit-latency-$guarantee.log"
    fi
  done
fi

# --- 4. state scale ---------------------------------------------------------------------------------------------------------------
if ! $SKIP_SCALE; then
  prefix=scale.
  # the same readings per second of event time as the main fill (each asset reports every SCALE_PERIOD s), so that
  # the two runs differ in the number of assets alone: with one reading per asset per second, 1,000,000 assets would
  # put 5,000,000 readings in 5 s of event time, all of them inside the 5 s out-of-orderness at once
  SCALE_PERIOD=$(period_of "$SCALE_ASSETS")
  step "scale: fill with $SCALE_ASSETS assets, $READINGS readings, one per asset every ${SCALE_PERIOD} s ..."
  topics "$prefix" >/dev/null
  if bench fill --bootstrap-servers "$BOOTSTRAP" --asset-topic "${prefix}asset.events" \
       --telemetry-topic "${prefix}telemetry.events" --assets "$SCALE_ASSETS" --readings "$READINGS" --seed "$SEED" \
       --period "${SCALE_PERIOD}s" --out "$RESULTS/scale-fill.json" | sed 's/^/  /'; then
    step "scale: alert job ($LABEL) with $SCALE_ASSETS assets ..."
    # shellcheck disable=SC2046
    if jid=$(submit scale "$JAR" $(alert_job_flags "$prefix" scale)) \
       && measure scale "$LABEL-$SCALE_ASSETS-assets" "$jid" "$prefix" | sed 's/^/  /'; then
      finished=$(sed -n 's/.*"finishedAtMillis" : \([0-9]*\).*/\1/p' "$RESULTS/scale.json")
      if bench checkpoint --rest "$REST" --job "$jid" --after-millis "$finished" \
           --out "$RESULTS/scale-checkpoint.json" | sed 's/^/  /'; then
        path=$(sed -n 's/.*"externalPath" : "\([^"]*\)".*/\1/p' "$RESULTS/scale-checkpoint.json")
        cancel "$jid"
        # something to read once restored: the next second of event time for (up to) 10,000 assets
        topup=$(( SCALE_ASSETS < 10000 ? SCALE_ASSETS : 10000 ))
        bench fill --bootstrap-servers "$BOOTSTRAP" --asset-topic "${prefix}asset.events" \
          --telemetry-topic "${prefix}telemetry.events" --assets "$SCALE_ASSETS" --readings "$topup" --seed "$SEED" \
          --period "${SCALE_PERIOD}s" --skip-registrations --from-second $(( (READINGS + SCALE_ASSETS - 1) / SCALE_ASSETS )) \
          --timeline-readings "$READINGS" >/dev/null
        step "scale: restoring from $path ..."
        t_restore=$(date +%s%3N)
        # shellcheck disable=SC2046
        if jid=$(RESTORE_FROM=$path submit restore "$JAR" $(alert_job_flags "$prefix" scale)); then
          bench restore --rest "$REST" --job "$jid" --topic "${prefix}telemetry.events" --since-millis "$t_restore" \
            --from "$path" --out "$RESULTS/restore.json" | sed 's/^/  /' || failed restore
          cancel "$jid"
        else
          failed restore "submission failed; see $LOGS/submit-restore.log"
        fi
      else
        failed scale-checkpoint
        cancel "$jid"
      fi
    else
      failed scale
      [[ -z ${jid:-} ]] || cancel "$jid"
    fi
  else
    failed scale-fill
  fi
fi

# --- 5. report ----------------------------------------------------------------------------------------------------------------------
settings=(--setting "readings=$READINGS" --setting "assets=$ASSETS" --setting "jar=$(basename "$JAR")"
          --setting "label=$LABEL" --setting "seed=$SEED" --setting "parallelism=$PARALLELISM" --setting "slots=$SLOTS")
$SKIP_SCALE || settings+=(--setting "scaleAssets=$SCALE_ASSETS")
for line in "${CONF_LINES[@]}"; do settings+=(--setting "${line%%: *}=${line#*: }"); done
[[ -z $JOB_FLAGS ]] || settings+=(--setting "jobFlags=$JOB_FLAGS")
$SKIP_LATENCY || settings+=(--setting "latencyRate=$LATENCY_RATE" --setting "latencyDuration=$LATENCY_DURATION")
bench report --work-dir "$RESULTS" --out "$OUT" --commit "$COMMIT" "${settings[@]}" ${NOTE:+--note "$NOTE"} \
  | sed 's/^/  /'
step "done in $(since "$T0"): ${OUT#"$ROOT"/}/results.md"
if ((${#FAILED[@]})); then
  echo "bench: failed steps: ${FAILED[*]}" >&2
  exit 1
fi
