#!/usr/bin/env bash
# Starts, stops and checks a single-node Apache Kafka broker in KRaft mode
# (broker and controller in one JVM) on 127.0.0.1, for development and CI.
#
# Usage: scripts/kafka.sh start|stop|status|fetch
# (fetch only downloads the jars, so CI can do it before the tests run)
#
# The broker's jars come from Maven Central through scripts/kafka/pom.xml and
# are cached in .cache/kafka/libs. Broker state (data, logs, pid file) lives in
# .kafka/ unless TIERS_KAFKA_DIR names another folder.
#
# Environment:
#   TIERS_KAFKA_PORT              client listener port (default 9092)
#   TIERS_KAFKA_CONTROLLER_PORT   controller listener port (default 9093)
#   TIERS_KAFKA_DIR               state folder (default <repo>/.kafka)
#   TIERS_KAFKA_START_TIMEOUT     seconds to wait for the broker to accept requests (default 120)
#   TIERS_KAFKA_STOP_TIMEOUT      seconds to wait after SIGTERM before SIGKILL (default 60)
#   TIERS_KAFKA_HEAP_OPTS         JVM heap options (default "-Xms256m -Xmx1g")
#   TIERS_KAFKA_SASL_USERS        comma-separated NAME:PASSWORD list (see "SASL mode" below)
#   TIERS_KAFKA_TLS               1 turns on TLS on the client port (see "TLS mode" below);
#                                 0 or unset leaves it off
#   TIERS_KAFKA_INTERNAL_PORT     with TIERS_KAFKA_SASL_USERS or TIERS_KAFKA_TLS: port of the
#                                 PLAINTEXT listener for the broker's own traffic
#                                 (default: controller port + 1)
#   JAVA_HOME                     Java 17 or newer; otherwise `java` on PATH
#
# SASL mode: when TIERS_KAFKA_SASL_USERS is set, the client port is a
# SASL_PLAINTEXT listener that accepts SCRAM-SHA-256 and SCRAM-SHA-512, and
# each listed user gets credentials for both mechanisms when the storage is
# formatted. Inter-broker traffic uses a PLAINTEXT listener on
# TIERS_KAFKA_INTERNAL_PORT, and the controller keeps its PLAINTEXT listener,
# both on 127.0.0.1. Users are created only when a new state folder is
# formatted, so a changed user list needs a new TIERS_KAFKA_DIR. This mode is
# for development: the passwords appear in the process list while the storage
# is formatted.
#
# TLS mode: when TIERS_KAFKA_TLS is 1, the client port is an SSL listener
# (SASL_SSL together with TIERS_KAFKA_SASL_USERS). On the first start the
# script creates a throwaway CA and a broker certificate for 127.0.0.1 and
# localhost with openssl, in <state folder>/tls, and later starts reuse them.
# Clients trust the broker with --ssl-ca <state folder>/tls/ca.pem, a path the
# script logs at start. The broker does not ask clients for certificates. As
# in SASL mode, the broker's own traffic and the controller stay on PLAINTEXT
# listeners on 127.0.0.1.
#
# Exit status: 0 on success. `status` exits 0 when a broker accepts requests
# on the client port and 1 otherwise.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd -- "$script_dir/.." && pwd)
template_dir="$script_dir/kafka"
libs_dir="$repo_dir/.cache/kafka/libs"

