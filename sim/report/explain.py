"""Follow one world month by month: pressure, war, the proposal, and why each party said yes or no.

World ``w`` of ``negsim explain --world w`` is world ``w`` of ``negsim run`` with the same seed;
:func:`sim.analysis.teaching.explain_world` traces it, this module only writes the account.
"""

from __future__ import annotations

import numpy as np

from sim.engine.build import Trace
from sim.engine.outputs import month_labels


def _reason(model, actor, record, i: int) -> str:
    """Why this actor decided as it did, in words."""
    a = record.assessments[actor.actor_id]
    x, settled, front = record.terms, record.settled, record.front
    crossed = [line for line, spec in zip(actor.red_lines.lines, actor.spec.red_lines, strict=True)
               if line.hard and actor.red_lines.crossed(line, x, settled, front)[i]]
    if crossed:
        spec = actor.spec.red_lines[actor.red_lines.lines.index(crossed[0])]
        return f"hard red line on {spec.issue}" + (f" ({spec.why})" if spec.why else "")
    for k, bound, upper in record.offers[actor.actor_id]:
        value = x[i, k]
        limit = float(np.broadcast_to(bound, (model.n_worlds,))[i])
        if settled[k] and (value > limit + 1e-9 if upper else value < limit - 1e-9):
            return f"beyond its offer on {model.facts.issue_names[k]} ({value:.2f} vs {limit:.2f})"
    surplus, noise = float(a.surplus[i]), float(record.noise[actor.actor_id][i])
    audience, blame = float(a.audience_cost[i]), float(a.blame_avoided[i])
    text = f"surplus {surplus:+.3f} = deal {float(a.deal_value[i]):.3f} - fighting {float(a.war_value[i]):.3f}"
    if audience:
        text += f" - audience cost {audience:.3f}"
    if blame:
        text += f" + blame avoided {blame:.3f}"
    outside = float(np.broadcast_to(a.outside, a.surplus.shape)[i])
    if outside:
        text += f" - (surplus of the ceasefire in force: {outside:+.3f})"
    if audience > 0 and (surplus > 0) != (surplus + audience > 0):
        text += f"; the audience cost ({audience:.3f}) of crossing a public red line decided it"
    if (surplus > 0) != (surplus + noise > 0):
        text += f"; a random shock of {noise:+.3f} tipped it"
    return text


def _package_kind(model, record) -> str:
    """What kind of package was on the table, in words."""
    open_issues = [issue for k, issue in enumerate(model.facts.issue_names) if not record.settled[k]]
    if record.package == "settlement":
        return ("Talks toward a settlement during the ceasefire (each party compares it with the ceasefire in "
                "force): the mediator's package")
    if record.package == "nash":
        kind = "the mediator's settlement of every issue" if not open_issues else "the mediator's ceasefire"
    else:
        kind = f"'{record.package}'"
    return kind + (f" (leaves open: {', '.join(open_issues)})" if open_issues else "")


def _describe_proposal(model, record, state, i: int, names: dict[str, str], bullet: str) -> list[str]:
    """The package put forward, any terms a supporter refused, each veto player's answer and why."""
    put_forward = record.terms if record.put_forward is None else record.put_forward
    terms = ", ".join(f"{issue} {put_forward[i, k]:.2f}" for k, issue in enumerate(model.facts.issue_names)
                      if record.settled[k])
    lines = [f"{bullet}Proposal: {_package_kind(model, record)}: {terms}"]
    for actor_id, refused in record.refused.items():
        if refused[i]:
            changed = ", ".join(f"{issue} {put_forward[i, k]:.2f}→{record.terms[i, k]:.2f}"
                                for k, issue in enumerate(model.facts.issue_names)
                                if abs(put_forward[i, k] - record.terms[i, k]) > 1e-9)
            lines.append(f"{bullet}  {names[actor_id]} refuses to deliver its terms ({changed or 'none moved'}); "
                         "the belligerents judge the package without them")
    if record.zone_empty is not None and record.zone_empty[i]:
        lines.append(f"{bullet}  (the red lines leave no zone of agreement on some issue)")
    for actor in model.agents:
        if not np.broadcast_to(record.veto[actor.actor_id], (model.n_worlds,))[i]:
            continue
        a = record.assessments[actor.actor_id]
        answer = "ACCEPTS" if a.accept[i] else "REJECTS"
        lines.append(
            f"{bullet}  {actor.name} {answer}: terms worth {float(a.utility[i]):.3f}, "
            f"{float(a.deal_value[i]):.3f} after the risk that the deal fails; fighting on "
            f"{float(a.war_value[i]):.3f} (war costs it {state['cost'][actor.actor_id]:.3f} a "
            f"month); {_reason(model, actor, record, i)}")
    if not record.agreed[i]:
        outcome = "no agreement" + ("; the ceasefire stays in force" if record.package == "settlement" else "")
    elif record.settles_all:
        outcome = "SETTLEMENT agreed: every issue settled, the fighting stops"
    else:
        outcome = "CEASEFIRE agreed: the fighting stops; the open issues go to later talks"
    lines.append(f"{bullet}Outcome: {outcome}.")
    return lines


