#!/usr/bin/env bash
# flink-local.sh — a local Flink standalone session cluster for this project: one JobManager JVM and one
# TaskManager JVM bound to 127.0.0.1, built from Maven Central jars (no flink-dist tarball, no Docker).
# It runs with the project's own cluster settings, flink-conf/config.yaml: only what a local run must change
# (addresses, ports, directories) is overridden, with Flink's own -D mechanism.
#
#   tools/flink-local.sh start DIR        resolve the jars (cached), write DIR/conf, start JM + TM, wait until the
#                                         TaskManager has registered; prints the REST/Web UI URL
#   tools/flink-local.sh stop DIR         stop the TaskManager and the JobManager (SIGTERM, then SIGKILL after 30 s)
#   tools/flink-local.sh status DIR       processes and the cluster overview
#   tools/flink-local.sh taskmanager DIR  start a TaskManager again, e.g. after one was killed
#   tools/flink-local.sh flink DIR ARGS   the Flink CLI against this cluster: run -d JAR ..., list, stop -p DIR JOBID
#
# Environment, read on `start` (the written config is kept in DIR/conf, so later commands need none of it):
#   REST_PORT (8081)    RPC_PORT (6123)    PROM_PORT (flink-conf's range)    TM_SLOTS, JM_MEMORY, TM_MEMORY
#   (flink-conf's values)    FLINK_VERSION (the root pom's flink.version)    FLINK_CONF_SRC (<repo>/flink-conf)
#   ASSET_ALERTS_CACHE (~/.cache/asset-alerts)    JAVA (java)
# Layout of DIR: conf/ (generated), log/, plugins/prometheus/, checkpoints/, savepoints/, rocksdb/, tmp/,
# web-upload/, jobmanager.pid, taskmanager.pid.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLINK_VERSION="${FLINK_VERSION:-$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)}"
FLINK_CONF_SRC="${FLINK_CONF_SRC:-$ROOT/flink-conf}"
CACHE="${ASSET_ALERTS_CACHE:-$HOME/.cache/asset-alerts}/flink-$FLINK_VERSION"
JAVA="${JAVA:-java}"

# The JDK 17 module flags that flink-dist's default config.yaml sets in env.java.opts.all; this script starts
# the JVMs itself (not through bin/config.sh), so it adds them the same way, before the config's own opts.
JAVA17_OPTS="-XX:+IgnoreUnrecognizedVMOptions
 --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
 --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
 --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
 --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
 --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

