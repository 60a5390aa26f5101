#!/usr/bin/env python3
"""Charges each CPU sample of Vault's process, from create to searchable, to the library that owns it.

Usage: tests/Vault.Benchmarks/profile-e2e.sh [e2e options]   (records, then calls this)
       profile-owners.py PERF_SCRIPT_TXT PID SECONDS HZ

PERF_SCRIPT_TXT is `perf script -F pid,tid,time,ip,sym,dso` of a `perf record -g` taken with
DOTNET_PerfMapEnabled=1 (JIT-compiled frames named) and DOTNET_EnableWriteXorExecute=0 (without it the
JIT's code lives in a memfd mapping that perf cannot name). The window starts at the first sample whose
stack is in the create request or the IMAP sync and lasts SECONDS (the benchmark's time to searchable).

A sample belongs to the deepest frame of a library named below: a kernel read under SQLite is SQLite's, an
allocation (and the collection it sets off) under Lucene.NET is Lucene.NET's, a vectorized search in the
base library called by Vault's tokenizer is Vault's. A sample inside the JIT is the JIT's wherever it was
called from. Stacks with no such frame (native code built without frame pointers ends its stack early)
are shown apart, by where they ended.
"""
import collections
import re
import sys

# (owner, prefix of a frame's module): the first owner that has a frame in a stack, walking from the leaf up.
# A managed frame's module is the assembly of its method, a native frame's the file it was loaded from.
LIBRARIES = [
    ("Lucene.NET", "Lucene.Net"),
    ("MailKit", "MailKit"),
    ("MimeKit", "MimeKit"),
    ("SQLite", "libe_sqlite3"),
    ("SQLite", "Microsoft.Data.Sqlite"),
    ("SQLite", "SQLitePCLRaw"),
    ("zstd", "libzstd"),
    ("zstd", "ZstdNet"),
    ("Vault", "Vault."),
    ("Quartz.NET", "Quartz"),
    ("ASP.NET Core, hosting", "Microsoft."),
    ("OpenTelemetry", "OpenTelemetry"),
]

# "void [Vault.Search] Vault.Search.X::M(class [Lucene.Net]Lucene.Net.Documents.Document)[Optimized] (/tmp/perf-1.map)":
# the method's assembly is the bracket followed by a space; the brackets in its signature are its types' assemblies.
MANAGED_MODULE = re.compile(r"\[([\w.]+)\] \S+::")

# Where a stack's deepest frame is: how the owner's time splits.
LEAVES = [
    ("kernel", "[kernel"),
    ("JIT", "libclrjit"),
    ("runtime", "libcoreclr"),
    ("libc", "libc.so"),
    ("libc", "ld-linux"),
    ("OpenSSL", "libcrypto"),
]


def read_samples(path, pid):
    samples, frames, current, time = [], [], None, 0.0
    with open(path, errors="replace") as text:
        for line in text:
            if not line.strip():
                continue
            if not line.startswith("\t"):
                if current == pid:
                    samples.append((time, frames))
                parts = line.split()
                current, time, frames = parts[0].split("/")[0], float(parts[1].rstrip(":")), []
            else:
                frames.append(line.strip())
    if current == pid:
        samples.append((time, frames))
    return samples


def module(frame):
    if frame.endswith(".map)"):
        found = MANAGED_MODULE.search(frame)
        return found.group(1) if found else ""
    return frame.rsplit("/", 1)[-1].rstrip(")")


def owner(frames):
    if any("libclrjit" in frame for frame in frames):
        return "JIT (compiling methods)"
    for frame in frames:
        name_of_module = module(frame)
        for name, prefix in LIBRARIES:
            if name_of_module.startswith(prefix):
                return name
    if any("perf-" in frame or "System." in frame for frame in frames):
        return "base library only (threads, timers)"
    if frames and "[kernel" in frames[0]:
        return "kernel, no managed caller"
    return "runtime, GC, libc, no managed caller"


def leaf(frames):
    if not frames:
        return "?"
    deepest = frames[0]
    for name, marker in LEAVES:
        if marker in deepest:
            return name
    name_of_module = module(deepest)
    if deepest.endswith(".map)"):
        return "base library (JIT-compiled)" if name_of_module.startswith("System.") else "own code"
    if name_of_module.startswith("System."):
        return "base library (precompiled)"
    return name_of_module


def main():
    path, pid, seconds, hz = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    samples = read_samples(path, pid)
    starts = [t for t, frames in samples if any("SourceEndpoints::CreateAsync" in f or "ImapFolder" in f for f in frames)]
    if not starts:
        sys.exit(f"no sample of process {pid} is in the create request or the IMAP sync")
    start = min(starts)
    owners, leaves, total = collections.Counter(), collections.defaultdict(collections.Counter), 0
    for time, frames in samples:
        if start <= time <= start + seconds:
            total += 1
            name = owner(frames)
            owners[name] += 1
            leaves[name][leaf(frames)] += 1
    print(f"create to searchable ({seconds:.2f} s): {total} samples at {hz:.0f} Hz = {total / hz:.2f} s of CPU")
    for name, count in owners.most_common():
        split = ", ".join(f"{where} {n / hz:.2f}" for where, n in leaves[name].most_common(5))
        print(f"{count / hz:7.2f} s {100 * count / total:5.1f}%  {name:38s} {split}")


if __name__ == "__main__":
    main()
