"""The pressure game as text, JSON and a figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim import __version__

if TYPE_CHECKING:
    from sim.analysis.games import Equilibrium, GameResult


def _profile_text(result: GameResult, mixed: list[np.ndarray]) -> str:
    parts = []
    for player, names, weights in zip(result.plan.players, result.plan.strategies, mixed, strict=True):
        played = [(n, w) for n, w in zip(names, weights, strict=True) if w > 1e-9]
        parts.append(f"{player} " + (played[0][0] if len(played) == 1 else
                                     " + ".join(f"{w:.2f} {n}" for n, w in played)))
    return ", ".join(parts)


def _regret_text(equilibrium: Equilibrium, players: list[str]) -> str:
    return "; ".join(f"{p} {r:.4f} (95% up to {u:.4f})"
                     for p, r, u in zip(players, equilibrium.regret, equilibrium.regret_upper, strict=True))


def _terms_text(equilibrium: Equilibrium) -> str:
    """Mean terms (0 = Ukraine's position, 1 = Russia's) where a first ceasefire is reached."""
    known = {issue: t for issue, t in equilibrium.terms.items() if t is not None}
    return ", ".join(f"{issue} {t:.2f}" for issue, t in known.items()) if known else "no ceasefire in any world"


def format_game(result: GameResult) -> str:
    """The equilibria, their regrets and ceasefire odds, and the documented profile's regrets."""
    plan, spec = result.plan, result.plan.game.spec
    months = spec.months
    total = int(np.prod(plan.shape))
    lines = [f"{spec.name}: {len(plan.players)} players, {total} strategy profiles, {result.simulated} simulated "
             f"on common random numbers ({plan.worlds:,} worlds each, seed {plan.seed})",
             "Payoffs are each actor's mean discounted monthly utility (docs/model.md [9]); a regret is what a "
             "player gains by its best deviation alone, and its 95% bound comes from resampling the worlds.", ""]
    if not result.equilibria:
        lines.append("No equilibrium found among the candidates (pure profiles; see the notes).")
    for k, eq in enumerate(result.equilibria, 1):
        kind = "pure" if eq.is_pure else "mixed"
        odds = ", ".join(f"P(ceasefire by {m}) {p:.1%}" for m, p in zip(months, eq.p_ceasefire, strict=True))
        robust = f"; an equilibrium in {eq.robustness:.0%} of resamples" if eq.is_pure else ""
        lines += [f"Equilibrium {k} ({kind}): {_profile_text(result, eq.mixed)}",
                  f"  {odds}", f"  terms of the first ceasefire: {_terms_text(eq)}",
                  f"  regrets: {_regret_text(eq, plan.players)}{robust}"]
    if result.documented is not None:
        doc = result.documented
        odds = ", ".join(f"P(ceasefire by {m}) {p:.1%}" for m, p in zip(months, doc.p_ceasefire, strict=True))
        lines += ["", f"Documented 2025 profile: {_profile_text(result, doc.mixed)}", f"  {odds}",
                  f"  terms of the first ceasefire: {_terms_text(doc)}",
                  f"  regrets: {_regret_text(doc, plan.players)}"]
        from sim.analysis.games import deviation_table

        for row in deviation_table(result, doc.mixed):
            options = ", ".join(f"{name} {value:+.4f}" for name, value in row["payoffs"].items())
            lines.append(f"  {row['player']}'s payoff by its strategy, the others as documented: {options} "
                         f"(best: {row['best']})")
    lines += ["", "Best responses: how often each strategy is a best response to the others' profiles"]
    for i, player in enumerate(plan.players):
        mask = result.best_responses(i)
        counts = np.moveaxis(mask, i, 0).reshape(plan.shape[i], -1).sum(axis=1)
        opponents = mask.size // plan.shape[i]
        lines.append(f"  {player}: " + ", ".join(f"{name} {int(c)}/{opponents}"
                                                 for name, c in zip(plan.strategies[i], counts, strict=True)))
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines)


def _equilibrium_payload(result: GameResult, eq: Equilibrium) -> dict:
    return {"strategies": {p: dict(zip(names, map(float, m), strict=True))
                           for p, names, m in zip(result.plan.players, result.plan.strategies, eq.mixed, strict=True)},
            "pure": eq.is_pure,
            "regret": dict(zip(result.plan.players, map(float, eq.regret), strict=True)),
            "regret_upper_95": dict(zip(result.plan.players, map(float, eq.regret_upper), strict=True)),
            "robustness": eq.robustness if eq.is_pure else None,
            "p_ceasefire": {str(m): p for m, p in zip(result.plan.game.spec.months, eq.p_ceasefire, strict=True)},
            "terms_of_first_ceasefire": eq.terms}


def game_payload(result: GameResult, provenance: dict) -> dict:
    """Everything in machine-readable form: profiles with payoffs and intervals, equilibria, regrets."""
    plan = result.plan
    profiles = []
    for profile, outcome in sorted(result.outcomes.items()):
        index = (slice(None), *profile)
        profiles.append({"strategies": plan.label(profile),
                         "payoff": dict(zip(plan.players, map(float, result.payoffs[index]), strict=True)),
                         "payoff_se": dict(zip(plan.players, map(float, result.standard_errors[index]), strict=True)),
                         "p_ceasefire": {str(m): p for m, p in zip(plan.game.spec.months, outcome.p_ceasefire,
                                                                    strict=True)},
                         "terms_of_first_ceasefire": outcome.terms})
    return {"game": plan.game.spec.name, "players": plan.players,
            "strategies": dict(zip(plan.players, plan.strategies, strict=True)),
            "worlds": plan.worlds, "seed": plan.seed, "scenario_sha256": plan.base.sha256,
            "profiles_simulated": result.simulated, "profiles_total": int(np.prod(plan.shape)),
            "equilibria": [_equilibrium_payload(result, eq) for eq in result.equilibria],
            "documented": None if result.documented is None else _equilibrium_payload(result, result.documented),
            "profiles": profiles, "notes": result.notes, "version": __version__, "provenance": provenance}


def plot_regrets(result: GameResult) -> Figure:
    """Each player's regret (with its 95% bootstrap bound) at each equilibrium and at the documented
    profile: bars at zero are equilibria that noise does not undo."""
    rows = [(f"equilibrium {k}", eq) for k, eq in enumerate(result.equilibria, 1)]
    if result.documented is not None:
        rows.append(("documented 2025", result.documented))
    players = result.plan.players
    fig = Figure(figsize=(1.6 + 1.9 * max(len(rows), 1), 3.8))
    ax = fig.subplots()
    width = 0.8 / len(players)
    for j, player in enumerate(players):
        x = np.arange(len(rows)) + (j - (len(players) - 1) / 2) * width
        values = [eq.regret[j] for _, eq in rows]
        upper = [max(eq.regret_upper[j] - eq.regret[j], 0.0) for _, eq in rows]
        ax.bar(x, values, width, yerr=[np.zeros(len(rows)), upper], capsize=3, label=player)
    ax.set_xticks(np.arange(len(rows)))
    ax.set_xticklabels([name for name, _ in rows])
    ax.set_ylabel("regret (utility per month)")
    ax.set_title(f"{result.plan.game.spec.name}: what each player gains by deviating alone")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