host=127.0.0.1
port=${TIERS_KAFKA_PORT:-9092}
controller_port=${TIERS_KAFKA_CONTROLLER_PORT:-9093}
state_dir=${TIERS_KAFKA_DIR:-$repo_dir/.kafka}
start_timeout=${TIERS_KAFKA_START_TIMEOUT:-120}
stop_timeout=${TIERS_KAFKA_STOP_TIMEOUT:-60}
heap_opts=${TIERS_KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
sasl_users=${TIERS_KAFKA_SASL_USERS:-}
tls_setting=${TIERS_KAFKA_TLS:-}

log() {
  echo "kafka: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

require_port() {
  local name=$1 value=$2
  # The regex rejects leading zeros, which bash arithmetic would read as octal.
  if ! [[ $value =~ ^[1-9][0-9]*$ ]] || ((value > 65535)); then
    die "invalid $name '$value': expected a TCP port between 1 and 65535"
  fi
}

require_seconds() {
  local name=$1 value=$2
  if ! [[ $value =~ ^[1-9][0-9]*$ ]]; then
    die "invalid $name '$value': expected a whole number of seconds, at least 1"
  fi
}

require_port TIERS_KAFKA_PORT "$port"
require_port TIERS_KAFKA_CONTROLLER_PORT "$controller_port"
if ((port == controller_port)); then
  die "TIERS_KAFKA_PORT and TIERS_KAFKA_CONTROLLER_PORT are both $port. Choose two different ports."
fi
require_seconds TIERS_KAFKA_START_TIMEOUT "$start_timeout"
require_seconds TIERS_KAFKA_STOP_TIMEOUT "$stop_timeout"

tls=
case $tls_setting in
  1) tls=1 ;;
  '' | 0) ;;
  *) die "invalid TIERS_KAFKA_TLS '$tls_setting': expected 1 to turn TLS on, or 0 to leave it off" ;;
esac

# The security protocol of the client listener, which is also its name.
client_protocol=PLAINTEXT
if [[ -n $sasl_users && -n $tls ]]; then
  client_protocol=SASL_SSL
elif [[ -n $sasl_users ]]; then
  client_protocol=SASL_PLAINTEXT
elif [[ -n $tls ]]; then
  client_protocol=SSL
fi

# In SASL and TLS mode, the readiness probe has neither credentials nor the
# CA, so it uses the internal PLAINTEXT listener. Otherwise it uses the
# client port.
probe_port=$port
internal_port=
if [[ $client_protocol != PLAINTEXT ]]; then
  internal_port=${TIERS_KAFKA_INTERNAL_PORT:-$((controller_port + 1))}
  require_port TIERS_KAFKA_INTERNAL_PORT "$internal_port"
  if ((internal_port == port || internal_port == controller_port)); then
    die "TIERS_KAFKA_INTERNAL_PORT $internal_port equals the client or controller port. Choose a third port."
  fi
  probe_port=$internal_port
fi

