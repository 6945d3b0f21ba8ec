"""The terminal report: a short, readable account of one run's forecast."""

from __future__ import annotations

import textwrap


def _pct(p: float | None) -> str:
    return "  n/a" if p is None else f"{100 * p:5.1f}%"


def _num(x: float | None, digits: int = 0) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def _conditioning_lines(provenance: dict) -> list[str]:
    """Where the run started: from the worlds replayed through a record, or from the priors."""
    if "conditioning" not in provenance:
        return []
    made = provenance["conditioning"]
    if made is None:
        return ["started from the scenario's priors (--from-priors), not from the record it conditions on"]
    lines = [f"started from the record {made['record']}: {made['worlds_replayed']:,} worlds of {made['origin']} "
             f"replayed through its {made['months_replayed']} months, weighed by {made['decisions_weighed']} documented "
             f"decisions and outcomes; effective sample size {made['effective_sample_size']:,.0f} "
             f"({made['worlds_consistent']:,} worlds consistent with it)"]
    if made.get("warning"):
        lines.append(f"warning: {made['warning']}")
    return [wrapped for line in lines for wrapped in textwrap.wrap(line, 80, subsequent_indent="  ")]


def format_report(summary: dict) -> str:
    """Render :func:`sim.report.summary.summarise` output as plain text (80 columns)."""
    s = summary
    months = s["months"]
    lines = [
        f"Scenario {s['scenario']!r}: {s['worlds']:,} worlds, {s['horizon_months']} months from "
        f"{months[0]} to {months[-1]}, seed {s['seed']}",
        f"scenario sha256 {s['scenario_sha256'][:16]}…, negsim {s['version']}, {s['seconds']:.1f} s",
        *_conditioning_lines(s.get("provenance", {})),
        "",
        "Likelihood of a general ceasefire",
        "  by month            P(ceasefire)   95% interval      P(in force then)   P(settlement)",
    ]
    settlement = s["p_settlement_by_month"]
    for row in s["report_months"]:
        lo, hi = row["ci95"]
        label = f"{row['month']:>3} ({months[row['month'] - 1]})"
        lines.append(f"  {label:<18}{_pct(row['p_ceasefire']):>10}   [{_pct(lo)}, {_pct(hi)}]"
                     f"   {_pct(row['p_in_ceasefire']):>10}   {_pct(settlement[row['month'] - 1]):>12}")
    median = s["median_months_to_ceasefire"]
    lines += [
        "  median time to ceasefire: "
        + (f"{median} months ({months[median - 1]})" if median else
           f"not reached (P < 50% by month {s['horizon_months']})"),
        f"  P(ceasefire that holds {s['durable_months']} months): {_pct(s['p_durable']).strip()}"
        f" [{_pct(s['ci95_durable'][0]).strip()}, {_pct(s['ci95_durable'][1]).strip()}]"
        + (f"; of ceasefires early enough to tell, {_pct(s['p_holds_given_observable_ceasefire']).strip()} hold"
           if s["p_holds_given_observable_ceasefire"] is not None else ""),
        "  a settlement settles every issue; a ceasefire may leave issues open for later talks "
        f"({_pct(s['outcomes']['settled_share_mean']).strip() if s['outcomes']['settled_share_mean'] is not None else 'n/a'}"
        " of ceasefires reached a settlement by the horizon)",
        "",
        "Where the first ceasefire's terms land (0 = Ukraine's position, 1 = Russia's)",
        "  issue                mean   5%-95% of worlds with a ceasefire",
    ]
    for issue, spread in s["terms_of_first_ceasefire"].items():
        if spread["mean"] is None:
            lines.append(f"  {issue:<20}  n/a")
            continue
        lines.append(f"  {issue:<20}{spread['mean']:5.2f}   [{spread['p05']:.2f}, {spread['p95']:.2f}]")
    if s.get("territory_deal_of_first_ceasefire"):
        lines.append("  what the territory term does: " + ", ".join(
            f"{name} {_pct(share).strip()}" for name, share in s["territory_deal_of_first_ceasefire"].items()))
    lines += ["", "Partial agreements (share of worlds agreed by month)"]
    header = "  deal                " + "".join(f"{m:>8}" for m in s["partial_deals"][next(iter(s["partial_deals"]))]["p_agreed_by"]) if s["partial_deals"] else ""  # noqa: E501
    if header:
        lines.append(header + "   in force at end")
    for deal, info in s["partial_deals"].items():
        cells = "".join(f"{_pct(p):>8}" for p in info["p_agreed_by"].values())
        lines.append(f"  {deal:<20}{cells}   {_pct(info['p_in_force_at_horizon']):>8}")
    occupied = s["occupied_km2_at_horizon"]
    lines += ["", f"At month {s['horizon_months']} (5%-95% of worlds)",
              f"  area occupied by Russia: {_num(occupied['median'])} km² "
              f"[{_num(occupied['p05'])}, {_num(occupied['p95'])}]"]
    for actor, spread in s["casualties_at_horizon"].items():
        name = s["actors"].get(actor, actor)
        lines.append(f"  {name} casualties (killed and wounded) over the run: {_num(spread['median'])} "
                     f"[{_num(spread['p05'])}, {_num(spread['p95'])}]")
    beliefs = s.get("victory_belief_by_month", {})
    if beliefs:
        lines += ["", "Belief that fighting on brings decisive victory (mean over worlds): month 1 -> last month"]
        for actor, series in beliefs.items():
            lines.append(f"  {s['actors'].get(actor, actor):<15} {series[0]:.3f} -> {series[-1]:.3f}")
    payoffs = s.get("payoff_by_actor", {})
    if payoffs:
        lines += ["", "Each actor's payoff: mean discounted monthly utility of the terms in force less its "
                      "costs (docs/model.md [9]), mean [95% interval of the mean]"]
        for actor, p in payoffs.items():
            lines.append(f"  {s['actors'].get(actor, actor):<15} {p['mean']:.3f} [{p['ci95'][0]:.3f}, {p['ci95'][1]:.3f}]")
    lines.append("")
    lines.append("Intervals on probabilities are 95% Monte Carlo (Wilson) intervals; the spread of "
                 "parameters across worlds is already inside each probability.")
    return "\n".join(lines)
