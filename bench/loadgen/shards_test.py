#!/usr/bin/env python3
"""Unit tests of shards.py: how sessions are split and results merged."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shards  # noqa: E402
from loadgen import percentile  # noqa: E402


def result(up, wanted, login, dtls_up=None, failures=None, ramp=10.0):
    return {
        "sessions_wanted": wanted, "sessions_up": up, "sessions_up_at_end_of_hold": up,
        "dropped_during_hold": 0, "failed_logins": wanted - up, "keepalives_sent": 2 * up,
        "dpd_answered": 0, "dtls_up": up if dtls_up is None else dtls_up,
        "dtls_keepalives_sent": up, "failures": failures or {}, "frames_rx_by_type": {"3": up},
        "dtls_failures": {}, "failure_examples": {k: "why " + k for k in (failures or {})},
        "ramp_seconds": ramp, "hold_seconds": 30.0, "dtls": True, "processes": 1,
        "samples": {"login_ms": login, "connect_ms": [1.0] * len(login),
                    "total_ms": [2.0] * len(login), "dtls_ms": [3.0] * len(login)},
    }


class Split(unittest.TestCase):
    def test_every_session_once_in_order(self):
        parts = shards.split(10001, 3)
        self.assertEqual(parts, [(0, 3334), (3334, 3334), (6668, 3333)])

    def test_processes_for_descriptor_limit(self):
        # 10,000 DTLS tunnels at 3 descriptors each under a hard limit of 20,000.
        self.assertEqual(shards.needed(10000, 3, 20000), 2)
        self.assertEqual(shards.needed(1000, 3, 20000), 1)
        self.assertEqual(shards.needed(10000, 3, 1024), 40)


class Merge(unittest.TestCase):
    def test_counts_sum_and_percentiles_cover_all_samples(self):
        a = result(3, 3, [10.0, 20.0, 30.0], ramp=12.0)
        b = result(2, 3, [40.0, 50.0], failures={"http_503": 1}, ramp=8.0)
        m = shards.merge([a, b], percentile, 100.0, 64)
        self.assertEqual(m["sessions_wanted"], 6)
        self.assertEqual(m["sessions_up"], 5)
        self.assertEqual(m["failed_logins"], 1)
        self.assertEqual(m["failures"], {"http_503": 1})
        self.assertEqual(m["failure_examples"], {"http_503": "why http_503"})
        self.assertEqual(m["frames_rx_by_type"], {"3": 5})
        self.assertEqual(m["login_ms"], {"p50": 30.0, "p95": 48.0, "max": 50.0})
        self.assertEqual(m["dtls_handshake_ms"]["p50"], 3.0)
        self.assertEqual(m["ramp_seconds"], 12.0)
        self.assertEqual(m["connect_rate"], round(5 / 12.0, 2))
        self.assertEqual(m["processes"], 2)
        self.assertEqual(m["ramp_requested_per_s"], 100.0)
        self.assertNotIn("samples", m)


if __name__ == "__main__":
    unittest.main()
