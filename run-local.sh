#!/usr/bin/env bash
# run-local.sh — the whole system on this machine in one command, bound to 127.0.0.1 only:
# a Kafka broker (KRaft), the topics, a Flink session cluster (tools/flink-local.sh) running the alert job
# (and the telemetry-ingest job once its jar exists), the fleet simulator with overheat incidents, and a live
# view of the alerts a read_committed consumer sees. Ctrl-C (or --duration) stops all of it.
#
#   ./run-local.sh [--duration 90s] [--seed 42] [--incident TURBINE-101:spike:30s,...] [--speedup 10] ...
#   ./run-local.sh --help
#
# Every run starts from an empty state directory ($LOCAL_DIR, default .local/ in the repo): the previous
# run's broker data, checkpoints and logs are kept until the next run starts, then wiped. Java 17 and Maven
# are the only requirements; jars are built with Maven when missing or older than the sources.
# Details (steps, state, ports, timing): tools/simulator/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=0.1.0-SNAPSHOT
BROKER_JAR=$ROOT/tools/kafka-broker/target/kafka-broker-$VERSION.jar
TOOLS_JAR=$ROOT/tools/simulator/target/fleet-simulator.jar
ALERT_JAR=$ROOT/jobs/target/alert-job-$VERSION.jar
INGEST_JAR=$ROOT/jobs/target/telemetry-ingest-job-$VERSION.jar
FLINK_LOCAL=$ROOT/tools/flink-local.sh

LOCAL_DIR=${LOCAL_DIR:-$ROOT/.local}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
FLINK_PORT=${FLINK_REST_PORT:-8081}
FLINK_RPC_PORT=${FLINK_RPC_PORT:-6123}
CHECKPOINT_INTERVAL=${CHECKPOINT_INTERVAL:-5s}
IDLENESS=${IDLENESS:-30s}
MVN=${MVN:-mvn}
# The small tools start often and do little: a quick JIT and a small heap keep them cheap on two cores.
TOOL_JVM=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m)

usage() {
  cat <<EOF
usage: ./run-local.sh [flags]

Starts Kafka, Flink (Web UI on http://127.0.0.1:$FLINK_PORT), the alert job and the fleet simulator, and shows
the alerts as they are committed. Stops everything on Ctrl-C or after --duration.

  --duration DURATION       stop after this long once everything runs (90, 90s, 2min, 1h); default: until Ctrl-C
  --seed N                  simulator seed (default 42): same seed, same readings
  --incident A:KIND:OFFSET  scripted incidents, e.g. TURBINE-101:spike:30s,PUMP-101:sustained:1min (KIND spike,
                            sustained, or silent: no readings for 12 min; OFFSET in event time after the start)
  --spike-every DURATION    a spike on a random asset every DURATION of event time
  --sustained-every DURATION  a sustained overheat on a random asset every DURATION of event time
                            (without any of the three incident flags: TURBINE-101:spike:30s,
                            PUMP-101:sustained:1min, PUMP-101:sustained:7min, TRANSFORMER-101:silent:2min,
                            --spike-every 5min, --sustained-every 15min)
  --rule-change S:OFFSET:P=V  rule versions the simulator publishes to alert.rules before its first reading, e.g.
                            type:PUMP:5min:critical=92 (the default: from 5 min of event time on, PUMP's threshold is
                            92, so the second PUMP-101 overheat also raises TEMPERATURE_THRESHOLD); 'none' for none
  --speedup X               event time runs X times faster than the clock (default 10)
  --rate N                  telemetry events per second (default 50)
  --assets N                fleet size (default 48: enough asset ids to put readings in all 12 partitions)
  --start-time ISO          event time of the first reading (default now)
  --kafka-port PORT         Kafka listener (default 9092; the controller uses KAFKA_CONTROLLER_PORT, 9093)
  --flink-port PORT         Flink REST API and Web UI (default 8081; RPC uses FLINK_RPC_PORT, 6123)
  --no-build                never run Maven: run the jars as they are (fail if one is missing)

Environment: LOCAL_DIR (state and logs, default .local/), KAFKA_PORT, KAFKA_CONTROLLER_PORT, FLINK_REST_PORT,
FLINK_RPC_PORT, CHECKPOINT_INTERVAL (5s), IDLENESS (30s) for the jobs, MVN (mvn).
EOF
}

T0=$(date +%s%3N)
since() { local ms=$(( $(date +%s%3N) - $1 )); printf '%d.%ds' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }
step() { printf 'run-local: [%6s] %s\n' "$(since "$T0")" "$*"; }
fail() { local code=$1; shift; echo "run-local: $*" >&2; exit "$code"; }
usage_error() { fail 2 "$* (./run-local.sh --help lists the flags)"; }

seconds_of() {   # 90, 90s, 2min, 2m, 1h -> seconds
  local v=${1// /}
  [[ $v =~ ^([0-9]+)(s|sec|secs|m|min|mins|h)?$ ]] \
    || usage_error "--duration: expected a duration like 90s or 2min, got '$1'"
  case ${BASH_REMATCH[2]} in
    m|min|mins) echo $(( BASH_REMATCH[1] * 60 )) ;;
    h) echo $(( BASH_REMATCH[1] * 3600 )) ;;
    *) echo $(( BASH_REMATCH[1] )) ;;
  esac
}

