"""Pictures of the bargain in one world and month: acceptance sets, contract curve, proposal, ZOPA.

* Two issues: each veto player's acceptance set projected on the two issues (the other terms held
  at that month's proposal), the belligerents' contract curve, the proposal, and the zone of
  possible agreement (where every veto player accepts), or its absence.
* One issue: Fearon's line diagram (the deals each party accepts along the issue, its hard red line,
  the outcome each belligerent expects from fighting, the bargaining range or its absence) above the
  surplus curves it is read from.
* ``after``: the same world and month under another scenario (common random numbers), side by side,
  so a student sees how pressure moves the zone.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.analysis.teaching import BargainView

from .plots import ACTOR_COLOURS, issue_label, possessive


def _draw_2d(ax: Axes, view: BargainView, issue_index: dict[str, int]) -> None:
    """Each party's acceptance boundary as a line (no stacked fills), its hard red lines dotted, the zone
    of agreement in one colour, the contract curve, the ideals and the proposal, every one in the legend."""
    kx, ky = (issue_index[i] for i in view.issues)
    zone = view.zone
    if zone.any():
        ax.contourf(view.axes[0], view.axes[1], zone.T.astype(float), levels=[0.5, 1.5], colors=["gold"], alpha=0.55)
        ax.fill([], [], color="gold", alpha=0.55, label="zone of agreement (every party whose consent makes the deal "
                                                             "accepts)")
    for actor, accepted in view.accept.items():
        colour = ACTOR_COLOURS.get(actor, "#7570b3")
        if accepted.any() and not accepted.all():
            ax.contour(view.axes[0], view.axes[1], accepted.T.astype(float), levels=[0.5], colors=[colour],
                       linewidths=1.8)
            ax.plot([], [], color=colour, lw=1.8, label=f"{view.names[actor]}: edge of what it accepts")
        ruled_out = np.isnan(view.surplus[actor])
        if ruled_out.any() and not ruled_out.all():
            ax.contour(view.axes[0], view.axes[1], ruled_out.T.astype(float), levels=[0.5], colors=[colour],
                       linewidths=2.5, linestyles=":")
            ax.plot([], [], color=colour, lw=2.5, ls=":", label=f"{possessive(view.names[actor])} hard red line")
    ax.plot(view.curve[:, kx], view.curve[:, ky], color="black", lw=1.2, ls="--",
            label="the belligerents' contract curve (held inside the red lines)")
    for actor, ideal in view.ideals.items():
        if actor in ("russia", "ukraine") or actor in view.accept:
            ax.scatter(ideal[kx], ideal[ky], marker="o", s=60, color=ACTOR_COLOURS.get(actor, "#7570b3"),
                       edgecolor="black", zorder=4, label=f"{possessive(view.names[actor])} ideal")
    proposed = view.proposal if view.put_forward is None else view.put_forward
    where = "searching every issue" if view.search == "box" else "on the contract curve"
    ax.scatter(proposed[kx], proposed[ky], marker="*", s=220, color="white", edgecolor="black",
               zorder=5, label=f"mediator's proposal ({where})")
    if view.refused_by:
        ax.scatter(view.proposal[kx], view.proposal[ky], marker="D", s=70, color="white", edgecolor="black",
                   zorder=6, label=f"without the terms {', '.join(view.refused_by)} refused")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"{issue_label(view.issues[0])}  (0 = Ukraine's position, 1 = Russia's)")
    ax.set_ylabel(f"{issue_label(view.issues[1])}  (0 = Ukraine's position, 1 = Russia's)")
    status = "a zone of possible agreement" if zone.any() else "NO zone of possible agreement"
    ax.set_title(f"{view.scenario}, {view.label}: {status}", fontsize=10)
    ax.grid(alpha=0.2)


def _edges(mask: np.ndarray, xs: np.ndarray) -> list[float]:
    """Where a boolean mask along ``xs`` switches (the midpoint between the grid points either side)."""
    change = np.flatnonzero(np.diff(mask.astype(int)))
    return [float((xs[i] + xs[i + 1]) / 2) for i in change]


def _draw_line_diagram(ax: Axes, view: BargainView, k: int) -> None:
    """Fearon's line diagram: along the issue, the deals each party accepts, its hard red line, the outcome
    each belligerent expects from fighting, and the bargaining range where the sets overlap (or its absence)."""
    xs = view.axes[0]
    actors = list(view.accept)
    rows = {actor: len(actors) - i for i, actor in enumerate(actors)}
    for actor, row in rows.items():
        colour = ACTOR_COLOURS.get(actor, "#7570b3")
        ok = view.accept[actor]
        ax.fill_between(xs, row - 0.18, row + 0.18, where=ok, color=colour, alpha=0.85, lw=0, step="mid")
        for edge in _edges(np.isnan(view.surplus[actor]), xs):
            ax.plot([edge, edge], [row - 0.38, row + 0.38], color="black", lw=2.5)
        if actor in view.war_outcome:
            ax.plot(view.war_outcome[actor], row, marker="v", color="black", ms=9, mfc=colour, zorder=4)
    zone = view.zone
    if zone.any():
        ax.fill_between(xs, -0.18, 0.18, where=zone, color="gold", step="mid")
        low, high = xs[zone].min(), xs[zone].max()
        if zone.sum() == 1:  # one grid point (often the front itself): a bar, not a zero-width fill
            ax.plot([low, low], [-0.3, 0.3], color="gold", lw=6, solid_capstyle="butt")
        text = f"the single point {low:.3f}" if zone.sum() == 1 else f"[{low:.2f}, {high:.2f}]"
        ax.text(0.02, 0, text, ha="left", va="center", fontsize=9)
    else:
        ax.text(0.02, 0, "none: the belligerents' sets do not overlap", ha="left", va="center", fontsize=9)
    ax.plot(view.proposal[k], 0, marker="*", ms=14, color="white", mec="black", zorder=5)
    ax.set_yticks([0, *rows.values()], ["bargaining range", *(view.names[a] for a in rows)])
    ax.set_ylim(-0.6, len(actors) + 0.6)
    ax.set_xlim(0, 1)
    ax.grid(axis="x", alpha=0.2)
    handles = [Patch(color="#999999", label="deals it accepts (worth more than fighting on)"),
               Line2D([], [], color="black", lw=2.5, label="hard red line (no deal beyond it)"),
               Line2D([], [], marker="v", color="black", lw=0, mfc="#999999", ms=9,
                      label="where it expects fighting to leave the line"),
               Patch(color="gold", label="bargaining range"),
               Line2D([], [], marker="*", color="white", mec="black", lw=0, ms=14, label="mediator's proposal")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    status = "a bargaining range" if zone.any() else "no bargaining range"
    ax.set_title(f"{view.scenario}, {view.label}: {status} (Fearon's line diagram)", fontsize=10)


def _draw_surplus(ax: Axes, view: BargainView) -> None:
    """Each party's surplus of the deal over fighting on along the issue (blank beyond a hard red line)."""
    xs = view.axes[0]
    for actor, surplus in view.surplus.items():
        ax.plot(xs, surplus, color=ACTOR_COLOURS.get(actor, "#7570b3"), lw=2,
                label=f"{view.names[actor]}: deal minus fighting on")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"{issue_label(view.issues[0])}  (0 = Ukraine's position, 1 = Russia's); other terms as proposed")
    ax.set_ylabel("surplus over fighting on\n(utility a month)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    ax.grid(alpha=0.2)


def plot_bargain(views: list[BargainView], issue_index: dict[str, int]) -> Figure:
    """One column per view (a scenario, or before and after a strategy). Two issues: the acceptance
    sets in the plane. One issue: Fearon's line diagram above the surplus curves it is read from."""
    if len(views[0].issues) == 2:
        fig = Figure(figsize=(6.4 * len(views), 7.2))
        axes = fig.subplots(1, len(views), squeeze=False)[0]
        for ax, view in zip(axes, views, strict=True):
            _draw_2d(ax, view, issue_index)
        handles = {}
        for ax in axes:  # every entry once, from whichever panel has it
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, handle)
        fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=2, frameon=False, fontsize=8,
                   bbox_to_anchor=(0.5, 0.03))
        fig.text(0.5, 0.01, "Each party accepts the side of its edge that holds its ideal; the other issues are held at "
                 "the month's proposal.", ha="center", fontsize=8)
        fig.tight_layout(rect=(0, 0.2, 1, 1))
        return fig
    fig = Figure(figsize=(9.5 * len(views), 6.4))
    axes = fig.subplots(2, len(views), squeeze=False, gridspec_kw={"height_ratios": [1, 1.3]})
    for column, view in enumerate(views):
        _draw_line_diagram(axes[0][column], view, issue_index[view.issues[0]])
        _draw_surplus(axes[1][column], view)
    fig.tight_layout()
    return fig
