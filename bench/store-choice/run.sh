#!/bin/bash
# usage: run.sh STORE RUNID   -> runs phases A, B, C-cold, C-warm in fresh processes
set -e
store=$1; run=$2
BIN=${BIN:-./target/release/storebench}
D=${DATA:-$(pwd)/data}
mkdir -p logs
rm -rf $D; mkdir -p $D
for ph in "a" "b" "c cold" "c"; do
  [ "$ph" = "c cold" ] && $BIN $store evict $D
  set -- $ph
  tag="$store-r$run-$1${2:+-$2}"
  /usr/bin/time -v -o logs/$tag.time $BIN $store $1 $D $2 > logs/$tag.out 2>&1
  grep RESULT logs/$tag.out | sed "s/^/run=$run /"
  grep -E "Maximum resident|Elapsed|User time|System time" logs/$tag.time | tr -s ' ' | tr '\n' ';'; echo
done
ls -la $D/* >> logs/$store-r$run.ls 2>&1 || true