DURATION=0
BUILD=auto
SPEEDUP=10
SIM_ARGS=()
RULE_CHANGE=type:PUMP:5min:critical=92
INCIDENT_FLAGS=false
ASSETS_FLAG=false
while (($#)); do
  case $1 in
    --help|-h) usage; exit 0 ;;
    --no-build) BUILD=never; shift; continue ;;
  esac
  [[ $# -ge 2 && $2 != --* ]] || usage_error "$1 needs a value"
  case $1 in
    --duration) DURATION=$(seconds_of "$2") ;;
    --kafka-port) KAFKA_PORT=$2 ;;
    --flink-port) FLINK_PORT=$2 ;;
    --speedup) SPEEDUP=$2 ;;
    --assets) SIM_ARGS+=("$1" "$2"); ASSETS_FLAG=true ;;
    --seed|--rate|--start-time) SIM_ARGS+=("$1" "$2") ;;
    --incident|--spike-every|--sustained-every) SIM_ARGS+=("$1" "$2"); INCIDENT_FLAGS=true ;;
    --rule-change) RULE_CHANGE=$2 ;;
    *) usage_error "unknown flag $1" ;;
  esac
  shift 2
done
for p in KAFKA_PORT KAFKA_CONTROLLER_PORT FLINK_PORT FLINK_RPC_PORT; do
  [[ ${!p} =~ ^[0-9]+$ ]] && (( ${!p} > 0 && ${!p} < 65536 )) || usage_error "$p must be a port number, got '${!p}'"
done
$ASSETS_FLAG || SIM_ARGS+=(--assets 48)
$INCIDENT_FLAGS || SIM_ARGS+=(--incident TURBINE-101:spike:30s,PUMP-101:sustained:1min,PUMP-101:sustained:7min,TRANSFORMER-101:silent:2min
                              --spike-every 5min --sustained-every 15min)
[[ $RULE_CHANGE == none ]] || SIM_ARGS+=(--rule-change "$RULE_CHANGE")
command -v java >/dev/null || fail 1 "java (17+) is not on the PATH"

# --- the state directory: one run at a time; leftovers of a killed run are stopped, then it is wiped ------------------
mkdir -p "$LOCAL_DIR"
LOCAL_DIR=$(cd "$LOCAL_DIR" && pwd)
if [[ -n $(ls -A "$LOCAL_DIR") && ! -f $LOCAL_DIR/.run-local ]]; then
  fail 2 "$LOCAL_DIR is not empty and was not made by run-local.sh (no .run-local in it):" \
         "refusing to wipe it; set LOCAL_DIR"
fi
touch "$LOCAL_DIR/.run-local"
exec 9>"$LOCAL_DIR/.lock"
flock -n 9 || fail 2 "another ./run-local.sh is running with $LOCAL_DIR:" \
                     "stop it first (Ctrl-C in its terminal) or set LOCAL_DIR"
PIDS=$LOCAL_DIR/pids
LOGS=$LOCAL_DIR/logs
MARK="-Dlocal.stack=$LOCAL_DIR"   # on every JVM started here, so a pid file is only trusted for our own process

