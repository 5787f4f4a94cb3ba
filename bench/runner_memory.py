"""What a benchmark phase cost the machine: the peak resident memory of the runner's process
tree (the runner and its flow-run processes) and the load average while it lasted.

The machine is shared, so a figure without the load it was measured at cannot be compared
with the next one: every phase reports both.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree_rss(pid: int) -> tuple[int, int]:
    """Resident memory, in bytes, of process `pid` and all its descendants (Linux /proc),
    and how many processes that is."""
    children, total, count, todo = _children(), 0, 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, ()))
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    count += 1
        except OSError:
            pass
    return total, count


class PeakMemory:
    """Samples the runner's process tree and the 1-minute load every half second; keeps the
    peak memory, the most processes at once and the load range since the last `take`."""

    def __init__(self, pid: int, *more: int) -> None:
        # several process trees (two workers) are summed: what the machine holds for them
        self.pids, self.done = (pid, *more), threading.Event()
        self.peak, self.processes, self.loads = 0, 0, [os.getloadavg()[0]]
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.5):
            trees = [tree_rss(p) for p in self.pids]
            rss, count = sum(t[0] for t in trees), sum(t[1] for t in trees)
            self.peak, self.processes = max(self.peak, rss), max(self.processes, count)
            self.loads.append(os.getloadavg()[0])

    def take_peak(self) -> tuple[int, int]:
        """The peak in bytes and the most processes at once since the last call (and start
        over)."""
        peak, processes, self.peak, self.processes = self.peak, self.processes, 0, 0
        return peak, processes

    def take_load(self) -> str:
        """The 1-minute load average over the phase, e.g. "load 3.1-5.4 (mean 4.2) on 2
        cores", and start over."""
        loads, self.loads = self.loads, [os.getloadavg()[0]]
        mean = sum(loads) / len(loads)
        return f"load {min(loads):.1f}-{max(loads):.1f} (mean {mean:.1f}) on {os.cpu_count()} cores"

    def stop(self) -> None:
        self.done.set()
