"""Tests for tamis._cc: distributed connected components on Ray Data against a local union-find.

Run with `pytest crates/tamis-py/tests/test_cc.py`. The round-count table is printed to the
terminal even when output is captured.
"""

from __future__ import annotations

import importlib.util
import math
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

CC_PATH = Path(__file__).resolve().parents[1] / "python" / "tamis" / "_cc.py"
Edges = list[tuple[int, int]]


@pytest.fixture(scope="module")
def cc(local_ray: None) -> ModuleType:
    """_cc loaded from its source file, on the session's local Ray.

    Loading by path avoids importing tamis/__init__.py, which needs the compiled extension.
    """
    from ray import cloudpickle

    spec = importlib.util.spec_from_file_location("tamis_cc_under_test", CC_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    # Ray workers cannot import this module by name, so its functions are shipped by value.
    cloudpickle.register_pickle_by_value(module)
    return module


def run(cc: ModuleType, edges: Edges, *, blocks: int | None = None, parts: int | None = None,
        max_rounds: int = 64) -> tuple[list[tuple[int, int]], int]:
    """Returns the sorted (node, component) rows and the number of rounds."""
    import pyarrow as pa
    import ray.data

    table = pa.table({"src": pa.array([a for a, _ in edges], pa.int64()),
                      "dst": pa.array([b for _, b in edges], pa.int64())})
    ds = ray.data.from_arrow(table)
    if blocks is not None:
        ds = ds.repartition(blocks)
    out, rounds = cc.connected_components(ds, max_rounds=max_rounds, num_partitions=parts)
    assert out.schema().names == ["node", "component"]
    assert [str(t) for t in out.schema().types] == ["int64", "int64"]
    rows = sorted((r["node"], r["component"]) for r in out.take_all())
    return rows, rounds


def check(cc: ModuleType, edges: Edges, **kw: int) -> int:
    rows, rounds = run(cc, edges, **kw)
    assert len({n for n, _ in rows}) == len(rows), "a node was labelled twice"
    assert dict(rows) == cc.union_find_components(edges)
    return rounds


# ---- graph shapes; ids are drawn at random, so the smallest id is nowhere in particular ----

def relabel(edges: Edges, rng: random.Random, lo: int = 0, hi: int = 2**62) -> Edges:
    nodes = sorted({x for e in edges for x in e})
    fresh: set[int] = set()
    while len(fresh) < len(nodes):  # rng.sample cannot take a range wider than 2**63
        fresh.add(rng.randrange(lo, hi))
    ids = dict(zip(nodes, rng.sample(sorted(fresh), len(nodes))))
    out = [(ids[a], ids[b]) for a, b in edges]
    rng.shuffle(out)
    return out


def path(n: int) -> Edges:
    return [(i, i + 1) for i in range(n - 1)]


def star(n: int, center: int = 0) -> Edges:
    return [(center, i) for i in range(n) if i != center]


def comb(spine: int, tooth: int) -> Edges:
    """A path (the spine) with a path of `tooth` nodes hanging off each spine node."""
    edges = path(spine)
    nxt = spine
    for s in range(spine):
        prev = s
        for _ in range(tooth):
            edges.append((prev, nxt))
            prev, nxt = nxt, nxt + 1
    return edges


def cliques(sizes: list[int]) -> Edges:
    edges, base = [], 0
    for k in sizes:
        edges += [(base + i, base + j) for i in range(k) for j in range(i + 1, k)]
        base += k
    return edges


def random_graph(seed: int) -> Edges:
    rng = random.Random(seed)
    kind = seed % 4
    if kind == 0:  # sparse G(n, m): many small components and isolated pairs
        n = rng.randint(2, 80)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(1, 2 * n))]
    elif kind == 1:  # random forest
        n = rng.randint(2, 150)
        edges = [(i, rng.randrange(i)) for i in range(1, n) if rng.random() < 0.9]
        edges = edges or [(0, 1)]
    elif kind == 2:  # a long path with a few chords, pieces and duplicates
        edges = path(rng.randint(200, 400)) + path(rng.randint(2, 50))
        edges += [rng.choice(edges) for _ in range(10)]
    else:  # cliques, duplicates, self-loops (some on otherwise isolated nodes)
        edges = cliques([rng.randint(1, 6) for _ in range(rng.randint(1, 6))])
        edges += [rng.choice(edges) for _ in range(5)] if edges else []
        edges += [(x, x) for x in rng.sample(range(1000, 1010), 3)] + [(0, 0), (1, 1)]
    lo = -(2**62) if seed % 3 == 0 else 0  # negative ids must work too
    return relabel(edges, rng, lo=lo)