def describe(explained: Trace, markdown: bool = False) -> str:
    """The month-by-month account as plain text, or as Markdown for handouts."""
    model, i, spec = explained.model, explained.index, explained.model.spec
    labels = month_labels(spec.start, len(explained.states))
    names = {a.actor_id: a.name for a in model.agents}
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    bullet = "- " if markdown else "  "
    lines = [f"{h1}Scenario '{spec.name}', world {explained.world} (seed {model.seed})", ""]
    if markdown:
        lines += ["Terms are on [0, 1]: 0 is Ukraine's position, 1 is Russia's. Values are utilities "
                  "(1 = an actor's ideal).", ""]
    previous = None
    for record, state, label in zip(model.state.rounds, explained.states, labels, strict=False):
        lines.append(f"{h2}Month {record.month} ({label})")
        changes = []
        for actor_id, levers in state["levers"].items():
            before = previous["levers"][actor_id] if previous else None
            moved = [f"{lever} {before[lever]:.2f}→{value:.2f}" for lever, value in levers.items()
                     if before and abs(before[lever] - value) > 1e-9]
            if moved:
                changes.append(f"{names[actor_id]}: " + ", ".join(moved))
        if previous is None:
            for actor_id, levers in state["levers"].items():
                shown = ", ".join(f"{k} {v:.2f}" for k, v in levers.items()
                                  if v and k not in ("relief_offer", "troop_offer"))
                lines.append(f"{bullet}{names[actor_id]} levers: {shown or 'none'}")
        elif changes:
            lines.append(f"{bullet}Pressure changed: " + "; ".join(changes))
        casualties = ", ".join(f"{names[a]} {c:,.0f}" for a, c in state["casualties"].items())
        lines.append(f"{bullet}War: front moved {state['advance']:,.0f} km² (occupied {state['occupied']:,.0f} "
                     f"km², position {state['front']:.3f}); casualties {casualties}; Russian strain "
                     f"{state['strain']:.2f}; aid {state['aid']:.2f}, intelligence {state['intelligence']:.2f}")
        beliefs = ", ".join(f"{names[a]} {v:.2f}" for a, v in state["victory"].items())
        lines.append(f"{bullet}Belief in decisive victory (after this month): {beliefs}")
        if record.broken is not None and record.broken[i]:
            lines.append(f"{bullet}The ceasefire broke down this month.")
        in_talks = record.settlement is not None and record.settlement.proposed[i]
        if not record.proposed[i] and not in_talks:
            reason = "a ceasefire is in force" if (previous and previous["in_ceasefire"] and not
                                                     (record.broken is not None and record.broken[i])) \
                else "no mediator engaged this month"
            lines.append(f"{bullet}No general proposal: {reason}.")
        else:
            lines += _describe_proposal(model, record, state, i, names, bullet)
        if record.settlement is not None and record.settlement.proposed[i]:
            lines += _describe_proposal(model, record.settlement, state, i, names, bullet)
        for deal, decision in record.partial.items():
            if decision.offered[i]:
                answers = ", ".join(f"{names[p]} {'yes' if decision.answers[p][i] else 'no'}"
                                    for p in model.state.partial[deal].spec.parties)
                lines.append(f"{bullet}Partial deal {deal.replace('_', ' ')}: {answers}")
            if decision.broken[i]:
                lines.append(f"{bullet}The {deal.replace('_', ' ')} broke down.")
        if previous:
            for actor_id in [a.actor_id for a in model.agents if a.role == "belligerent"]:
                if actor_id in state["war_value"]:
                    change = state["war_value"][actor_id] - previous["war_value"][actor_id]
                    if abs(change) > 0.002:
                        lines.append(f"{bullet}{names[actor_id]}'s value of fighting on "
                                     f"{'rose' if change > 0 else 'fell'} by {abs(change):.3f}.")
        lines.append("")
        previous = state
    return "\n".join(lines).rstrip() + "\n"


def describe_counterfactual(found) -> str:
    """What would have brought world ``found.world`` a ceasefire by month ``found.by``."""
    head = f"World {found.world}: "
    if found.changes == []:
        return head + f"a first ceasefire in month {found.base_month} already, by month {found.by}: nothing to change."
    as_is = (f"its first ceasefire comes in month {found.base_month}" if found.base_month
             else "no ceasefire within the horizon")
    lines = [head + f"{as_is}, not by month {found.by}.",
             f"Searched {len(found.searched)} parameters (each drawn parameter within its prior, each lever from 0 to 2) "
             f"on {found.copies:,} copies of this world, all meeting its own shocks."]
    if found.changes is None:
        lines.append(f"No change of one parameter, or of two among those that came closest, gives a ceasefire by "
                     f"month {found.by}: peace in this world needs more than that.")
        return "\n".join(lines)
    lines.append(f"The smallest change that gives a first ceasefire by month {found.by} (in month {found.month}):")
    for c in found.changes:
        lines.append(f"  {c.path}: {c.before:.4g} -> {c.after:.4g}  ({c.after - c.before:+.4g}, "
                     f"{c.share:.1%} of its range {c.low:g} to {c.high:g})")
    lines.append("Re-running the world with this change gives the ceasefire (checked).")
    return "\n".join(lines)
