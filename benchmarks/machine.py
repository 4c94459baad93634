"""Facts about the machine, a wait for a quiet CPU, and peak memory of a process tree (from /proc)."""

from __future__ import annotations

import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

KIB = 1024


# ---- machine facts -------------------------------------------------------------------------
def machine_facts() -> dict[str, object]:
    """CPU model and count, memory, kernel, Python and the library versions that matter."""
    cpuinfo = _read("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    mhz = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("cpu MHz")]
    meminfo = _meminfo()
    facts: dict[str, object] = {
        "cpu_model": models[0] if models else platform.processor() or "unknown",
        "cpu_mhz": mhz[0] if mhz else None,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_total_gib": round(meminfo.get("MemTotal", 0) / KIB / KIB, 1),
        "memory_available_gib": round(meminfo.get("MemAvailable", 0) / KIB / KIB, 1),
        "kernel": platform.release(),
        "virtual_machine": any(line.startswith("flags") and " hypervisor" in line for line in cpuinfo.splitlines()),
        "python": sys.version.split()[0],
    }
    facts.update(library_versions())
    return facts


def library_versions() -> dict[str, str | None]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in ("rasa", "rasa-sdk", "tensorflow", "spacy", "ja-ginza", "SudachiPy", "sanic", "SQLAlchemy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _meminfo() -> dict[str, int]:
    values: dict[str, int] = {}
    for line in _read("/proc/meminfo").splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[name] = int(parts[0])  # kB
    return values


# ---- a quiet machine -----------------------------------------------------------------------
def load_average() -> float:
    return float(_read("/proc/loadavg").split()[0] or 0)


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in _read("/proc/stat").splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]), idle


def busy_cpus(window: float = 2.0) -> float:
    """How many CPUs' worth of work ran during ``window`` seconds (all processes)."""
    total1, idle1 = _cpu_times()
    time.sleep(window)
    total2, idle2 = _cpu_times()
    total = max(1, total2 - total1)
    return (1 - (idle2 - idle1) / total) * (os.cpu_count() or 1)


def wait_for_quiet(
    max_load: float, max_busy: float, timeout: float, log: Callable[[str], object] = print
) -> dict[str, float]:
    """Waits until the 1-minute load average is below ``max_load`` (only checked when ``max_load``
    is positive) and the CPUs are less than ``max_busy`` CPUs busy over 2 s; gives up after ``timeout``
    seconds and measures anyway. Returns what it saw, which goes into the raw results."""
    started = time.monotonic()
    announced = False
    while True:
        load = load_average()
        busy = busy_cpus()
        quiet = busy <= max_busy and (max_load <= 0 or load <= max_load)
        waited = time.monotonic() - started
        if quiet or waited >= timeout:
            if not quiet:
                log(
                    f"  machine still busy after {waited:.0f}s (load {load:.2f}, {busy:.2f} CPUs busy); "
                    "measuring anyway"
                )
            return {"load1": round(load, 2), "busy_cpus": round(busy, 2), "waited_s": round(waited, 1), "quiet": quiet}
        if not announced:
            log(f"  waiting for a quiet machine (load {load:.2f} > {max_load} or {busy:.2f} CPUs busy > {max_busy}) …")
            announced = True


# ---- memory of a process tree --------------------------------------------------------------
def _status(pid: int) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in _read(f"/proc/{pid}/status").splitlines():
        name, _, rest = line.partition(":")
        values[name] = rest.strip()
    return values


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/<pid>/task/*/children, else a /proc scan)."""
    found: list[int] = []
    tasks = Path(f"/proc/{pid}/task")
    try:
        for task in tasks.iterdir():
            text = _read(str(task / "children"))
            found += [int(x) for x in text.split()]
        return found
    except OSError:
        return found


def process_tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo += children(current)
    return seen


class PeakMemory:
    """Samples a process tree every ``interval`` s and keeps each process's VmHWM (peak RSS).

    The peak of the tree is the sum of its processes' VmHWM (an upper bound when children peak at
    different times); ``peak_sampled_rss`` is the largest sampled sum of VmRSS (a lower bound).
    """

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid = pid
        self.interval = interval
        self.hwm_kib: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.peak_sampled_rss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> PeakMemory:
        self.sample()
        self._thread.start()
        return self

    def sample(self) -> None:
        rss_total = 0
        for pid in process_tree(self.pid):
            status = _status(pid)
            if not status:
                continue
            hwm = _kib(status.get("VmHWM"))
            self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
            self.names.setdefault(pid, status.get("Name", "?"))
            rss_total += _kib(status.get("VmRSS"))
        self.peak_sampled_rss_kib = max(self.peak_sampled_rss_kib, rss_total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> dict[str, object]:
        self.sample()
        self._stop.set()
        self._thread.join(5)
        return self.result()

    def result(self) -> dict[str, object]:
        return {
            "peak_rss_mib": round(sum(self.hwm_kib.values()) / KIB, 1),
            "main_process_peak_rss_mib": round(self.hwm_kib.get(self.pid, 0) / KIB, 1),
            "processes": len(self.hwm_kib),
            "peak_sampled_rss_mib": round(self.peak_sampled_rss_kib / KIB, 1),
        }


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time used so far by the given processes (for CPU cost per message)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        stat = _read(f"/proc/{pid}/stat")
        if not stat:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / ticks