def disjoint(edges: Edges, tag: int) -> Edges:
    """The graph's nodes renamed apart from every other tag's (relabel then mixes all ids)."""
    return [((a, tag), (b, tag)) for a, b in edges]  # type: ignore[misc]


# ---- tests ----

def test_union_find_reference() -> None:
    spec = importlib.util.spec_from_file_location("tamis_cc_uf", CC_PATH)
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray[data] is not importable")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.union_find_components([(3, 2), (2, 9), (7, 7), (5, 4), (4, 5)]) == {
        2: 2, 3: 2, 9: 2, 7: 7, 4: 4, 5: 4}
    assert module.union_find_components([]) == {}


@pytest.mark.parametrize("seed", range(8))
def test_random_graphs(cc: ModuleType, seed: int) -> None:
    check(cc, random_graph(seed))


def test_many_random_graphs_at_once(cc: ModuleType) -> None:
    """64 random graphs of all four kinds side by side in one input: their components interleave in
    every partition, and each must come out as it would alone."""
    rng = random.Random(64)
    edges = relabel([e for seed in range(64) for e in disjoint(random_graph(seed), seed)], rng)
    check(cc, edges, blocks=5)


@pytest.mark.parametrize("name,edges", [
    ("path 300 random ids", relabel(path(300), random.Random(1))),
    ("path 250 sequential ids, reversed", [(b, a) for a, b in reversed(path(250))]),
    ("star, center smallest", star(200)),
    ("star, center largest", star(120, center=119)),
    ("comb", relabel(comb(40, 4), random.Random(3))),
    ("disjoint cliques", relabel(cliques([1, 2, 3, 8, 12]), random.Random(4))),
    ("duplicates and self-loops",
     [(1, 2), (2, 1), (1, 2), (3, 3), (3, 3), (4, 4), (4, 5), (2, 2)] * 3),
    ("single self-loop", [(7, 7)]),
])
def test_shapes(cc: ModuleType, name: str, edges: Edges) -> None:
    check(cc, edges)


def test_empty_input(cc: ModuleType) -> None:
    assert run(cc, []) == ([], 0)


def test_output_independent_of_partitioning(cc: ModuleType) -> None:
    rng = random.Random(99)
    chain = [(x, x + 1) for x in range(10**4, 10**4 + 60)]
    edges = relabel(comb(30, 3) + chain + [(5, 5)] * 3, rng)
    edges += edges[:20]
    expected = sorted(cc.union_find_components(edges).items())
    results = {(b, p): run(cc, edges, blocks=b, parts=p) for b, p in ((1, None), (3, 3), (7, 3), (1, 7), (7, None))}
    assert {(tuple(rows), rounds) for rows, rounds in results.values()} == {
        (tuple(expected), results[(1, None)][1])}


def test_max_rounds_exceeded(cc: ModuleType) -> None:
    with pytest.raises(RuntimeError, match="did not converge"):
        run(cc, path(200), max_rounds=2)


def test_round_counts(cc: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(7)
    shapes: list[tuple[str, Edges]] = []
    for n in (100, 1000, 10000):
        shapes.append((f"path {n}, random ids and edge order", relabel(path(n), rng)))
        shapes.append((f"path {n}, sequential ids", path(n)))
    shapes += [
        ("star 1000, center smallest", star(1000)),
        ("star 1000, center largest", star(1000, center=999)),
        ("star 1000, random ids", relabel(star(1000), rng)),
        ("comb 100x10, sequential ids", comb(100, 10)),
        ("comb 100x10, random ids", relabel(comb(100, 10), rng)),
    ]
    lines = [f"{'shape':<40} {'nodes':>6} {'rounds':>6}"]
    for name, edges in shapes:
        rounds = check(cc, edges)
        nodes = len({x for e in edges for x in e})
        lines.append(f"{name:<40} {nodes:>6} {rounds:>6}")
        # A loose regression guard: the proven bound is O(log² n), observed is ~log n.
        assert rounds <= 2 * math.ceil(math.log2(nodes)) + 4, name
    with capsys.disabled():
        print("\nlarge-star/small-star rounds:\n" + "\n".join(lines))
