#!/usr/bin/env bash
# What kubectl pays for each EKS token: N runs of the committed CLI bundle's eks-token with
# credentials in the environment, next to a bare `node -e 0`. Usage: bench/eks-token.sh [runs]
set -euo pipefail
runs=${1:-10}
cd "$(dirname "$0")/.."
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=bench AWS_SESSION_TOKEN=bench HOME="$home"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
echo "node -e 0: $(for _ in $(seq "$runs"); do time_ms node -e 0; done | median) ms (median of $runs)"
echo "eks-token: $(for _ in $(seq "$runs"); do time_ms node dist/cli/index.js eks-token --cluster-name bench --region eu-west-1; done | median) ms (median of $runs)"