ours() { local cmd; cmd=$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline") && [[ $cmd == *"$MARK "* ]]; }

stop_pid() {   # $1 = name; SIGTERM, then SIGKILL after $2 seconds
  local f=$PIDS/$1.pid pid i
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if ours "$pid"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < ${2:-20} * 10; i++)); do ours "$pid" || break; sleep 0.1; done
    if ours "$pid"; then
      echo "run-local: $1 ($pid) ignored SIGTERM, killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

if compgen -G "$PIDS/*.pid" >/dev/null || compgen -G "$LOCAL_DIR/flink/*.pid" >/dev/null; then
  step "stopping what a killed earlier run left running in $LOCAL_DIR"
  for name in simulator watcher; do stop_pid "$name" 5; done
  "$FLINK_LOCAL" stop "$LOCAL_DIR/flink" 2>&1 | sed 's/^/  /' || true
  stop_pid broker 40
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
check_port() {   # $1 = port, $2 = what, $3 = how to change it
  port_in_use "$1" && fail 2 "port $1 on 127.0.0.1 ($2) is already in use: stop whatever listens there, or $3"
  return 0
}
check_port "$KAFKA_PORT" "Kafka" "choose another with --kafka-port PORT"
check_port "$KAFKA_CONTROLLER_PORT" "Kafka controller" "set KAFKA_CONTROLLER_PORT"
check_port "$FLINK_PORT" "Flink REST API and Web UI" "choose another with --flink-port PORT"
check_port "$FLINK_RPC_PORT" "Flink JobManager RPC" "set FLINK_RPC_PORT"

find "$LOCAL_DIR" -mindepth 1 -maxdepth 1 ! -name .lock ! -name .run-local -exec rm -rf {} +
mkdir -p "$PIDS" "$LOGS"

# --- from here on, whatever was started is stopped on exit, Ctrl-C or SIGTERM -----------------------------------------
STOPPED=false
FLINK_STARTED=false
cleanup() {
  trap '' INT TERM HUP   # a second Ctrl-C must not leave half of the stack running
  set +e                 # nor a failing step (e.g. the terminal is gone): stop everything that can be stopped
  $STOPPED && return
  STOPPED=true
  $FLINK_STARTED || [[ -f $PIDS/broker.pid ]] || return 0
  local t; t=$(date +%s%3N)
  step "stopping the simulator, the alert view, Flink and Kafka ..."
  stop_pid simulator 10
  stop_pid watcher 5
  if $FLINK_STARTED; then
    kill "$FLINK_START_PID" 2>/dev/null || true   # still waiting for the TaskManager if we stop early
    "$FLINK_LOCAL" stop "$LOCAL_DIR/flink" >>"$LOGS/flink-local.log" 2>&1 || true
  fi
  stop_pid broker 40
  step "stopped in $(since "$t"); state and logs stay in $LOCAL_DIR until the next run"
}
on_signal() { echo; cleanup; exit "$1"; }
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
trap '' PIPE   # output to a closed pipe fails the write (and set -e exits through cleanup) instead of killing bash
trap cleanup EXIT

# Starts a JVM in its own session (so Ctrl-C reaches only this script, which stops things in order), without the
# lock's file descriptor (so a leftover never holds the lock), and records its pid.
launch() {   # $1 = name, $2 = stdout file, $3 = stderr file ('-': the terminal), rest = java arguments
  local name=$1 out=$2 err=$3; shift 3
  [[ $out == - ]] && out=/dev/fd/1
  [[ $err == - ]] && err=/dev/fd/2
  setsid java "$MARK" "$@" >>"$out" 2>>"$err" </dev/null 9>&- &
  echo $! > "$PIDS/$name.pid"
}
alive() { ours "$(cat "$PIDS/$1.pid")"; }

# --- 1. build ---------------------------------------------------------------------------------------------------------
# shellcheck source=tools/stale-jar.sh
source "$ROOT/tools/stale-jar.sh"   # stale_reason JAR MODULE...: why JAR must be rebuilt
t=$(date +%s%3N)
reason=$(stale_reason "$BROKER_JAR" tools/kafka-broker)
[[ -n $reason ]] || reason=$(stale_reason "$TOOLS_JAR" contracts udfs tools/simulator)
[[ -n $reason ]] || reason=$(stale_reason "$ALERT_JAR" contracts udfs jobs)
if [[ -z $reason ]]; then
  step "build: jars are up to date"
