"""The Mesa model: step() advances one month through the engine; agents and the DataCollector work."""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.model import SocialDomainModel
from sdsim.simulation.schema import DOMAINS, PRODUCT_TIER, T_SPECIALIST

from tests.conftest import small_profile


def test_model_steps_through_engine_and_collects(baseline):
    profile = small_profile(baseline.profile, 3000, burn_in_years=1)
    model = SocialDomainModel(profile, baseline.params, seed=6)
    for _ in range(6):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 6 and frame["clients_tier.maatwerk"].min() > 0
    # the same numbers as the engine run directly with the same seed
    engine = Engine(profile, baseline.params, seed=6, horizon_months=6)
    tallies = engine.run()
    specialist = tallies.stock.sum(axis=1)[:, PRODUCT_TIER == T_SPECIALIST].sum(axis=1)
    np.testing.assert_array_equal(frame["clients_tier.specialist"].to_numpy(), specialist)
    assert len(model.agents_by_type[type(model.teams[0])]) == 3
    assert sum(p.slots.get("jeugd_ambulant", 0) for p in model.providers) == 41 * 10
    queue = sum(sum(t.queue.values()) for t in model.teams)
    assert queue == sum(model.indicators[f"queue.{d}"] for d in DOMAINS)
    assert frame.iloc[-1]["escalations"] == sum(model.indicators[f"{h}.{d}"] for h in ("escalations", "crises") for d in DOMAINS)
    assert model.providers[0].occupancy >= 0
    assert sum(g.registered_households for g in model.gp_practices) == model.engine.households.occupied.sum()
    assert set(model.municipality.spending_last_month) >= {"jeugd_ambulant", "toegang"}
    view = model.household(0)
    assert set(view.domains) == {"jeugd", "wmo", "werk", "schulden", "veiligheid"}
    assert "HouseholdView(0" in repr(view)
