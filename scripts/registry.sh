#!/usr/bin/env bash
# Starts, stops and checks a Confluent-compatible schema registry on 127.0.0.1, for
# development and the tests. The registry is Apicurio Registry (its Confluent-compatible
# API is served under /apis/ccompat/v7), and it stores schemas in a Kafka topic on the
# tiers broker (Apicurio's "kafkasql" storage), so it needs a running broker.
#
# Usage: scripts/registry.sh start|stop|status|install
#   install  fetches Apicurio from Maven Central into .cache/registry/ and creates the
#            Python venv .cache/python-venv with examples/python/requirements.txt
#
# Environment:
#   TIERS_REGISTRY_PORT           HTTP port (default 8081)
#   TIERS_REGISTRY_MANAGEMENT_PORT  Quarkus health and metrics port (default: the HTTP port
#                                 plus 1000), on 127.0.0.1 too; Quarkus
#                                 would otherwise listen on 0.0.0.0:9000
#   TIERS_BROKERS                 broker list for the schema storage (default 127.0.0.1:9092)
#   TIERS_REGISTRY_TOPIC          journal topic of the storage (default tiers-registry-journal)
#   TIERS_REGISTRY_DIR            state folder: pid file and log (default <repo>/.cache/registry/run)
#   TIERS_REGISTRY_START_TIMEOUT  seconds to wait for readiness (default 180)
#   TIERS_REGISTRY_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 30)
#   TIERS_REGISTRY_JAVA           java binary, version 21 or newer (default: JAVA_HOME, java
#                                 on PATH, then the newest under /usr/lib/jvm)
#
# The registry URL for clients is http://127.0.0.1:<port>/apis/ccompat/v7.
# Exit status: 0 on success; `status` exits 1 when the registry is not ready.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd -- "$script_dir/.." && pwd)
# shellcheck source=registry/registry.env
source "$script_dir/registry/registry.env"

host=127.0.0.1
port=${TIERS_REGISTRY_PORT:-8081}
management_port=${TIERS_REGISTRY_MANAGEMENT_PORT:-$((port + 1000))}
brokers=${TIERS_BROKERS:-127.0.0.1:9092}
journal_topic=${TIERS_REGISTRY_TOPIC:-tiers-registry-journal}
install_dir="$repo_dir/.cache/registry/apicurio-$APICURIO_VERSION"
state_dir=${TIERS_REGISTRY_DIR:-$repo_dir/.cache/registry/run}
start_timeout=${TIERS_REGISTRY_START_TIMEOUT:-180}
stop_timeout=${TIERS_REGISTRY_STOP_TIMEOUT:-30}
venv_dir="$repo_dir/.cache/python-venv"
requirements="$repo_dir/examples/python/requirements.txt"
pid_file="$state_dir/registry.pid"
log_file="$state_dir/registry.log"
base_url="http://$host:$port"