die() { echo "flink-local: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf '%d.%01ds' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

# --- jars: tools/flink-local/pom.xml copies lib/ and the Prometheus plugin into the cache, once per version ---
resolve_jars() {
  LIB="$CACHE/lib"
  PLUGINS="$CACHE/plugins"
  local stamp; stamp="$CACHE/.complete-$(cksum < "$ROOT/tools/flink-local/pom.xml" | cut -d' ' -f1)"
  [[ -f "$stamp" ]] && return
  command -v mvn >/dev/null || die "mvn is needed once to resolve the Flink $FLINK_VERSION jars"
  rm -rf "$CACHE"; mkdir -p "$CACHE"
  echo "flink-local: resolving the Flink $FLINK_VERSION jars into $CACHE" >&2
  local args=(-B -q -Dstyle.color=never -f "$ROOT/tools/flink-local/pom.xml" package
              "-Dflink.version=$FLINK_VERSION" "-Dlocal.lib=$LIB" "-Dlocal.plugins=$PLUGINS")
  # offline first (everything may be in ~/.m2 already), then with the network
  mvn -o "${args[@]}" > "$CACHE/mvn.log" 2>&1 || mvn "${args[@]}" > "$CACHE/mvn.log" 2>&1 \
    || { tail -n 30 "$CACHE/mvn.log" >&2; die "mvn could not resolve the Flink jars (log: $CACHE/mvn.log)"; }
  touch "$stamp"
}

# Flink's own config tool: reads DIR/conf/config.yaml, applies -D overrides, prints the merged YAML (flat keys).
flink_config() {   # $1 = conf dir, then -D key=value ...
  local dir=$1; shift
  "$JAVA" -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION \
    --configDir "$dir" "$@" -flatten 2>&1 | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | sort
}

# --- config: flink-conf/ copied as it is, then only the local run's addresses, ports and directories overridden ---
write_conf() {
  local dir=$1 f
  mkdir -p "$dir"/{conf,log,plugins,tmp,checkpoints,savepoints,rocksdb,web-upload}
  rm -f "$dir/conf/"*
  for f in "$FLINK_CONF_SRC"/*; do cp "$f" "$dir/conf/"; done
  local overrides=(
    -D jobmanager.rpc.address=127.0.0.1 -D "jobmanager.rpc.port=$RPC_PORT" -D jobmanager.bind-host=127.0.0.1
    -D taskmanager.host=127.0.0.1 -D taskmanager.bind-host=127.0.0.1
    -D rest.address=127.0.0.1 -D rest.bind-address=127.0.0.1 -D "rest.port=$REST_PORT"
    -D "execution.checkpointing.dir=file://$dir/checkpoints"
    -D "execution.checkpointing.savepoint-dir=file://$dir/savepoints"
    -D "state.backend.rocksdb.localdir=$dir/rocksdb"
    -D "io.tmp.dirs=$dir/tmp" -D "web.upload.dir=$dir/web-upload")
  [[ -n "${PROM_PORT:-}" ]] && overrides+=(-D "metrics.reporter.prom.port=$PROM_PORT")
  [[ -n "${TM_SLOTS:-}" ]] && overrides+=(-D "taskmanager.numberOfTaskSlots=$TM_SLOTS")
  [[ -n "${JM_MEMORY:-}" ]] && overrides+=(-D "jobmanager.memory.process.size=$JM_MEMORY")
  [[ -n "${TM_MEMORY:-}" ]] && overrides+=(-D "taskmanager.memory.process.size=$TM_MEMORY")
  local merged
  merged=$(flink_config "$dir/conf" "${overrides[@]}")
  [[ -n "$merged" ]] || die "could not read $FLINK_CONF_SRC/config.yaml with Flink's config parser"
  { echo "# Written by tools/flink-local.sh: $FLINK_CONF_SRC/config.yaml with these overrides:"
    printf '#   %s\n' "${overrides[@]//-D/}" | grep -v '^#   $'
    echo "$merged"; } > "$dir/conf/config.yaml"
  # the Prometheus reporter named in flink-conf is a plugin: each plugin folder gets its own class loader
  rm -rf "$dir/plugins/prometheus"; cp -r "$PLUGINS/prometheus" "$dir/plugins/prometheus"
}

# --- memory: like bin/jobmanager.sh and bin/taskmanager.sh, BashJavaUtils derives the JVM memory flags (line 1)
#     and the fully resolved memory options (line 2) from *.memory.process.size. ---
resource_params() {   # $1 = GET_JM_RESOURCE_PARAMS | GET_TM_RESOURCE_PARAMS, $2 = conf dir
  local out
  out=$("$JAVA" -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$2" 2>&1) \
    || die "the memory settings in $2/config.yaml are not valid: $(grep -m 1 -i 'exception' <<<"$out")"
  sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$out" | tail -n 2
}

# the config's env.java.opts.all and env.java.opts.<jobmanager|taskmanager|client>, as bin/config.sh uses them
config_java_opts() {   # $1 = dir, $2 = jobmanager | taskmanager | client
  sed -n "s/^env\.java\.opts\.\(all\|$2\): *//p" "$1/conf/config.yaml" | tr -d "'\"" | tr '\n' ' '
}

launch() {   # $1 = jobmanager | taskmanager, $2 = main class, $3 = params kind, $4 = dir
  local name=$1 main=$2 kind=$3 dir=$4 params jvm dyn
  params=$(resource_params "$kind" "$dir/conf") || exit 1
  [[ $(wc -l <<<"$params") -eq 2 ]] || die "BashJavaUtils $kind printed no memory settings: $params"
  jvm=$(sed -n 1p <<<"$params"); dyn=$(sed -n 2p <<<"$params")
  # -Dlog.file also tells the Web UI where the Logs tab reads from; setsid: the JVM outlives this shell
  # shellcheck disable=SC2086  # the option strings are meant to split into words
  FLINK_CONF_DIR="$dir/conf" FLINK_PLUGINS_DIR="$dir/plugins" FLINK_LIB_DIR="$LIB" \
  setsid "$JAVA" $jvm $JAVA17_OPTS $(config_java_opts "$dir" "$name") \
    -Dlog.file="$dir/log/$name.log" -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" \
    -cp "$LIB/*" "$main" --configDir "$dir/conf" $dyn \
    >> "$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
overview() { curl -sf -m 2 "http://127.0.0.1:$1/overview"; }

wait_for() {   # $1 = what, $2 = dir, $3 = command that succeeds when ready; polls every 0.2 s for up to 120 s
  local i p
  for ((i = 0; i < 600; i++)); do
    eval "$3" && return 0
    for p in "$2"/*.pid; do
      alive "$p" && continue
      local name; name=$(basename "$p" .pid)
      if grep -qs "Address already in use\|BindException" "$2/log/$name.log" "$2/log/$name.out"; then
        die "$name could not bind a port ($(grep -ho 'BindException.*\|Address already in use.*' \
          "$2/log/$name.log" "$2/log/$name.out" | head -n 1)); see $2/log/$name.log"
      fi
      tail -n 20 "$2/log/$name.log" >&2 2>/dev/null || true
      die "$name exited during start-up; see $2/log/$name.log"
    done
    sleep 0.2
  done
  die "timed out waiting for $1; see $2/log/"
}

rest_port_of() { sed -n "s/^rest\.port: '\{0,1\}\([0-9]*\).*/\1/p" "$1/conf/config.yaml"; }

start() {
  local dir; dir=$(mkdir -p "$1" && cd "$1" && pwd)
  local p
  for p in "$dir"/{jobmanager,taskmanager}.pid; do
    alive "$p" && die "a cluster is already running in $dir (pid $(cat "$p")); stop it first"
    rm -f "$p"
  done
  REST_PORT="${REST_PORT:-8081}"; RPC_PORT="${RPC_PORT:-6123}"
  command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"
  in_use "$REST_PORT" && die "port $REST_PORT (REST_PORT, REST API and Web UI) is already in use on 127.0.0.1"
  in_use "$RPC_PORT" && die "port $RPC_PORT (RPC_PORT, JobManager RPC) is already in use on 127.0.0.1"
  # a start that fails half-way leaves nothing running
  # shellcheck disable=SC2064  # $dir is expanded now, on purpose: it is local to this function
  trap "echo 'flink-local: start failed, stopping what was started' >&2; stop '$dir'" EXIT
  local t0; t0=$(now_ms)
  resolve_jars
  write_conf "$dir"
  echo "$FLINK_VERSION" > "$dir/flink-version"
  local t1; t1=$(now_ms)
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS "$dir"
  wait_for "the REST API on port $REST_PORT" "$dir" "overview $REST_PORT >/dev/null"
  local t2; t2=$(now_ms)
  launch taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS "$dir"
  wait_for "the TaskManager to register" "$dir" \
    "[[ \$(overview $REST_PORT | sed -n 's/.*\"taskmanagers\":\([0-9]*\).*/\1/p') -ge 1 ]]"
  local t3; t3=$(now_ms)
  trap - EXIT
  echo "flink-local: JobManager pid $(cat "$dir/jobmanager.pid"), TaskManager pid $(cat "$dir/taskmanager.pid");" \
    "config $(secs $((t1 - t0))), REST up after $(secs $((t2 - t1))), TaskManager registered after" \
    "$(secs $((t3 - t1))); logs in $dir/log" >&2
  echo "http://127.0.0.1:$REST_PORT"
}

stop() {
  local dir=$1 name pid i
  for name in taskmanager jobmanager; do
    alive "$dir/$name.pid" || { rm -f "$dir/$name.pid"; continue; }
    pid=$(cat "$dir/$name.pid")
    kill "$pid"   # SIGTERM: Flink shuts down cleanly
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "flink-local: $name ($pid) did not stop within 30 s, killing it" >&2
      kill -9 "$pid"
    fi
    echo "flink-local: stopped $name ($pid)" >&2
    rm -f "$dir/$name.pid"
  done
}

status() {
  local dir=$1 name port
  [[ -f "$dir/conf/config.yaml" ]] || die "$dir holds no cluster; run: $0 start $dir"
  for name in jobmanager taskmanager; do
    if alive "$dir/$name.pid"; then echo "$name: running (pid $(cat "$dir/$name.pid"))"; else echo "$name: not running"; fi
  done
  port=$(rest_port_of "$dir")
  overview "$port" && echo || echo "no REST API answers on 127.0.0.1:$port"
}

use_dir() {   # the jars a cluster in DIR was started with
  [[ -f "$1/conf/config.yaml" ]] || die "$1 holds no cluster; run: $0 start $1"
  [[ -f "$1/flink-version" ]] && FLINK_VERSION=$(cat "$1/flink-version") \
    && CACHE="${ASSET_ALERTS_CACHE:-$HOME/.cache/asset-alerts}/flink-$FLINK_VERSION"
  resolve_jars
}

start_tm() {
  local dir; dir=$(cd "$1" && pwd)
  use_dir "$dir"
  alive "$dir/taskmanager.pid" && die "a TaskManager is already running (pid $(cat "$dir/taskmanager.pid"))"
  launch taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS "$dir"
  echo "flink-local: TaskManager pid $(cat "$dir/taskmanager.pid")" >&2
}

cli() {   # what bin/flink does: CliFrontend with FLINK_CONF_DIR, logging to DIR/log/client.log
  local dir; dir=$(cd "$1" && pwd); shift
  use_dir "$dir"
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$dir/conf" FLINK_LIB_DIR="$LIB" FLINK_PLUGINS_DIR="$dir/plugins" \
  "$JAVA" $JAVA17_OPTS $(config_java_opts "$dir" client) -Dlog.file="$dir/log/client.log" \
    -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" \
    -cp "$LIB/*" org.apache.flink.client.cli.CliFrontend "$@"
}

usage="usage: $0 start DIR | stop DIR | status DIR | taskmanager DIR | flink DIR ARGS..."
case "${1:-}" in
  start)       [[ $# -eq 2 ]] || die "$usage"; start "$2" ;;
  stop)        [[ $# -eq 2 ]] || die "$usage"; stop "$2" ;;
  status)      [[ $# -eq 2 ]] || die "$usage"; status "$2" ;;
  taskmanager) [[ $# -eq 2 ]] || die "$usage"; start_tm "$2" ;;
  flink)       [[ $# -ge 2 ]] || die "$usage"; d=$2; shift 2; cli "$d" "$@" ;;
  *)           die "$usage" ;;
esac
