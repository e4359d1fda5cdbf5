#!/bin/sh
# Runs the benchmark of DESIGN.md section 8 (benches/targets/) on the
# release build, and shows the machine's load beside it.
#
#   benches/run.sh              # build, then measure everything
#   PIMDESK_BENCH_DB=path benches/run.sh   # use (or make) another 1M store
#
# The table is printed and written to target/bench/report.md. The 1M store
# (target/bench/1m.db) is made on the first run, timed then; delete it to
# measure `demo` again. target/bench/sla50k.db is kept between runs;
# target/bench/invoice-1m.db is a fresh copy of the 1M store each run.
#
# Public equivalents of the whole-process figures (same binary, same store):
#
#   PIMDESK_NOW=2026-11-25T10:00:00-05:00 /usr/bin/time -v \
#       target/release/pimdesk --db /tmp/1m.db demo --tickets 1000000
#     -> "Elapsed (wall clock) time" and "Maximum resident set size"
#
#   hyperfine --warmup 1 --prepare 'cp target/bench/1m.db /tmp/inv.db && cp target/bench/1m.db-wal /tmp/inv.db-wal 2>/dev/null; \
#       sqlite3 /tmp/inv.db "INSERT OR IGNORE INTO technicians (key,login,name,role) VALUES (\"$USER\",\"$USER\",\"$USER\",\"admin\"); UPDATE technicians SET role=\"admin\" WHERE login=\"$USER\"" && \
#       PIMDESK_NOW=2026-11-25T10:00:00-05:00 target/release/pimdesk --db /tmp/inv.db invoice run --as-of 2026-10-31 >/dev/null' \
#     'PIMDESK_NOW=2026-11-25T10:00:00-05:00 target/release/pimdesk --db /tmp/inv.db invoice run --as-of 2026-11-01'
#   /usr/bin/time -v (the same invoice run)   -> its peak RSS
#
#   hyperfine 'target/release/pimdesk sla due < cases.jsonl > /dev/null'
#     -> 200000 / mean seconds = cases per second (cases.jsonl: one JSON case a line)
#
#   sqlite3 target/bench/1m.db   then   .timer on   and the SQL printed in the report
#     -> the floor of each query figure ("Run Time: real …")
#
# Start-to-first-frame, idle bytes and console RSS need a pseudo-terminal and
# have no one-line equivalent; the bench reads them from a portable-pty, vt100
# and /proc/PID/status (VmHWM), /proc/PID/stat (utime+stime).
set -eu
cd "$(dirname "$0")/.."
echo "load before build: $(uptime)"
cargo build --release
cargo bench --bench targets --no-run
echo "load before run: $(uptime)"
cargo bench --bench targets
echo "load after run: $(uptime)"
