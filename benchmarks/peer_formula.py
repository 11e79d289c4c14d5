"""The Nantong amount rule written as OpenFisca-core's or policyengine-core's standard formula.

Run only by bench_peers.py, with the python of the separate virtualenv it creates; it imports the
framework named on its command line and numpy, never skillsubsidy (OpenFisca is AGPL: the package
must never import it). The rule: the amount is the standard of the claim's category and level
(附件1's table, in fen), raised by the shortage uplift for levels 1-3 where the occupation has one
(000 · 附件3), rounded half up to the fen; the same arithmetic as rules/batch.py.

    python peer_formula.py openfisca|policyengine|numpy N SEED TABLE_JSON  -> JSON on stdout
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from typing import Any

import numpy as np

CATEGORIES = "ABC"


def inputs(n: int, seed: int) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    category = rng.integers(0, 3, n, dtype=np.int32)
    level = rng.integers(1, 6, n, dtype=np.int32)
    uplift_bp = np.where(rng.random(n) < 0.2, 3000, -1).astype(np.int32)
    return category, level, uplift_bp


def floor(table: Any, category: Any, level: Any, uplift_bp: Any) -> Any:
    base = table[category, level]
    raised = (base >= 0) & (level <= 3) & (uplift_bp >= 0)
    return np.where(raised, (base * (10000 + uplift_bp) + 5000) // 10000, base)


def framework(name: str, table: Any) -> tuple[Any, Any]:
    pkg = {"openfisca": "openfisca_core", "policyengine": "policyengine_core"}[name]
    entities = importlib.import_module(f"{pkg}.entities")
    periods = importlib.import_module(f"{pkg}.periods")
    variables = importlib.import_module(f"{pkg}.variables")
    parameters = importlib.import_module(f"{pkg}.parameters")
    systems = importlib.import_module(f"{pkg}.taxbenefitsystems")
    simulations = importlib.import_module(f"{pkg}.simulations")
    year = getattr(periods, "YEAR", None) or periods.DateUnit.YEAR
    person = entities.build_entity(key="person", plural="persons", label="claimant", is_person=True)

    def integer(var_name: str, default: int = 0) -> type:
        return type(var_name, (variables.Variable,), {"value_type": int, "entity": person,
                    "definition_period": year, "label": var_name, "default_value": default})  # fmt: skip

    def formula(people: Any, period: Any, params: Any) -> Any:
        category = people("category", period)
        level = people("level", period)
        uplift_bp = people("uplift_bp", period)
        # The standard formula style: fancy indexing of the parameter tree by vectors of keys.
        keys_c = np.array(list(CATEGORIES))[category]
        keys_l = np.array([f"level_{i}" for i in range(6)])[level]
        base = params(period).standard[keys_c][keys_l]
        raised = (base >= 0) & (level <= 3) & (uplift_bp >= 0)
        return np.where(raised, (base * (10000 + uplift_bp) + 5000) // 10000, base)

    amount = type("amount", (variables.Variable,), {"value_type": int, "entity": person,
                  "definition_period": year, "label": "amount in fen", "formula": formula})  # fmt: skip
    system = systems.TaxBenefitSystem([person])
    for v in (integer("category"), integer("level"), integer("uplift_bp", -1), amount):
        system.add_variable(v)
    standard = {c: {f"level_{lv}": {"values": {"2025-01-01": int(table[i, lv])}} for lv in range(6)}
                for i, c in enumerate(CATEGORIES)}  # fmt: skip
    system.parameters = parameters.ParameterNode("", data={"standard": standard})
    return system, simulations.SimulationBuilder


def main(argv: list[str]) -> None:
    name, n, seed, table = argv[0], int(argv[1]), int(argv[2]), np.array(json.loads(argv[3]))
    category, level, uplift_bp = inputs(n, seed)
    best, out = float("inf"), None
    if name == "numpy":
        for _ in range(10):
            t0 = time.perf_counter()
            out = floor(table, category, level, uplift_bp)
            best = min(best, time.perf_counter() - t0)
    else:
        system, builder = framework(name, table)
        for _ in range(3):
            simulation = builder().build_default_simulation(system, n)
            for var, values in (("category", category), ("level", level), ("uplift_bp", uplift_bp)):
                simulation.set_input(var, "2025", values)
            t0 = time.perf_counter()
            out = simulation.calculate("amount", "2025")
            best = min(best, time.perf_counter() - t0)
    assert out is not None
    expected = floor(table, category, level, uplift_bp)
    print(json.dumps({"seconds": best, "same_as_floor": bool(np.array_equal(out, expected)),
                      "total_fen": int(np.asarray(out, dtype=np.int64).sum())}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