sasl_entries=()
scram_args=()
if [[ -n $sasl_users ]]; then
  # Each entry becomes an --add-scram argument of the storage format command,
  # whose syntax (SCRAM-SHA-256=[name=N,password=P]) has no escapes. So names
  # and passwords are limited to characters that need none.
  IFS=, read -r -a sasl_entries <<<"$sasl_users"
  for index in "${!sasl_entries[@]}"; do
    entry=${sasl_entries[index]}
    if ! [[ $entry =~ ^([A-Za-z0-9._-]+):([A-Za-z0-9._~!@#%^*+/-]+)$ ]]; then
      # The message names the entry by position, because its text may contain a password.
      die "invalid entry $((index + 1)) of TIERS_KAFKA_SASL_USERS: expected NAME:PASSWORD, where NAME uses letters, digits and ._- and PASSWORD also ~!@#%^*+/"
    fi
    for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
      scram_args+=(--add-scram "$mechanism=[name=${BASH_REMATCH[1]},password=${BASH_REMATCH[2]}]")
    done
  done
fi

# Relative paths would break once the broker runs from another directory.
if [[ $state_dir != /* ]]; then
  state_dir="$PWD/$state_dir"
fi
data_dir="$state_dir/data"
logs_dir="$state_dir/logs"
config_file="$state_dir/server.properties"
pid_file="$state_dir/kafka.pid"
# SHA-256 of the TIERS_KAFKA_SASL_USERS value the storage was formatted with.
sasl_stamp_file="$state_dir/sasl-users.sha256"
tls_dir="$state_dir/tls"
tls_ca_file="$tls_dir/ca.pem"
# The broker's private key followed by its certificate and the CA certificate.
tls_keystore_file="$tls_dir/broker.pem"

# --- Java and jars ----------------------------------------------------------

# Sets java_cmd once per run, because the version check itself starts a JVM.
java_cmd=
find_java() {
  [[ -z $java_cmd ]] || return 0

  local java=java
  if [[ -n ${JAVA_HOME:-} ]]; then
    java="$JAVA_HOME/bin/java"
  fi
  if ! command -v "$java" >/dev/null 2>&1; then
    die "Java not found (tried '$java'). Install Java 17 or newer or set JAVA_HOME."
  fi

  # Kafka 4 brokers need Java 17 or newer.
  local spec
  spec=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  if ! [[ $spec =~ ^[0-9]+$ ]] || ((spec < 17)); then
    die "Java 17 or newer is required, but '$java' is version '${spec:-unknown}'. Set JAVA_HOME to a newer Java."
  fi
  java_cmd=$java
}

# Copies the jars listed in pom.xml into the cache unless the cache was filled
# from the same pom.xml. The copy goes to a temporary folder first, so an
# interrupted download never leaves a half-filled cache that looks complete.
fetch_jars() {
  local pom="$template_dir/pom.xml"
  local stamp_file="$libs_dir/.pom.sha256"
  local pom_hash
  pom_hash=$(sha256sum "$pom" | cut -d' ' -f1)
  if [[ -f $stamp_file && $(<"$stamp_file") == "$pom_hash" ]]; then
    return 0
  fi

  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found. Install Maven, which is needed once to fetch the Kafka jars."
  log "fetching Kafka jars with Maven into $libs_dir"
  local tmp_dir="$libs_dir.tmp.$$"
  rm -rf -- "$tmp_dir"
  mkdir -p -- "$(dirname -- "$libs_dir")"
  # Maven 3.8 prints ANSI reset codes even in quiet batch mode, so its output
  # is kept and shown, without escape codes, only when it fails.
  local output
  if ! output=$(mvn -q -B -f "$pom" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp_dir" </dev/null 2>&1); then
    printf '%s\n' "$output" | sed 's/\x1b\[[0-9;]*m//g' >&2
    rm -rf -- "$tmp_dir"
    die "Maven failed to fetch the Kafka jars listed in $pom"
  fi
  echo "$pom_hash" >"$tmp_dir/.pom.sha256"
  rm -rf -- "$libs_dir"
  mv -- "$tmp_dir" "$libs_dir"
}

# --- Probes -----------------------------------------------------------------

port_open() {
  local probe_port=$1
  # The inner shell receives host and port as $0 and $1, so single quotes are intended.
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$probe_port" 2>/dev/null
}

# Succeeds when BrokerApiVersionsCommand reaches the broker and reports it as
# not fenced, which is when clients can create topics and produce. In SASL
# mode it connects to the internal listener, after checking the client port.
broker_ready() {
  port_open "$port" || return 1
  if [[ ! -f $libs_dir/.pom.sha256 ]]; then
    return 1
  fi

  local output
  find_java
  output=$(timeout 30 "$java_cmd" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -cp "$libs_dir/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$host:$probe_port" 2>/dev/null) || return 1
  grep -q 'isFenced: false' <<<"$output"
}

# Prints the pid from the pid file if that process is still the broker of this
# state folder. The command line check skips a pid that the system has reused.
running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $config_file" || return 1
  echo "$pid"
}

print_log_tail() {
  local file
  for file in "$logs_dir/server.log" "$logs_dir/kafka.out"; do
    if [[ -s $file ]]; then
      log "last 40 lines of $file:"
      tail -n 40 -- "$file" >&2
    fi
  done
}

# Serializes start and stop, so two callers never launch two brokers. The
# broker must not inherit file descriptor 9, or it would hold the lock.
take_lock() {
  mkdir -p -- "$state_dir"
  if command -v flock >/dev/null 2>&1; then
    local wait_seconds=$((start_timeout + stop_timeout + 30))
    exec 9>"$state_dir/.lock"
    flock -w "$wait_seconds" 9 ||
      die "timed out after $wait_seconds s waiting for another start or stop of the broker in $state_dir"
  fi
}

# --- Start ------------------------------------------------------------------

render_config() {
  local text
  text=$(<"$template_dir/server.properties")
  # Quoted replacements keep '&' and '\' in paths literal.
  text=${text//@HOST@/"$host"}
  text=${text//@PORT@/"$port"}
  text=${text//@CONTROLLER_PORT@/"$controller_port"}
  text=${text//@DATA_DIR@/"$data_dir"}
  if [[ $client_protocol != PLAINTEXT ]]; then
    text=$(secure_config "$text")
  fi
  printf '%s\n' "$text" >"$config_file"
}

# Prints the rendered configuration with its listener settings replaced by
# the SASL and TLS modes': SCRAM, TLS or both on the client port, and
# PLAINTEXT for the broker itself.
secure_config() {
  local text=$1
  grep -Ev '^(listeners|advertised\.listeners|listener\.security\.protocol\.map|inter\.broker\.listener\.name)=' <<<"$text"
  # Kafka spells listener names in lower case in listener.name.<name>.* keys.
  local listener=${client_protocol,,}
  cat <<EOF

# Client listener in $client_protocol mode. The broker's own traffic uses the
# PLAINTEXT listener.
listeners=$client_protocol://$host:$port,PLAINTEXT://$host:$internal_port,CONTROLLER://$host:$controller_port
advertised.listeners=$client_protocol://$host:$port,PLAINTEXT://$host:$internal_port,CONTROLLER://$host:$controller_port
listener.security.protocol.map=$client_protocol:$client_protocol,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
EOF
  if [[ -n $sasl_users ]]; then
    local jaas='org.apache.kafka.common.security.scram.ScramLoginModule required;'
    cat <<EOF
# SASL (TIERS_KAFKA_SASL_USERS is set). The SCRAM credentials are stored in
# the cluster metadata, so the login modules below need no options.
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.$listener.scram-sha-256.sasl.jaas.config=$jaas
listener.name.$listener.scram-sha-512.sasl.jaas.config=$jaas
EOF
  fi
  if [[ -n $tls ]]; then
    cat <<EOF
# TLS (TIERS_KAFKA_TLS=1). The PEM key store contains an unencrypted private
# key, so it needs no ssl.key.password.
listener.name.$listener.ssl.keystore.type=PEM
listener.name.$listener.ssl.keystore.location=$tls_keystore_file
EOF
  fi
}

# Creates a throwaway CA and a broker certificate that it signs, for
# 127.0.0.1 and localhost, unless a broker certificate valid for at least one
# more day exists. The files go to a temporary folder first, so an
# interrupted run never leaves a key store without its CA. Only ca.pem and
# the key store are kept; the CA key is deleted, so the CA signs nothing else.
create_tls_files() {
  command -v openssl >/dev/null 2>&1 ||
    die "openssl not found, but TIERS_KAFKA_TLS=1 needs it to create the broker certificate. Install OpenSSL, or unset TIERS_KAFKA_TLS."
  if [[ -s $tls_ca_file && -s $tls_keystore_file ]] &&
    openssl x509 -checkend 86400 -noout -in "$tls_keystore_file" >/dev/null 2>&1; then
    return 0
  fi

  log "creating a CA and a broker certificate in $tls_dir"
  local tmp_dir="$tls_dir.tmp.$$"
  rm -rf -- "$tmp_dir"
  mkdir -p -m 700 -- "$tmp_dir"
  local output
  # Kafka's PEM key store reads only PKCS#8 keys ("BEGIN PRIVATE KEY"), which
  # `openssl req -newkey -nodes` writes (checked with OpenSSL 3.0).
  if ! output=$(
    cd -- "$tmp_dir" &&
      openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=tiers local Kafka CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout ca-key.pem -out ca.pem 2>&1 &&
      openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout broker-key.pem -out broker.csr 2>&1 &&
      printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth' >broker.ext &&
      openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 16)" \
        -days 365 -extfile broker.ext -out broker-cert.pem 2>&1 &&
      cat broker-key.pem broker-cert.pem ca.pem >broker.pem &&
      rm -f -- ca-key.pem broker-key.pem broker-cert.pem broker.csr broker.ext
  ); then
    printf '%s\n' "$output" >&2
    rm -rf -- "$tmp_dir"
    die "openssl failed to create the TLS files for $tls_dir"
  fi
  rm -rf -- "$tls_dir"
  mv -- "$tmp_dir" "$tls_dir"
}

sasl_users_hash() {
  printf '%s' "$sasl_users" | sha256sum | cut -d' ' -f1
}

format_storage() {
  if [[ -f $data_dir/meta.properties ]]; then
    if [[ -n $sasl_users && $(cat -- "$sasl_stamp_file" 2>/dev/null) != "$(sasl_users_hash)" ]]; then
      die "$data_dir was formatted with other SCRAM users than TIERS_KAFKA_SASL_USERS lists (or none), and users are created only when the storage is formatted. Use a new TIERS_KAFKA_DIR, or remove $state_dir."
    fi
    return 0
  fi

  local cluster_id
  cluster_id=$("$java_cmd" -cp "$libs_dir/*" kafka.tools.StorageTool random-uuid 2>/dev/null) ||
    die "failed to generate a cluster id with kafka.tools.StorageTool"
  log "formatting storage in $data_dir (cluster id $cluster_id)"
  local output
  if ! output=$("$java_cmd" -cp "$libs_dir/*" \
    -Dlog4j2.configurationFile="$template_dir/log4j2.xml" -Dkafka.logs.dir="$logs_dir" \
    kafka.tools.StorageTool format --config "$config_file" \
    --cluster-id "$cluster_id" --standalone "${scram_args[@]}" 2>&1); then
    printf '%s\n' "$output" >&2
    die "failed to format storage in $data_dir"
  fi
  if [[ -n $sasl_users ]]; then
    sasl_users_hash >"$sasl_stamp_file"
    log "created SCRAM-SHA-256 and SCRAM-SHA-512 credentials for ${#sasl_entries[@]} user(s)"
  else
    rm -f -- "$sasl_stamp_file"
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
    log "broker (pid $pid) still running ${stop_timeout} s after SIGTERM, so sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
      sleep 0.1
    done
  fi
  rm -f -- "$pid_file"
}

wait_until_ready() {
  local pid=$1 started=$SECONDS
  local deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$pid_file"
      print_log_tail
      die "broker (pid $pid) exited during start-up. See the log above."
    fi
    if broker_ready; then
      log "ready on $host:$port (pid $pid, $((SECONDS - started)) s)"
      return 0
    fi
    sleep 0.5
  done

  print_log_tail
  log "stopping broker (pid $pid) because it did not accept requests"
  stop_pid "$pid"
  die "broker did not accept requests on $host:$port within $start_timeout s. Read the log above, or raise TIERS_KAFKA_START_TIMEOUT on a slow machine."
}

# Stops the script when the running broker's configuration and the requested
# mode differ in SASL or TLS, because its listeners only change on a restart.
require_same_mode() {
  local pid=$1
  if grep -q '^sasl\.enabled\.mechanisms=' "$config_file" 2>/dev/null; then
    [[ -n $sasl_users ]] ||
      die "the broker in $state_dir (pid $pid) runs in SASL mode, but TIERS_KAFKA_SASL_USERS is not set. Stop it first, or set TIERS_KAFKA_SASL_USERS."
  else
    [[ -z $sasl_users ]] ||
      die "the broker in $state_dir (pid $pid) runs without SASL, but TIERS_KAFKA_SASL_USERS is set. Stop it first, or use another TIERS_KAFKA_DIR."
  fi
  if grep -q '^listener\.name\.[a-z_]*\.ssl\.keystore\.location=' "$config_file" 2>/dev/null; then
    [[ -n $tls ]] ||
      die "the broker in $state_dir (pid $pid) runs in TLS mode, but TIERS_KAFKA_TLS is not 1. Stop it first, or set TIERS_KAFKA_TLS=1."
  else
    [[ -z $tls ]] ||
      die "the broker in $state_dir (pid $pid) runs without TLS, but TIERS_KAFKA_TLS is 1. Stop it first, or use another TIERS_KAFKA_DIR."
  fi
}

# Logs the CA file that TLS clients need, so the caller can copy its path.
log_tls_ca() {
  if [[ -n $tls ]]; then
    log "TLS CA certificate: $tls_ca_file (pass it to --ssl-ca)"
  fi
}

start() {
  take_lock

  local pid
  if pid=$(running_pid); then
    require_same_mode "$pid"
    if broker_ready; then
      log "already running on $host:$port (pid $pid)"
      log_tls_ca
      return 0
    fi
    log "broker (pid $pid) is running but does not accept requests yet, so waiting for it"
    wait_until_ready "$pid"
    log_tls_ca
    return 0
  fi

  fetch_jars
  if broker_ready; then
    log "a broker not started by this script already accepts requests on $host:$port, so using it"
    return 0
  fi
  if port_open "$port"; then
    die "port $port on $host is in use by another program. Stop it or set TIERS_KAFKA_PORT."
  fi
  if port_open "$controller_port"; then
    die "controller port $controller_port on $host is in use by another program. Stop it or set TIERS_KAFKA_CONTROLLER_PORT."
  fi
  if [[ -n $internal_port ]] && port_open "$internal_port"; then
    die "internal port $internal_port on $host is in use by another program. Stop it or set TIERS_KAFKA_INTERNAL_PORT."
  fi

  find_java
  mkdir -p -- "$data_dir" "$logs_dir"
  if [[ -n $tls ]]; then
    create_tls_files
  fi
  render_config
  format_storage

  local -a heap_args
  read -r -a heap_args <<<"$heap_opts"
  if [[ $client_protocol != PLAINTEXT ]]; then
    log "starting Kafka with $client_protocol on $host:$port (internal $host:$internal_port, controller $host:$controller_port, state in $state_dir)"
  else
    log "starting Kafka on $host:$port (controller $host:$controller_port, state in $state_dir)"
  fi
  # setsid detaches the broker from this shell's process group, so a Ctrl-C or
  # the end of the calling job does not stop it. In a non-interactive shell the
  # background child is not a group leader, so setsid execs without forking
  # and $! is the JVM's pid.
  (
    cd -- "$state_dir"
    exec setsid nohup "$java_cmd" "${heap_args[@]}" \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$template_dir/log4j2.xml" \
      -Dkafka.logs.dir="$logs_dir" \
      -cp "$libs_dir/*" kafka.Kafka "$config_file"
  ) >"$logs_dir/kafka.out" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pid_file"

  wait_until_ready "$pid"
  log_tls_ca
}

# --- Stop and status --------------------------------------------------------

stop() {
  take_lock

  local pid
  if ! pid=$(running_pid); then
    rm -f -- "$pid_file"
    if port_open "$port"; then
      log "no broker started from $state_dir is running, but port $port is open. Leaving that program alone."
    else
      log "not running"
    fi
    return 0
  fi

  log "stopping broker (pid $pid)"
  stop_pid "$pid"
  log "stopped"
}

status() {
  local pid
  if pid=$(running_pid); then
    if broker_ready; then
      log "running on $host:$port (pid $pid)"
      return 0
    fi
    log "broker process (pid $pid) is running but does not accept requests on $host:$port"
    return 1
  fi
  if broker_ready; then
    log "a broker not started by this script accepts requests on $host:$port"
    return 0
  fi
  if port_open "$port" && [[ ! -f $libs_dir/.pom.sha256 ]]; then
    log "port $port is open, but the Kafka jars are not fetched yet, so the program on it cannot be checked. Run '$0 start' first."
    return 1
  fi
  log "not running"
  return 1
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch_jars ;;
  *)
    echo "usage: $0 start|stop|status|fetch" >&2
    exit 2
    ;;
esac
