"""Catalog benchmarks: reading all five seeds, loading the shipped dataset, and search latency.

Targets (issue 2): import under 2 s; search p99 under 10 ms over the whole dataset. The same run
compares the index against a naive scan over every entry, so the figure has a floor beside it.
"""

from __future__ import annotations

import time

from benchmarks.timing import percentiles, wall
from skillsubsidy.catalog.dataset import load_from, shipped_dir
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.ingest.seeds import read_all

# Real queries of every kind the portal sees: codes, names, pinyin, initials, typos, misses.
QUERIES = [
    "焊工", "6-18-02-04", "6-31", "hg", "hangong", "电工", "养老护理员", "家政服务员", "电子商务师",
    "餐厅服务员", "前厅服务员", "工业机器人", "gyjqr", "yanglao", "人工智能训练师", "无人机驾驶员",
    "健康照护师", "保安员", "茶艺师", "中式烹调师", "西式面点师", "网约配送员", "叉车司机", "美容师",
    "汽车维修工", "焊功", "电子商务", "diangong", "zzz不存在的职业", "4-10-01",
]  # fmt: skip


def main() -> None:
    n_entries = 0

    def read() -> None:
        nonlocal n_entries
        n_entries = sum(len(c.entries) for c in read_all().catalogs)

    t_read = wall(read)
    print(f"read all five seeds          {t_read * 1000:8.1f} ms  ({n_entries} entries; target < 2000 ms)")
    t_load = wall(lambda: load_from(shipped_dir()))
    print(f"load shipped dataset (CSV)   {t_load * 1000:8.1f} ms")
    ds = load_from(shipped_dir())
    t0 = time.perf_counter()
    index = SearchIndex(ds)
    print(f"build search index           {(time.perf_counter() - t0) * 1000:8.1f} ms")

    samples = []
    for _ in range(20):
        for q in QUERIES:
            t0 = time.perf_counter()
            index.search(q, limit=20)
            samples.append(time.perf_counter() - t0)
    p = percentiles(samples)
    print(
        f"search (index)   n={len(samples):5d}  p50 {p['p50_ms']:6.2f} ms  p99 {p['p99_ms']:6.2f} ms"
        f"  max {p['max_ms']:6.2f} ms  (target p99 < 10 ms)"
    )

    entries = list(ds.entries())
    naive = []
    for q in QUERIES:
        t0 = time.perf_counter()
        [e for e in entries if q in e.name or (e.code or "").startswith(q)]
        naive.append(time.perf_counter() - t0)
    p = percentiles(naive * 2)
    print(f"substring scan (floor, no pinyin/typos)  p50 {p['p50_ms']:6.2f} ms  p99 {p['p99_ms']:6.2f} ms")
