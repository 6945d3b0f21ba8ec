"""Pictures of the bargain in one world and month: acceptance sets, contract curve, proposal, ZOPA.

* Two issues: each veto player's acceptance set projected on the two issues (the other terms held
  at that month's proposal), the belligerents' contract curve, the proposal, and the zone of
  possible agreement (where every veto player accepts), or its absence.
* One issue: a bargaining-range diagram in Fearon's style: each party's surplus over fighting on
  along the issue, the range both accept, and the outcome each expects from fighting.
* ``after``: the same world and month under another scenario (common random numbers), side by side,
  so a student sees how pressure moves the zone.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.teaching import BargainView

from .plots import ACTOR_COLOURS


def _draw_2d(ax: Axes, view: BargainView, issue_index: dict[str, int]) -> None:
    kx, ky = (issue_index[i] for i in view.issues)
    extent = (0, 1, 0, 1)
    for actor, accepted in view.accept.items():
        colour = ACTOR_COLOURS.get(actor, "#7570b3")
        ax.contourf(view.axes[0], view.axes[1], accepted.T.astype(float), levels=[0.5, 1.5],
                    colors=[colour], alpha=0.12)
        ax.contour(view.axes[0], view.axes[1], accepted.T.astype(float), levels=[0.5], colors=[colour],
                   linewidths=1.5)
        ax.plot([], [], color=colour, lw=6, alpha=0.35, label=f"{view.names[actor]} accepts")
    zone = view.zone
    if zone.any():
        ax.contourf(view.axes[0], view.axes[1], zone.T.astype(float), levels=[0.5, 1.5], colors="none",
                    hatches=["xx"], extent=extent)
        ax.plot([], [], color="black", lw=0, marker="s", markerfacecolor="none", label="zone of agreement")
    ax.plot(view.curve[:, kx], view.curve[:, ky], color="black", lw=1.2, ls="--", label="contract curve")
    for actor, ideal in view.ideals.items():
        if actor in ("russia", "ukraine") or actor in view.accept:
            ax.scatter(ideal[kx], ideal[ky], marker="o", s=60, color=ACTOR_COLOURS.get(actor, "#7570b3"),
                       edgecolor="black", zorder=4)
    proposed = view.proposal if view.put_forward is None else view.put_forward
    where = "searching every issue" if view.search == "box" else "on the contract curve"
    ax.scatter(proposed[kx], proposed[ky], marker="*", s=220, color="gold", edgecolor="black",
               zorder=5, label=f"mediator's proposal ({where})")
    if view.refused_by:
        ax.scatter(view.proposal[kx], view.proposal[ky], marker="D", s=70, color="white", edgecolor="black",
                   zorder=6, label=f"without the terms {', '.join(view.refused_by)} refused")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"{view.issues[0]}  (0 = Ukraine's position, 1 = Russia's)")
    ax.set_ylabel(view.issues[1])
    status = "zone of possible agreement" if zone.any() else "NO zone of possible agreement"
    ax.set_title(f"{view.scenario}, {view.label}: {status}", fontsize=10)
    ax.grid(alpha=0.2)


def _draw_1d(ax: Axes, view: BargainView) -> None:
    xs = view.axes[0]
    for actor, surplus in view.surplus.items():
        colour = ACTOR_COLOURS.get(actor, "#7570b3")
        ax.plot(xs, surplus, color=colour, lw=2, label=f"{view.names[actor]}: deal minus fighting on")
        ok = view.accept[actor]
        ax.fill_between(xs, 0, 1, where=ok, transform=ax.get_xaxis_transform(), color=colour, alpha=0.08)
    zone = view.zone
    if zone.sum() == 1:
        ax.axvline(xs[zone][0], color="goldenrod", lw=4, alpha=0.7,
                   label=f"bargaining range: the single point {xs[zone][0]:.3f}")
    elif zone.any():
        ax.fill_between(xs, 0, 1, where=zone, transform=ax.get_xaxis_transform(), color="gold", alpha=0.35,
                        label=f"bargaining range [{xs[zone].min():.2f}, {xs[zone].max():.2f}]")
    for actor, outcome in view.war_outcome.items():
        ax.axvline(outcome, color=ACTOR_COLOURS.get(actor, "black"), ls=":", lw=1.5,
                   label=f"{view.names[actor]} expects from fighting")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"{view.issues[0]}  (0 = Ukraine's position, 1 = Russia's); other terms as proposed")
    ax.set_ylabel("surplus over fighting on (utility)")
    status = "bargaining range" if zone.any() else "no bargaining range"
    ax.set_title(f"{view.scenario}, {view.label}: {status} (Fearon)", fontsize=10)
    ax.grid(alpha=0.2)


def plot_bargain(views: list[BargainView], issue_index: dict[str, int]) -> Figure:
    """One panel per view (a scenario, or before and after a strategy)."""
    fig = Figure(figsize=(6.2 * len(views), 5.6))
    axes = fig.subplots(1, len(views), squeeze=False)
    for ax, view in zip(axes[0], views, strict=True):
        if len(view.issues) == 2:
            _draw_2d(ax, view, issue_index)
        else:
            _draw_1d(ax, view)
    handles, labels = axes[0][-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    return fig
