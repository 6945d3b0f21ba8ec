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
    lines = [f"{spec.name}: {len(plan.players)} players, {result.simulated} of {total} strategy profiles simulated "
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
    lines += _quantal_text(result)
    if result.complete:
        lines += _best_response_text(result)
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines)


def _quantal_text(result: GameResult) -> list[str]:
    """The logit QRE at a few rationalities: each player's most likely strategy and its probability."""
    branch = result.quantal_response
    if not branch:
        return []
    lines = ["", "Logit quantal response (each strategy chosen with probability proportional to exp(lambda x its "
                 "expected payoff); lambda per unit of monthly utility, 0 = choice at random):"]
    lambdas = np.array([q.rationality for q in branch])
    for target in (10.0, 100.0, 1_000.0, lambdas[-1]):
        if target > lambdas[-1]:
            continue
        point = branch[int(np.argmin(np.abs(lambdas - target)))]
        choices = ", ".join(f"{player} {names[int(np.argmax(m))]} {m.max():.2f}"
                            for player, names, m in zip(result.plan.players, result.plan.strategies, point.mixed,
                                                        strict=True))
        lines.append(f"  lambda {point.rationality:,.0f}: {choices}")
    return lines


def _best_response_text(result: GameResult) -> list[str]:
    plan = result.plan
    lines = ["", "Best responses: how often each strategy is a best response to the others' profiles"]
    for i, player in enumerate(plan.players):
        mask = result.best_responses(i)
        counts = np.moveaxis(mask, i, 0).reshape(plan.shape[i], -1).sum(axis=1)
        opponents = mask.size // plan.shape[i]
        lines.append(f"  {player}: " + ", ".join(f"{name} {int(c)}/{opponents}"
                                                 for name, c in zip(plan.strategies[i], counts, strict=True)))
    return lines


def _strategies(result: GameResult, mixed: list[np.ndarray]) -> dict[str, dict[str, float]]:
    return {p: dict(zip(names, map(float, m), strict=True))
            for p, names, m in zip(result.plan.players, result.plan.strategies, mixed, strict=True)}


def _equilibrium_payload(result: GameResult, eq: Equilibrium) -> dict:
    return {"strategies": _strategies(result, eq.mixed),
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
            "quantal_response": [{"lambda": q.rationality, "strategies": _strategies(result, q.mixed)}
                                 for q in result.quantal_response],
            "documented": None if result.documented is None else _equilibrium_payload(result, result.documented),
            "best_responses": _best_response_payload(result) if result.complete else None,
            "profiles": profiles, "notes": result.notes, "version": __version__, "provenance": provenance}


def _best_response_payload(result: GameResult) -> dict[str, list[dict]]:
    """For each player, its best strategies against each profile of the others."""
    plan = result.plan
    out = {}
    for i, player in enumerate(plan.players):
        mask = np.moveaxis(result.best_responses(i), i, -1)
        others = [q for q in plan.players if q != player]
        names = [n for j, n in enumerate(plan.strategies) if j != i]
        out[player] = [{"others": {q: names[j][k] for j, (q, k) in enumerate(zip(others, index, strict=True))},
                        "best": [plan.strategies[i][k] for k in np.flatnonzero(mask[index])]}
                       for index in np.ndindex(mask.shape[:-1])]
    return out


