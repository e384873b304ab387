"""Splink 5 on DuckDB as a peer: a Fellegi–Sunter model trained without labels.

Training follows Splink's own recipe: the prior from deterministic rules, u from random
sampling, m by expectation maximisation on a couple of blocking rules. The best prediction
per list row becomes a match at p ≥ 0.99 and a review at p ≥ 0.5.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from benchmarks.matching.methods import (
    MATCH,
    MAX_CANDIDATES,
    NONE,
    REVIEW,
    MethodRun,
    Outcome,
    Proposal,
    hangul_name,
    latin_parts,
    passport_key,
)
from consular.matching import PersonRecord

MATCH_PROBABILITY = 0.99
REVIEW_PROBABILITY = 0.5
# Predictions below this are dropped; candidates under 0.5 only fill the review list.
CANDIDATE_FLOOR = 0.01
U_MAX_PAIRS = 2e6
# DuckDB's default is 80 % of the machine; stay well inside the benchmark's memory budget.
DUCKDB_MEMORY_LIMIT = "6GB"
DUCKDB_THREADS = 2
REGISTRY_TABLE = "registry"
LIST_TABLE = "list"


@dataclass(frozen=True)
class SplinkModel:
    """What Splink compares, how it blocks, and how it is trained."""

    comparisons: Sequence[ComparisonCreator]
    prediction_rules: Sequence[BlockingRuleCreator]
    training_rules: Sequence[BlockingRuleCreator]
    deterministic_rules: Sequence[BlockingRuleCreator]
    deterministic_recall: float


def synthetic_model() -> SplinkModel:
    """Latin family and given names, Hangul name, date of birth, passport, sex, nationality."""
    return SplinkModel(
        comparisons=(
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("hangul_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.LevenshteinAtThresholds("passport", 1),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
        ),
        prediction_rules=(
            block_on("dob"),
            block_on("passport"),
            block_on("family_name", "given_name"),
            block_on("hangul_name"),
        ),
        training_rules=(block_on("dob"), block_on("family_name", "given_name")),
        deterministic_rules=(block_on("passport"), block_on("family_name", "given_name", "dob")),
        deterministic_recall=0.7,
    )


def synthetic_frame(records: Sequence[PersonRecord]) -> pd.DataFrame:
    """One row per record with the columns of :func:`synthetic_model`, text or null."""
    rows = []
    for record in records:
        family, given = latin_parts(record) or ("", "")
        rows.append(
            {
                "unique_id": record.id,
                "family_name": family or None,
                "given_name": given or None,
                "hangul_name": hangul_name(record),
                "dob": record.date_of_birth.isoformat() if record.date_of_birth else None,
                "passport": passport_key(record.passport_number),
                "sex": (record.sex or "").strip().upper()[:1] or None,
                "nationality": (record.nationality or "").strip().upper() or None,
            }
        )
    return pd.DataFrame(rows).astype("string")


def run_splink(
    registry: pd.DataFrame, records: pd.DataFrame, model: SplinkModel, seed: int
) -> MethodRun:
    """Train on both tables (link only), predict, and keep the best candidates per row.

    Both frames need a ``unique_id`` column; ``registry`` ids must differ from list ids.
    """
    started = time.perf_counter()
    connection = duckdb.connect(
        config={"memory_limit": DUCKDB_MEMORY_LIMIT, "threads": DUCKDB_THREADS}
    )
    db_api = DuckDBAPI(connection=connection)
    left = db_api.register(registry, dataset_display_name=REGISTRY_TABLE)
    right = db_api.register(records, dataset_display_name=LIST_TABLE)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=list(model.comparisons),
        blocking_rules_to_generate_predictions=list(model.prediction_rules),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        list(model.deterministic_rules), recall=model.deterministic_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in model.training_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    predictions = linker.inference.predict(
        threshold_match_probability=CANDIDATE_FLOOR, warning_mode="never"
    ).as_pandas_dataframe()
    outcomes = _best_per_row(predictions, records["unique_id"].tolist())
    link_s = time.perf_counter() - started
    connection.close()
    notes = [f"DuckDB memory_limit {DUCKDB_MEMORY_LIMIT}, {DUCKDB_THREADS} threads"]
    return MethodRun(outcomes=outcomes, timings={"index": train_s, "link": link_s}, notes=notes)


def _best_per_row(predictions: pd.DataFrame, list_ids: Sequence[str]) -> dict[str, Outcome]:
    """Group scored pairs by list row, best first, and decide on the best."""
    on_left = predictions["source_dataset_l"] == LIST_TABLE
    pairs = pd.DataFrame(
        {
            "list_id": predictions["unique_id_l"].where(on_left, predictions["unique_id_r"]),
            "registry_id": predictions["unique_id_r"].where(on_left, predictions["unique_id_l"]),
            "p": predictions["match_probability"].astype(float),
        }
    ).sort_values(["list_id", "p", "registry_id"], ascending=[True, False, True])
    found: dict[str, list[Proposal]] = {}
    for list_id, registry_id, p in pairs.itertuples(index=False):
        kept = found.setdefault(str(list_id), [])
        if len(kept) < MAX_CANDIDATES:
            kept.append(Proposal(str(registry_id), float(p)))
    outcomes: dict[str, Outcome] = {}
    for list_id in list_ids:
        proposals = tuple(found.get(list_id, ()))
        best = proposals[0].probability if proposals else 0.0
        if best >= MATCH_PROBABILITY:
            decision = MATCH
        elif best >= REVIEW_PROBABILITY:
            decision = REVIEW
        else:
            decision = NONE
        outcomes[list_id] = Outcome(decision, proposals)
    return outcomes
