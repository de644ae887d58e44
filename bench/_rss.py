"""Resident memory of this process, for the benchmark workers (standard library only)."""


def rss_mb():
    """Current resident set size in MB from /proc (NaN where there is none)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
