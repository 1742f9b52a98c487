"""A price table for cost estimates shown before running.

Quoted figures come from the seeds: ``002_*.txt`` (credits per 5 s clip converted to USD at the Pro plan
rate) and ``docs/protocols/runware.md`` (Kling 3.0 Pro per-second prices, image price). Every other figure is an
estimate by analogy with the nearest quoted tier and is marked ``estimate=True``; the UI says so.
"""

from __future__ import annotations

from kling_desktop.catalog.spec import Price

_SEED_002 = "seed 002: credits per 5 s at the Pro plan rate"
_RUNWARE = "docs/protocols/runware.md: Runware's Kling 3.0 Pro page"
_ANALOGY = "estimate by analogy with the nearest quoted tier"


def _clip(usd_5s: float, source: str = _SEED_002, estimate: bool = False) -> Price:
    return Price(per_second=usd_5s / 5, per_clip_5s=usd_5s, estimate=estimate, source=source)


PRICES: dict[str, Price] = {
    "klingai:1@1": _clip(0.13, _ANALOGY, True),
    "klingai:1@2": _clip(0.23, _ANALOGY, True),
    "klingai:2@1": _clip(0.13, _ANALOGY, True),
    "klingai:2@2": _clip(0.23, _ANALOGY, True),
    "klingai:3@1": _clip(0.13, _ANALOGY, True),
    "klingai:3@2": _clip(0.23, _ANALOGY, True),
    "klingai:4@3": _clip(1.25),
    "klingai:5@1": _clip(0.13),
    "klingai:5@2": _clip(0.23),
    "klingai:5@3": _clip(0.80),
    "klingai:6@0": _clip(0.16),
    "klingai:6@1": _clip(0.16),
    "klingai:kling-video@2.6-pro": _clip(0.27),
    "klingai:kling-video@3-standard": Price(
        per_second=0.084, per_second_with_audio=0.126, estimate=True, source=_ANALOGY
    ),
    "klingai:kling-video@3-pro": Price(
        per_second=0.112, per_second_with_audio=0.168, estimate=False, source=_RUNWARE
    ),
    "klingai:kling-video@o3-standard": Price(
        per_second=0.084, per_second_with_audio=0.126, estimate=True, source=_ANALOGY
    ),
    "klingai:kling-video@o3-pro": Price(
        per_second=0.112, per_second_with_audio=0.168, estimate=True, source=_ANALOGY
    ),
    "klingai:kling@o1-standard": Price(per_second=0.084, estimate=True, source=_ANALOGY),
    "klingai:kling@o1": Price(per_second=0.112, estimate=True, source=_ANALOGY),
    "klingai:7@1": Price(per_second=0.014, estimate=True, source=_ANALOGY),
    "klingai:avatar@2.0-standard": Price(per_second=0.056, estimate=True, source=_ANALOGY),
    "klingai:avatar@2.0-pro": Price(per_second=0.112, estimate=True, source=_ANALOGY),
    "klingai:kling-image@o1": Price(
        per_image=0.028, estimate=True, source=_RUNWARE + " (generic image price)"
    ),
    "klingai:kling-image@3": Price(
        per_image=0.028, estimate=True, source=_RUNWARE + " (generic image price)"
    ),
    "klingai:kling-image@o3": Price(per_image=0.04, estimate=True, source=_ANALOGY),
}


def price_for(air_id: str) -> Price | None:
    return PRICES.get(air_id)


def estimate_cost(
    price: Price | None, *, seconds: float | None, sound: bool = False, images: int = 1
) -> float | None:
    """USD for one job, or None when the figure cannot be known (e.g. length follows an input not yet read)."""
    if price is None:
        return None
    if price.per_image is not None:
        return round(price.per_image * images, 4)
    if seconds is None or price.per_second is None:
        return None
    rate = price.per_second_with_audio if sound and price.per_second_with_audio else price.per_second
    return round(rate * seconds, 4)
