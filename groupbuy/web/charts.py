"""Charts for pages: one shape for every chart, drawn by web/js/chart.js.

Build a :class:`Chart` in a selector or view and include it with
``{% include "web/includes/chart.html" %}``; the include embeds the figures as
JSON for the canvas and as a table for screen readers and for browsers without
JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.crypto import get_random_string

from groupbuy.core.money import format_fen


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]


@dataclass(frozen=True)
class Chart:
    title: str
    labels: list[str]
    series: list[Series]
    kind: str = "line"  # "line" or "bar"
    money: bool = False  # values are fen; shown in yuan
    label_heading: str = ""
    dom_id: str = field(default_factory=lambda: "chart-" + get_random_string(8))

    def __post_init__(self):
        if self.kind not in ("line", "bar"):
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.label!r} does not match the labels")

    @property
    def data_id(self) -> str:
        return self.dom_id + "-data"

    @property
    def spec(self) -> dict:
        return {
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "money": self.money,
            "series": [
                {"label": str(s.label), "values": list(s.values)} for s in self.series
            ],
        }

    @property
    def rows(self) -> list[dict]:
        def show(value):
            if value is None:
                return "–"
            return format_fen(value) if self.money else f"{value:,}"

        return [
            {"label": label, "cells": [show(s.values[i]) for s in self.series]}
            for i, label in enumerate(self.labels)
        ]
