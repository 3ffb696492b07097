"""Runs one load generation as several loadgen.py processes and merges them.

One process holds a socket per tunnel (two with DTLS) and can open at most
RLIMIT_NOFILE's hard limit of them; a box that caps that at 20,000 cannot
hold 10,000 DTLS tunnels in one process. Here the sessions are split over K
child processes ("shards"), each started as loadgen.py with its share:

  sessions     split as evenly as possible; shard i starts at session index
               --first-index, so users and source addresses are handed out
               round-robin exactly as one process would;
  ramp, concurrency limit   divided by K, so the sum is what was asked for;
  ready file   each shard writes its own; once all have, the merged one
               (sessions up summed, ramp seconds the longest) is written;
  release and stop-ramp files   shared: every shard watches the same path.

Each shard writes its JSON result (with its raw timing samples) to a file;
merge() sums the counts and computes the percentiles over all samples, so
the result has the same fields as a single process's, plus "processes".
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SAMPLE_FIELDS = {  # result field -> sample list
    "login_ms": "login_ms",
    "connect_ms": "connect_ms",
    "session_setup_ms": "total_ms",
    "dtls_handshake_ms": "dtls_ms",
}
SUMMED = ["sessions_wanted", "sessions_up", "sessions_up_at_end_of_hold", "dropped_during_hold",
          "failed_logins", "keepalives_sent", "dpd_answered", "dtls_up", "dtls_keepalives_sent"]
SUMMED_DICTS = ["failures", "frames_rx_by_type", "dtls_failures"]


def split(total, k):
    """[(first index, count)] for k shards of total sessions."""
    base, extra = divmod(total, k)
    out, first = [], 0
    for i in range(k):
        n = base + (1 if i < extra else 0)
        out.append((first, n))
        first += n
    return out


def needed(sessions, per_session, hard_limit, reserve=256):
    """Fewest processes whose descriptor needs fit under hard_limit each."""
    room = max(1, hard_limit - reserve)
    return max(1, -(-sessions * per_session // room))


def merge(results, percentile, ramp_requested, concurrency_limit):
    out = dict(results[0])
    for key in SUMMED:
        out[key] = sum(r.get(key, 0) for r in results)
    for key in SUMMED_DICTS:
        merged = {}
        for r in results:
            for k, v in r.get(key, {}).items():
                merged[k] = merged.get(k, 0) + v
        out[key] = merged
    examples = {}
    for r in results:
        for k, v in r.get("failure_examples", {}).items():
            examples.setdefault(k, v)
    out["failure_examples"] = examples
    for field, sample in SAMPLE_FIELDS.items():
        values = [x for r in results for x in r["samples"][sample]]
        out[field] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        if field == "login_ms":
            out[field]["max"] = percentile(values, 100)
    out["ramp_seconds"] = max(r["ramp_seconds"] for r in results)
    out["hold_seconds"] = max(r["hold_seconds"] for r in results)
    out["connect_rate"] = (round(out["sessions_up"] / out["ramp_seconds"], 2)
                           if out["ramp_seconds"] > 0 else None)
    out["ramp_requested_per_s"] = ramp_requested
    out["concurrency_limit"] = concurrency_limit
    out["processes"] = len(results)
    out.pop("samples", None)
    return out


def _write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.rename(tmp, path)


def run(args, k, script, percentile):
    """Runs k shards of script (loadgen.py) for args; returns the exit code."""
    work = tempfile.mkdtemp(prefix="loadgen-shards.")
    try:
        return _run_in(work, args, k, script, percentile)
    finally:  # also when a signal stops us (SystemExit)
        shutil.rmtree(work, ignore_errors=True)


def _run_in(work, args, k, script, percentile):
    children = []

    def stop(signum, _frame):
        for c, _, _ in children:
            if c.poll() is None:
                c.send_signal(signal.SIGTERM)
        for c, _, _ in children:
            c.wait()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ramp = args.ramp / k if args.ramp > 0 else 0
    concurrency = max(1, args.concurrency_limit // k)
    for i, (first, n) in enumerate(split(args.sessions, k)):
        ready = os.path.join(work, "ready-%d" % i)
        result = os.path.join(work, "result-%d.json" % i)
        # argparse keeps the last value of a repeated option.
        argv = [sys.executable, script] + sys.argv[1:] + [
            "--sessions", str(n), "--ramp", str(ramp), "--concurrency-limit", str(concurrency),
            "--ready-file", ready, "--processes", "1", "--first-index", str(first),
            "--samples", "--label", "loadgen %d/%d" % (i + 1, k)]
        with open(result, "w") as out:
            children.append((subprocess.Popen(argv, stdout=out), ready, result))
    print("[loadgen] %d sessions in %d processes" % (args.sessions, k), file=sys.stderr, flush=True)

    # Ramp-up is over when every shard says so (or has exited).
    while not all(os.path.exists(r) or c.poll() is not None for c, r, _ in children):
        time.sleep(0.2)
    if args.ready_file:
        ready = [json.load(open(r)) for c, r, _ in children if os.path.exists(r)]
        _write_json(args.ready_file, {
            "sessions_up": sum(x["sessions_up"] for x in ready),
            "ramp_seconds": max((x["ramp_seconds"] for x in ready), default=0)})
    codes = [c.wait() for c, _, _ in children]
    results = []
    for i, (_, _, path) in enumerate(children):
        lines = open(path).read().strip().splitlines()
        if not lines:
            print("[loadgen] process %d of %d printed no result (exit %d)" % (i + 1, k, codes[i]),
                  file=sys.stderr)
            return 1
        results.append(json.loads(lines[-1]))
    print(json.dumps(merge(results, percentile, args.ramp, args.concurrency_limit)), flush=True)
    return 0 if all(c == 0 for c in codes) else 1
