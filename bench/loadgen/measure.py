#!/usr/bin/env python3
"""Resource snapshot of a running Bulwark server tree, for bench/load.sh.

  measure.py cpu PID          CPU time of bulwarkd PID, its live children
                              (bulwark-authd, every bulwark-worker) and the
                              children it has already reaped (cutime+cstime)
  measure.py pss PID          the same plus PSS (from /proc/P/smaps_rollup)
                              per role
  measure.py procs PID...     CPU time of the given processes
                              and their live children (the load generator)

Output: one JSON object. CPU values are in seconds.

A live process's CPU comes from /proc/P/task/*/schedstat (nanoseconds on the
CPU, summed over its threads) where the kernel has it: /proc/P/stat rounds
each process's utime and stime down to whole clock ticks (10 ms), and with
thousands of workers that each use a few ms, summing those rounded values
loses most of their CPU. Reaped children still come from the root's
cutime+cstime (one total, rounded once).
"""
import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def read_stat(pid):
    """(ppid, utime, stime, cutime, cstime, comm) or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] = state (field 3); utime is field 14 -> rest[11]
    return int(rest[1]), int(rest[11]), int(rest[12]), int(rest[13]), int(rest[14]), comm


def cpu_seconds(pid, utime, stime):
    """CPU time of a live process: schedstat's nanoseconds, else the ticks."""
    try:
        total = 0
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        return (utime + stime) / HZ


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = read_stat(d)
        if st is None:
            continue
        kids.setdefault(st[0], []).append(int(d))
    return kids


def tree(root, kids):
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":")
            out[k] = int(v.split()[0])
    return out


def role(comm):
    if "worker" in comm:
        return "worker"
    if "authd" in comm:
        return "authd"
    if comm.startswith("bulwarkd"):
        return "main"
    return "other"


def snapshot(root, with_pss):
    t0 = time.monotonic()
    kids = children_map()
    pids = tree(root, kids)
    live_s = 0.0
    reaped_ticks = 0
    count = {}
    pss = {}
    cpu_role = {}
    for p in pids:
        st = read_stat(p)
        if st is None:
            continue
        _, ut, stt, cut, cst, comm = st
        cpu = cpu_seconds(p, ut, stt)
        live_s += cpu
        cpu_role[role(comm)] = cpu_role.get(role(comm), 0) + cpu
        if p == root:
            reaped_ticks = cut + cst
        r = role(comm)
        count[r] = count.get(r, 0) + 1
        if with_pss:
            v = pss_kib(p)
            if v is not None:
                pss[r] = pss.get(r, 0) + v
    out = {
        "time": time.time(),
        "processes": count,
        "cpu_live_s": live_s,
        "cpu_reaped_s": reaped_ticks / HZ,
        "cpu_total_s": live_s + reaped_ticks / HZ,
        "cpu_live_by_role_s": cpu_role,
    }
    if with_pss:
        out["pss_kib"] = pss
        out["pss_total_kib"] = sum(pss.values())
        mi = meminfo()
        out["mem_available_kib"] = mi.get("MemAvailable")
        out["mem_total_kib"] = mi.get("MemTotal")
        # Kernel memory that grows with processes and sockets (noisy: machine-wide).
        out["kernel_kib"] = {k: mi.get(k) for k in ("KernelStack", "PageTables", "SUnreclaim",
                                                     "Slab")}
    out["snapshot_seconds"] = round(time.monotonic() - t0, 3)
    return out


def procs(pids):
    kids = children_map()
    cpu = 0.0
    rss = 0
    for root in pids:
        for p in tree(root, kids):
            st = read_stat(p)
            if st:
                cpu += cpu_seconds(p, st[1], st[2])
            try:
                with open(f"/proc/{p}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            rss += int(line.split()[1])
            except OSError:
                pass
    return {"time": time.time(), "cpu_total_s": cpu, "rss_kib": rss}


def main():
    cmd = sys.argv[1]
    if cmd == "cpu":
        print(json.dumps(snapshot(int(sys.argv[2]), False)))
    elif cmd == "pss":
        print(json.dumps(snapshot(int(sys.argv[2]), True)))
    elif cmd == "procs":
        print(json.dumps(procs([int(a) for a in sys.argv[2:]])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