elif [[ $BUILD == never ]]; then
  [[ $reason != *missing ]] || fail 1 "--no-build, but $reason"
  step "build: skipped (--no-build), although $reason"
else
  step "build: $reason; running $MVN -B -q -DskipTests package (log: ${LOGS#"$ROOT"/}/build.log) ..."
  (cd "$ROOT" && $MVN -B -q -DskipTests package) >"$LOGS/build.log" 2>&1 \
    || { tail -n 40 "$LOGS/build.log" >&2; fail 1 "the build failed; see $LOGS/build.log"; }
  # Maven leaves a jar untouched when its classes did not change: mark all as built from these sources.
  touch "$BROKER_JAR" "$TOOLS_JAR" "$ALERT_JAR"
  step "build: done in $(since "$t")"
fi

# --- 2. Flink and Kafka start side by side ----------------------------------------------------------------------------
t_flink=$(date +%s%3N)
REST_PORT=$FLINK_PORT RPC_PORT=$FLINK_RPC_PORT "$FLINK_LOCAL" start "$LOCAL_DIR/flink" \
  >"$LOGS/flink-url" 2>>"$LOGS/flink-local.log" </dev/null 9>&- &
FLINK_START_PID=$!
FLINK_STARTED=true

t=$(date +%s%3N)
launch broker "$LOGS/kafka-broker.out" "$LOGS/kafka-broker.out" "${TOOL_JVM[@]}" -cp "$BROKER_JAR" \
  io.assetalerts.tools.kafka.KafkaBroker --dir "$LOCAL_DIR/kafka" --port "$KAFKA_PORT" \
  --controller-port "$KAFKA_CONTROLLER_PORT"
for ((i = 0; ; i++)); do
  grep -q 'ready on' "$LOGS/kafka-broker.out" 2>/dev/null && break
  if ! alive broker; then
    wait "$(cat "$PIDS/broker.pid")" && code=0 || code=$?
    cat "$LOGS/kafka-broker.out" >&2
    fail "$(( code == 2 ? 2 : 1 ))" "the Kafka broker did not start; its logs are in $LOCAL_DIR/kafka"
  fi
  (( i < 900 )) || fail 1 "the Kafka broker was not ready after 90 s; see $LOCAL_DIR/kafka/server.log"
  sleep 0.1
done
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
step "kafka: broker ready on $BOOTSTRAP in $(since "$t")"

t=$(date +%s%3N)
java "$MARK" "${TOOL_JVM[@]}" -cp "$TOOLS_JAR" io.assetalerts.tools.simulator.CreateTopics \
  --bootstrap-servers "$BOOTSTRAP" >"$LOGS/create-topics.log" 2>&1 9>&- \
  || { cat "$LOGS/create-topics.log" >&2; fail 1 "creating the topics failed"; }
step "kafka: topics ready in $(since "$t"): $(awk '{print $2}' "$LOGS/create-topics.log" | paste -sd ' ')"

# The simulator starts while Flink is still coming up: the jobs read the topics from the beginning, so nothing is
# missed, and the first incident is already waiting when the alert job starts.
if [[ -f $INGEST_JAR ]]; then
  SIM_FORMAT=(--format raw)      # device readings -> telemetry-ingest job -> telemetry.events -> alert job
else
  SIM_FORMAT=(--format events)   # TelemetryReceived straight to telemetry.events
fi
launch simulator "$LOGS/simulator.log" - "${TOOL_JVM[@]}" -jar "$TOOLS_JAR" \
  --bootstrap-servers "$BOOTSTRAP" "${SIM_FORMAT[@]}" --speedup "$SPEEDUP" --progress-every 10s "${SIM_ARGS[@]}"
step "simulator: started (${SIM_FORMAT[*]}, x$SPEEDUP event time, ${SIM_ARGS[*]})"

wait "$FLINK_START_PID" \
  || { tail -n 20 "$LOGS/flink-local.log" >&2; fail 1 "Flink did not start; logs in $LOCAL_DIR/flink/log"; }