def plot_regrets(result: GameResult) -> Figure:
    """Each player's regret (with its 95% bootstrap bound) at each equilibrium and at the documented
    profile, each bar labelled with the player's best deviation: bars at zero are equilibria that
    noise does not undo."""
    from sim.analysis.games import deviation_table

    rows = [(f"equilibrium {k}", eq) for k, eq in enumerate(result.equilibria, 1)]
    if result.documented is not None:
        rows.append(("documented", result.documented))
    plan = result.plan
    players = plan.players
    fig = Figure(figsize=(2.0 + 3.2 * max(len(rows), 1), 4.6))
    ax = fig.subplots()
    width = 0.8 / len(players)
    top = max([float(eq.regret_upper.max()) for _, eq in rows if np.isfinite(eq.regret_upper).all()]
              + [float(eq.regret.max()) for _, eq in rows] + [1e-4])
    for j, player in enumerate(players):
        x = np.arange(len(rows)) + (j - (len(players) - 1) / 2) * width
        values = [eq.regret[j] for _, eq in rows]
        upper = [max(eq.regret_upper[j] - eq.regret[j], 0.0) for _, eq in rows]
        ax.bar(x, values, width, yerr=[np.zeros(len(rows)), upper], capsize=3, label=player, color=f"C{j}")
        for xk, (_, eq), value, extra in zip(x, rows, values, upper, strict=True):
            if value > 0:
                best = deviation_table(result, eq.mixed)[j]["best"]
                ax.text(xk, value + extra + 0.01 * top, f"→ {best}", rotation=90, ha="center", va="bottom", fontsize=7)
    for xk, (_, eq) in enumerate(rows):
        if eq.regret.max() == 0 and eq.is_pure:
            ax.text(xk, 0.05 * top, f"no player gains by deviating\n(an equilibrium in {eq.robustness:.0%} of resamples)",
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, top * 2.0)
    ax.set_xticks(np.arange(len(rows)))
    ax.set_xticklabels([f"{name}\n" + "\n".join(_profile_text(result, eq.mixed).split(", ")) for name, eq in rows],
                       fontsize=7)
    ax.set_ylabel("regret: gain from the best deviation alone\n(utility per month; bar: 95% bound)")
    ax.set_title(f"{plan.game.spec.name}: what each player gains by deviating alone\n"
                 f"({plan.worlds:,} worlds per profile, seed {plan.seed}; bounds from resampling the worlds)",
                 fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_bimatrix(result: GameResult) -> Figure:
    """A two-player game as two heatmaps, one per player's payoffs, each cell marked where that
    player's strategy is a best response; pure equilibria (best responses for both) are ringed."""
    plan = result.plan
    if len(plan.players) != 2:
        raise ValueError("a bimatrix needs a two-player game")
    rows, columns = plan.strategies
    equilibria = result.best_responses(0) & result.best_responses(1)
    fig = Figure(figsize=(2.2 + 2.4 * len(columns), 1.4 + 0.75 * len(rows)))
    axes = fig.subplots(1, 2, sharey=True)
    for i, ax in enumerate(axes):
        values = result.payoffs[i]
        image = ax.imshow(values, cmap="viridis", aspect="auto")
        best = result.best_responses(i)
        for r, c in np.ndindex(values.shape):
            mark = " *" if best[r, c] else ""
            bright = values[r, c] > values.min() + 0.6 * np.ptp(values)
            ax.text(c, r, f"{values[r, c]:.4f}{mark}\n± {result.standard_errors[i, r, c]:.4f}", ha="center",
                    va="center", fontsize=8, color="black" if bright else "white")
            if equilibria[r, c]:
                ax.add_patch(_ring(r, c))
        ax.set_xticks(range(len(columns)), columns, rotation=20, ha="right", fontsize=8)
        ax.set_yticks(range(len(rows)), rows, fontsize=8)
        ax.set_xlabel(f"{plan.players[1]}'s strategy")
        ax.set_title(f"{plan.players[i]}'s payoff (* best response)", fontsize=9)
        fig.colorbar(image, ax=ax, shrink=0.8, label="utility per month")
    axes[0].set_ylabel(f"{plan.players[0]}'s strategy")
    fig.suptitle(f"{plan.game.spec.name}: pure equilibria ringed ({plan.worlds:,} worlds per cell, seed {plan.seed})",
                 fontsize=10)
    fig.tight_layout()
    return fig


def _ring(row: int, column: int):
    from matplotlib.patches import Rectangle

    return Rectangle((column - 0.48, row - 0.48), 0.96, 0.96, fill=False, edgecolor="red", linewidth=2.5)


def plot_quantal_response(result: GameResult) -> Figure:
    """Each player's choice probabilities along the logit QRE branch, from random play (left) to the
    equilibrium the branch selects (right)."""
    plan, branch = result.plan, result.quantal_response
    if not branch:
        raise ValueError("the quantal response branch needs every profile simulated")
    lambdas = np.array([q.rationality for q in branch])
    fig = Figure(figsize=(3.6 * len(plan.players), 4.6))
    axes = np.atleast_1d(fig.subplots(1, len(plan.players), sharey=True))
    x = np.maximum(lambdas, lambdas[lambdas > 0].min() / 2 if (lambdas > 0).any() else 1.0)
    for i, (ax, player, names) in enumerate(zip(axes, plan.players, plan.strategies, strict=True)):
        for k, name in enumerate(names):
            ax.plot(x, [q.mixed[i][k] for q in branch], label=name)
        ax.set_xscale("log")
        ax.set_title(player, fontsize=12)
        ax.set_xlabel("rationality λ (per unit of monthly utility)", fontsize=10)
        ax.tick_params(labelsize=10)
        # under its panel: inside, "best" still put a legend over the lines of the last one
        ax.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("probability of choosing the strategy", fontsize=11)
    fig.suptitle(f"{plan.game.spec.name}: logit quantal response, from random choice to equilibrium", fontsize=13)
    fig.tight_layout()
    return fig
