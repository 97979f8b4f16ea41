"""Two processes on one SQLite store see each other's writes, however often they ask
whether the store exists.

Reading the file's header with ``open()`` and closing it drops every POSIX lock the
process holds on the file, SQLite's included; another process closing its last
connection then deletes the shared WAL file, and the first process reads an old snapshot
for good (the workshop server kept showing an old phase).  ``Store.exists`` now reads the
header only before the process has connected to the file.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from verkostolab import Store

CHILD = textwrap.dedent("""
    import gc, sys
    from verkostolab import Store
    url, run = sys.argv[1], sys.argv[2]
    for phase in ("warmup", "evaluation", "results", "mapping", "warmup", "evaluation"):
        Store(url).set_phase(run, phase)   # a Store per write, dropped at once
        gc.collect()
        print(phase, flush=True)
        sys.stdin.readline()               # wait until the parent has looked
""")


def test_a_process_asking_exists_still_sees_the_other_processes_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    store = Store(url)
    run = store.current_run()["run_id"]
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, run], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    seen = []
    try:
        for _ in range(6):
            written = child.stdout.readline().strip()
            assert store.exists()
            seen.append((written, store.get_run(run)["phase"]))
            gc.collect()
            child.stdin.write("\n")
            child.stdin.flush()
    finally:
        child.stdin.close()
        child.wait(30)
    assert all(w == s for w, s in seen), seen