log() {
  echo "registry: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port > 65535)); then
  die "invalid TIERS_REGISTRY_PORT '$port': expected a TCP port between 1 and 65535"
fi
for name in start_timeout stop_timeout; do
  [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "invalid $name '${!name}': expected a whole number of seconds"
done
if [[ $state_dir != /* ]]; then
  state_dir="$PWD/$state_dir"
  pid_file="$state_dir/registry.pid"
  log_file="$state_dir/registry.log"
fi

# --- Install ----------------------------------------------------------------

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'
}

# Sets java_cmd to a Java of version APICURIO_MIN_JAVA or newer.
java_cmd=
find_java() {
  [[ -z $java_cmd ]] || return 0
  local -a candidates=()
  [[ -n ${TIERS_REGISTRY_JAVA:-} ]] && candidates+=("$TIERS_REGISTRY_JAVA")
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local jvm
  for jvm in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    [[ -x $jvm/bin/java ]] && candidates+=("$jvm/bin/java")
  done

  local candidate major
  for candidate in "${candidates[@]}"; do
    major=$(java_major "$candidate" || true)
    if [[ $major =~ ^[0-9]+$ ]] && ((major >= APICURIO_MIN_JAVA)); then
      java_cmd=$candidate
      return 0
    fi
  done
  die "Apicurio Registry $APICURIO_VERSION needs Java $APICURIO_MIN_JAVA or newer, and none was found (tried: ${candidates[*]:-nothing}). Install one (for example apt-get install openjdk-21-jre-headless where Debian has it) or set TIERS_REGISTRY_JAVA."
}

# Fetches the Apicurio distribution unless this version is already unpacked. It is
# unpacked into a temporary folder first, so an interrupted install never looks complete.
install_registry() {
  if [[ -f $install_dir/quarkus-run.jar ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found. Install Maven, which fetches Apicurio once."
  local artifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all"
  local tmp_dir="$install_dir.tmp.$$"
  rm -rf -- "$tmp_dir"
  mkdir -p -- "$tmp_dir"
  log "fetching $artifact (about 160 MB) with Maven"
  local output
  if ! output=$(mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$tmp_dir" </dev/null 2>&1); then
    printf '%s\n' "$output" | sed 's/\x1b\[[0-9;]*m//g' >&2
    rm -rf -- "$tmp_dir"
    die "Maven failed to fetch $artifact"
  fi
  tar -xzf "$tmp_dir"/apicurio-registry-app-*-all.tar.gz -C "$tmp_dir"
  rm -f -- "$tmp_dir"/apicurio-registry-app-*-all.tar.gz
  [[ -f $tmp_dir/quarkus-run.jar ]] || die "the Apicurio archive has no quarkus-run.jar; its layout changed"
  rm -rf -- "$install_dir"
  mv -- "$tmp_dir" "$install_dir"
  log "installed Apicurio Registry $APICURIO_VERSION in $install_dir"
}

# Creates the venv and installs the pinned Python packages when requirements.txt changed.
install_python() {
  local stamp="$venv_dir/.requirements.sha256"
  local hash
  hash=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$hash" ]]; then
    return 0
  fi
  local python=${TIERS_PYTHON:-python3}
  command -v "$python" >/dev/null 2>&1 || die "$python not found. Install Python 3.9 or newer, or set TIERS_PYTHON."
  log "installing $requirements into $venv_dir"
  [[ -x $venv_dir/bin/python ]] || "$python" -m venv "$venv_dir"
  "$venv_dir/bin/pip" install -q --disable-pip-version-check -r "$requirements" ||
    die "pip failed to install $requirements"
  echo "$hash" >"$stamp"
}

# --- Probes -----------------------------------------------------------------

# The subjects list is served only once the storage has read its journal topic.
registry_ready() {
  curl -sf -m 5 -o /dev/null "$base_url/apis/ccompat/v7/subjects"
}

port_open() {
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# Prints the pid from the pid file if that process is still this registry.
running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$install_dir/quarkus-run.jar" || return 1
  echo "$pid"
}

take_lock() {
  mkdir -p -- "$state_dir"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$state_dir/.lock"
    flock -w $((start_timeout + stop_timeout + 30)) 9 || die "timed out waiting for another start or stop of the registry"
  fi
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "registry (pid $pid) still running $stop_timeout s after SIGTERM, so sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f -- "$pid_file"
}

# --- Commands ---------------------------------------------------------------

start() {
  take_lock
  local pid
  if pid=$(running_pid) && registry_ready; then
    log "already running on $base_url (pid $pid)"
    return 0
  fi
  if [[ -z ${pid:-} ]] && registry_ready; then
    log "a registry not started by this script already answers on $base_url, so using it"
    return 0
  fi

  if [[ -z ${pid:-} ]]; then
    port_open && die "port $port on $host is in use by another program. Stop it or set TIERS_REGISTRY_PORT."
    install_registry
    find_java
    log "starting Apicurio Registry $APICURIO_VERSION on $base_url (storage: topic $journal_topic on $brokers, log $log_file)"
    # setsid detaches the JVM from this shell's process group, as scripts/kafka.sh does.
    (
      cd -- "$install_dir"
      APICURIO_STORAGE_KIND=kafkasql \
        APICURIO_KAFKASQL_BOOTSTRAP_SERVERS="$brokers" \
        APICURIO_KAFKASQL_TOPIC="$journal_topic" \
        APICURIO_KAFKASQL_SNAPSHOTS_TOPIC="$journal_topic-snapshots" \
        APICURIO_EVENTS_KAFKA_TOPIC="$journal_topic-events" \
        QUARKUS_HTTP_HOST="$host" \
        QUARKUS_HTTP_PORT="$port" \
        QUARKUS_MANAGEMENT_HOST="$host" \
        QUARKUS_MANAGEMENT_PORT="$management_port" \
        exec setsid nohup "$java_cmd" -Xms128m -Xmx512m -XX:+ExitOnOutOfMemoryError \
        -jar "$install_dir/quarkus-run.jar"
    ) >"$log_file" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$pid_file"
  else
    log "registry (pid $pid) is running but not ready yet, so waiting for it"
  fi

  local started=$SECONDS deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$pid_file"
      tail -n 40 -- "$log_file" >&2 || true
      die "registry (pid $pid) exited during start-up. Is a broker running on $brokers? See the log above."
    fi
    if registry_ready; then
      log "ready on $base_url/apis/ccompat/v7 (pid $pid, $((SECONDS - started)) s)"
      return 0
    fi
    sleep 1
  done
  tail -n 40 -- "$log_file" >&2 || true
  stop_pid "$pid"
  die "registry did not become ready on $base_url within $start_timeout s. Read the log above, or raise TIERS_REGISTRY_START_TIMEOUT."
}

stop() {
  take_lock
  local pid
  if ! pid=$(running_pid); then
    rm -f -- "$pid_file"
    log "not running"
    return 0
  fi
  log "stopping registry (pid $pid)"
  stop_pid "$pid"
  log "stopped"
}

status() {
  if registry_ready; then
    log "ready on $base_url/apis/ccompat/v7"
    return 0
  fi
  log "not ready on $base_url"
  return 1
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  install)
    install_registry
    find_java
    install_python
    ;;
  *)
    echo "usage: $0 start|stop|status|install" >&2
    exit 2
    ;;
esac