FLINK_URL=$(tail -n 1 "$LOGS/flink-url")
step "flink: JobManager and TaskManager up in $(since "$t_flink")"

# --- 3. jobs ----------------------------------------------------------------------------------------------------------
JOB_ARGS=(--bootstrap-servers "$BOOTSTRAP" --checkpoint-interval "$CHECKPOINT_INTERVAL" --idleness "$IDLENESS")
job_json() { curl -sf -m 2 "$FLINK_URL/jobs/$1"; }
job_state() { job_json "$1" | grep -o '"state":"[A-Z]*"' | head -n 1 | cut -d'"' -f4; }
all_tasks_running() {   # the job is RUNNING as soon as it is scheduled; its tasks may still be starting
  local counts
  counts=$(job_json "$1" | grep -o '"status-counts":{[^}]*}') || return 1
  [[ $counts =~ \"RUNNING\":[1-9] && ! $counts =~ \"(CREATED|SCHEDULED|DEPLOYING|INITIALIZING|RECONCILING)\":[1-9] ]]
}
submit() {   # $1 = name, $2 = jar; returns once all the job's tasks run
  local name=$1 jar=$2 t jid state i
  t=$(date +%s%3N)
  "$FLINK_LOCAL" flink "$LOCAL_DIR/flink" run -d "$jar" "${JOB_ARGS[@]}" >"$LOGS/submit-$name.log" 2>&1 9>&- \
    || { tail -n 30 "$LOGS/submit-$name.log" >&2; fail 1 "submitting the $name failed; see $LOGS/submit-$name.log"; }
  jid=$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' "$LOGS/submit-$name.log" | head -n 1)
  [[ -n $jid ]] || { cat "$LOGS/submit-$name.log" >&2; fail 1 "no JobID in the output of flink run"; }
  echo "$jid" > "$LOCAL_DIR/$name.jobid"
  for ((i = 0; i < 600; i++)); do
    state=$(job_state "$jid" || true)
    case $state in
      RUNNING) all_tasks_running "$jid" && break ;;
      FAILED|CANCELED|FINISHED)
        fail 1 "the $name is $state; see $FLINK_URL/#/job/completed/$jid and $LOCAL_DIR/flink/log" ;;
    esac
    sleep 0.2
  done
  (( i < 600 )) || fail 1 "the $name's tasks are not all running after 120 s (job $state); see $LOCAL_DIR/flink/log"
  step "flink: $name running in $(since "$t") (job $jid)"
}
# The ingest job first: by the time the alert job reads telemetry.events, every partition has data, so none is
# declared idle and then overtaken by the others (its readings would be late). Every partition gets data because
# the default fleet covers all 12 partitions; --idleness only matters for partitions that stay empty.
[[ ! -f $INGEST_JAR ]] || submit telemetry-ingest-job "$INGEST_JAR"
submit alert-job "$ALERT_JAR"

echo
echo "Flink Web UI: http://127.0.0.1:$FLINK_PORT"
echo

# --- 4. the alert view ------------------------------------------------------------------------------------------------
launch watcher - - "${TOOL_JVM[@]}" -cp "$TOOLS_JAR" io.assetalerts.tools.simulator.WatchAlerts \
  --bootstrap-servers "$BOOTSTRAP" --started-at "$T0"
if ((DURATION)); then until="for ${DURATION}s"; else until="until Ctrl-C"; fi
step "alerts, as a read_committed consumer of alert.events sees them ($until):"

# --- 5. run until --duration, Ctrl-C, or a part dies ------------------------------------------------------------------
END=$(( DURATION > 0 ? $(date +%s) + DURATION : 0 ))
for ((i = 0; ; i++)); do
  (( END == 0 || $(date +%s) < END )) || break
  for name in broker simulator watcher; do
    alive "$name" || fail 1 "the $name stopped unexpectedly; see $LOGS and $LOCAL_DIR/kafka/server.log"
  done
  if (( i % 10 == 9 )); then
    state=$(job_state "$(cat "$LOCAL_DIR/alert-job.jobid")" || true)
    [[ $state == RUNNING ]] || step "flink: the alert job is ${state:-not answering}; see $FLINK_URL"
  fi
  sleep 1
done
step "--duration ${DURATION}s is over"
