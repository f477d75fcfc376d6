"""Parameters of the synthetic territory, typed and documented in one place."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator

from features.synth.motives import SHOCKS


class ShockParams(BaseModel):
    """One kind of life shock: how often it strikes, how hard, how long it lasts."""

    weekly_rate: float = Field(gt=0, description="base rate of new shocks per household-week")
    vulnerability_slope: float = Field(
        description="log-rate increase per unit of latent vulnerability"
    )
    mean_size: float = Field(gt=0, description="mean size of a shock (exponentially distributed)")
    weekly_decay: float = Field(
        gt=0, lt=1, description="share of a shock that remains after a week"
    )
    crisis_weight: float = Field(ge=0, description="weekly crisis hazard per unit of this shock")
    winter_boost: float = Field(default=0.0, ge=0, description="extra relative rate in winter")
    euros: float = Field(
        gt=0, description="amount a household states for a stock of 1 (debt, income lost...)"
    )


DEFAULT_SHOCKS: dict[str, ShockParams] = {
    "perte_emploi": ShockParams(
        weekly_rate=0.0030,
        vulnerability_slope=0.55,
        mean_size=1.0,
        weekly_decay=0.96,
        crisis_weight=0.0150,
        euros=900.0,
    ),
    "separation": ShockParams(
        weekly_rate=0.0015,
        vulnerability_slope=0.35,
        mean_size=1.0,
        weekly_decay=0.95,
        crisis_weight=0.0140,
        euros=800.0,
    ),
    "maladie": ShockParams(
        weekly_rate=0.0025,
        vulnerability_slope=0.30,
        mean_size=1.0,
        weekly_decay=0.92,
        crisis_weight=0.0150,
        euros=600.0,
    ),
    "impaye_loyer": ShockParams(
        weekly_rate=0.0020,
        vulnerability_slope=0.75,
        mean_size=1.0,
        weekly_decay=0.95,
        crisis_weight=0.0220,
        euros=1200.0,
    ),
    "dette_energie": ShockParams(
        weekly_rate=0.0018,
        vulnerability_slope=0.65,
        mean_size=1.0,
        weekly_decay=0.90,
        crisis_weight=0.0180,
        winter_boost=1.6,
        euros=500.0,
    ),
}


class SynthConfig(BaseModel):
    households: int = Field(default=20_000, ge=10)
    years: float = Field(default=3.0, gt=0, le=20)
    seed: int = 42
    start: dt.date = dt.date(2023, 1, 2)
    burn_in_weeks: int = Field(default=26, ge=0, description="simulated before start, not written")
    territories: tuple[str, ...] = ("nord", "centre", "sud")

    # Latent vulnerability and crises.
    base_crisis_log_hazard: float = Field(default=-8.3, description="log weekly hazard at u = 0")
    base_crisis_vulnerability_slope: float = 0.9
    shocks: dict[str, ShockParams] = Field(default_factory=lambda: dict(DEFAULT_SHOCKS))

    # Requests.
    requests_per_household_year: float = Field(
        default=0.7, gt=0, description="background request rate, before shocks add theirs"
    )
    contact_propensity_sigma: float = Field(
        default=0.9, ge=0, description="spread of households' lognormal propensity to contact"
    )
    social_vulnerability_slope: float = Field(
        default=0.7, description="log-rate of social motives per unit u"
    )
    shock_request_gain: float = Field(
        default=1.5, ge=0, description="how strongly shocks raise motive rates"
    )
    # How shocks show: nearly all bring a request within days (a "declaration") whose text
    # states the problem and nearly always an amount in proportion to the shock's stock
    # (ShockParams.euros); later requests the shock drives often restate it, with what
    # remains of it.
    declaration_share: float = Field(
        default=0.98, ge=0, le=1, description="P(a shock brings a request soon after it)"
    )
    declaration_weekly_share: float = Field(
        default=1.0, gt=0, le=1, description="P(the declaration comes this week | not yet)"
    )
    declaration_max_delay_weeks: int = Field(default=4, ge=0)
    declaration_cause_share: float = Field(
        default=1.0, ge=0, le=1, description="P(a declaration's text states its cause)"
    )
    return_cause_share: float = Field(
        default=0.6, ge=0, le=1, description="P(a later shock-driven request restates it)"
    )
    amount_share: float = Field(
        default=0.98, ge=0, le=1, description="P(a text stating its cause gives an amount)"
    )
    amount_noise: float = Field(
        default=0.05, ge=0, description="log-scale noise of stated amounts (lognormal sigma)"
    )
    ambiguous_share: float = Field(default=0.06, ge=0, le=0.5)
    vague_share: float = Field(default=0.035, ge=0, le=0.5)
    first_mentioned_wins: float = Field(
        default=0.65, gt=0.5, lt=1, description="P(final service = the need mentioned first)"
    )

    # Handling.
    understaffed_months_per_year: float = Field(default=1.5, ge=0)
    late_recording_share: float = Field(default=0.2, ge=0, le=1)

    @field_validator("shocks")
    @classmethod
    def _all_shocks(cls, value: dict[str, ShockParams]) -> dict[str, ShockParams]:
        missing = set(SHOCKS) - set(value)
        if missing:
            raise ValueError(f"missing shock parameters for {sorted(missing)}")
        return value

    @property
    def weeks(self) -> int:
        return round(self.years * 52)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(weeks=self.weeks)
