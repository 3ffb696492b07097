#!/usr/bin/env python3
"""Unit tests of measure.py's CPU accounting."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

BURN_S = 0.003  # each child's CPU: under one clock tick (10 ms)
CHILDREN = 20


def burn(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


class Cpu(unittest.TestCase):
    def test_many_processes_under_a_tick_each_are_counted(self):
        # Thousands of workers that each use a few ms: /proc/P/stat rounds
        # every one of them down to whole ticks, so summing it loses them.
        release_r, release_w = os.pipe()
        ready_r, ready_w = os.pipe()
        pids = []
        try:
            for _ in range(CHILDREN):
                pid = os.fork()
                if pid == 0:  # never returns into the test runner
                    try:
                        os.close(release_w)
                        os.close(ready_r)
                        burn(BURN_S)
                        os.write(ready_w, b"x")
                        os.read(release_r, 1)  # stay alive until measured
                    finally:
                        os._exit(0)
                pids.append(pid)
            os.close(ready_w)
            for _ in range(CHILDREN):
                self.assertEqual(os.read(ready_r, 1), b"x")
            got = measure.procs(pids)["cpu_total_s"]
        finally:
            os.close(release_w)  # the children read EOF and exit
            for pid in pids:
                os.waitpid(pid, 0)
            for fd in (release_r, ready_r):
                os.close(fd)
        self.assertGreaterEqual(got, CHILDREN * BURN_S * 0.9)
        self.assertLess(got, CHILDREN * BURN_S * 20)

    def test_a_gone_process_falls_back_to_the_ticks_given(self):
        self.assertEqual(measure.cpu_seconds(2**31 - 1, 3, 4), 7 / measure.HZ)


if __name__ == "__main__":
    unittest.main()
