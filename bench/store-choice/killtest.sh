#!/bin/bash
# atomicity check: kill -9 phase B mid-transaction, the store must still hold exactly phase A's 14M entries
store=$1; delay=$2
BIN=./target/release/storebench; D=${DATA:-$(pwd)/data}
rm -rf $D; mkdir -p $D
$BIN $store a $D > /dev/null
$BIN $store count $D
$BIN $store b $D > logs/kill-$store.out 2>&1 &
pid=$!
sleep $delay
kill -9 $pid; wait $pid 2>/dev/null
echo "killed phase B after ${delay}s; markers before kill: [$(grep -E "COMMIT|RESULT" logs/kill-$store.out | tr "\n" " ")]; disk $(du -sm $D | cut -f1) MB"
$BIN $store count $D
$BIN $store b $D 2>/dev/null | grep -o "found=[0-9]* expected=[0-9]* inserted=[0-9]* ok=[a-z]*"
$BIN $store count $D
