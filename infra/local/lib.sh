# Functions shared by ./run and ./test to start and stop the local host, which starts and
# stops the emulator. Source it from the repository root.

# Starts the local host in its own process group, logging to $1, and waits until it serves.
# Runs the binary that cargo built, under CARGO_TARGET_DIR when that is set. Sets
# LOCAL_HOST_PID.
start_local_host() {
    local log=$1
    : > "$log"
    setsid "${CARGO_TARGET_DIR:-target}/debug/local-host" >> "$log" 2>&1 &
    LOCAL_HOST_PID=$!
    for _ in $(seq 1 240); do
        if grep -q '^READY ' "$log"; then
            return 0
        fi
        if ! kill -0 "$LOCAL_HOST_PID" 2>/dev/null; then
            echo "the local host stopped while starting; the end of $log:" >&2
            tail -n 40 "$log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "the local host did not start within 120 seconds; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
}

# Stops the local host and the emulator it started, waiting up to 10 seconds before
# killing them.
stop_local_host() {
    if [[ -z ${LOCAL_HOST_PID:-} ]]; then
        return 0
    fi
    kill -TERM -- "-$LOCAL_HOST_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do
        kill -0 -- "-$LOCAL_HOST_PID" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL -- "-$LOCAL_HOST_PID" 2>/dev/null || true
    LOCAL_HOST_PID=
}
