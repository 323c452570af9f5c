#!/usr/bin/env bash
# The one test command (README, .ci/run): installs the system packages the end-to-end tests
# need when they are missing, then runs every test of the solution in Debug and in Release.
#
#   ./test.sh                 both configurations
#   ./test.sh Debug           one configuration
#   ./test.sh Release --filter FullyQualifiedName~Parity   extra arguments go to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages behind end-to-end tests: "command-that-proves-it-is-there:package ...".
requirements=(
  prometheus:prometheus   # tests/DreamTrainer.Samples.Tests: MonitoringTests scrapes a real Prometheus
  mpirun:openmpi-bin      # tests/DreamTrainer.Distributed.Tests: training jobs of 2 and 4 ranks under mpirun
  mpicc:libopenmpi-dev    # ... and Open MPI's libmpi.so the runtime binds at run time
)

missing=()
for requirement in "${requirements[@]}"; do
  command -v "${requirement%%:*}" >/dev/null 2>&1 || missing+=("${requirement#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (needed by end-to-end tests)"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

configurations=(Debug Release)
case "${1:-}" in
  Debug|Release) configurations=("$1"); shift ;;
esac

for configuration in "${configurations[@]}"; do
  echo "test.sh: dotnet test -c $configuration $*"
  dotnet test -c "$configuration" "$@"
done
