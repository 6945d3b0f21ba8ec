// The classroom page. One code path for the live server and the static export: `api` either asks
// the server (127.0.0.1 only) or looks results up in window.NEGSIM_STATIC, precomputed on a grid.
"use strict";

const STATIC = window.NEGSIM_STATIC || null;
const $ = (id) => document.getElementById(id);

const state = { scenario: null, meta: null, values: {}, worlds: null, sequence: 0, peaceIndex: 0, forecast: null };

// ---------------------------------------------------------------- data sources

async function ask(url, body) {
  const response = await fetch(url, body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok || data.error) throw new Error(data.error || `the server answered ${response.status}`);
  return data;
}

const liveApi = {
  scenarios: () => ask("/api/scenarios"),
  controls: (scenario) => ask(`/api/controls?scenario=${encodeURIComponent(scenario)}`),
  forecast: (s) => ask("/api/forecast", { scenario: s.scenario, values: s.values, worlds: s.worlds }),
  bargain: (s, issues, month, world) => ask("/api/bargain", { scenario: s.scenario, values: s.values, issues, month, world }),
  story: (s, world) => ask("/api/story", { scenario: s.scenario, values: s.values, world }),
  lesson: (file) => `/lessons/${file}`,
};

function gridKey(values) {
  return STATIC.grid.keys.map((k) => String(values[k] ?? STATIC.grid.written[k])).join("|");
}

function precomputed(values) {
  const found = STATIC.results[gridKey(values)];
  if (!found) throw new Error("this setting was not precomputed for the exported page");
  return found;
}

const staticApi = {
  scenarios: async () => ({ scenarios: [STATIC.scenario], first: STATIC.scenario, interactive_worlds: STATIC.worlds,
                            precise_worlds: null, lessons: false }),
  controls: async () => STATIC.controls,
  forecast: async (s) => precomputed(s.values).forecast,
  bargain: async (s) => precomputed(s.values).bargain,
  story: async (s, world) => {
    const found = precomputed(s.values);
    if (world === found.peace_story?.world) return found.peace_story;
    if (world === found.story.world) return found.story;
    throw new Error(`the exported page has the story of world ${found.story.world} and of one world where peace comes`);
  },
  lesson: () => null,
};

const api = STATIC ? staticApi : liveApi;

// ---------------------------------------------------------------- messages

function showError(error) {
  const box = $("message");
  box.textContent = String(error.message || error);
  box.hidden = false;
}

function clearError() {
  $("message").hidden = true;
  $("message").textContent = "";
}

// ---------------------------------------------------------------- controls

function format(value) {
  return typeof value === "number" ? String(Math.round(value * 1000) / 1000) : String(value);
}

function gridValues(control) {
  return STATIC ? STATIC.grid.values[control.key] || null : null;
}

function renderControls() {
  const box = $("controls");
  box.replaceChildren();
  const groups = new Map();
  for (const control of state.meta.controls) {
    if (STATIC && !gridValues(control)) continue;
    if (!groups.has(control.group)) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = control.group;
      fieldset.append(legend);
      groups.set(control.group, fieldset);
      box.append(fieldset);
    }
    groups.get(control.group).append(controlElement(control));
  }
  if (STATIC) {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = `This exported page was precomputed on a grid of ${STATIC.grid.keys.length} controls ` +
      `(${Object.keys(STATIC.results).length} settings, ${STATIC.worlds} worlds each); run "negsim serve" for every control.`;
    box.prepend(note);
  }
}

function controlElement(control) {
  const div = document.createElement("div");
  div.className = "control";
  div.dataset.key = control.key;
  const top = document.createElement("div");
  top.className = "top";
  const label = document.createElement("label");
  label.textContent = control.label;
  label.title = control.help;
  top.append(label);
  const lesson = api.lesson(control.lesson);
  const link = document.createElement(lesson ? "a" : "span");
  if (lesson) { link.href = lesson; link.target = "_blank"; }
  link.className = "note";
  link.textContent = control.lesson_title;
  top.append(link);
  div.append(top);
  const id = "c-" + control.key.replaceAll(".", "-");
  label.htmlFor = id;
  const grid = gridValues(control);
  if (control.choices.length) {
    const select = document.createElement("select");
    select.id = id;
    for (const choice of control.choices) select.add(new Option(choice, choice, false, choice === control.written));
    select.addEventListener("change", () => setValue(control, select.value));
    div.append(select);
  } else {
    const range = document.createElement("input");
    range.type = "range";
    range.id = id;
    const number = document.createElement("input");
    number.type = "number";
    number.step = "any";
    number.value = format(control.written);
    number.setAttribute("aria-label", control.label + " (value)");
    if (grid) {
      range.min = 0; range.max = grid.length - 1; range.step = 1;
      range.value = Math.max(0, grid.findIndex((v) => Math.abs(v - control.written) < 1e-9));
      number.readOnly = true;
      range.addEventListener("input", () => {
        number.value = format(grid[Number(range.value)]);
        setValue(control, grid[Number(range.value)]);
      });
    } else {
      range.min = control.low; range.max = control.high; range.step = control.step;
      range.value = control.written;
      range.addEventListener("input", () => { number.value = range.value; setValue(control, Number(range.value)); });
      number.addEventListener("change", () => {
        const value = number.value.trim() === "" ? NaN : Number(number.value);
        range.value = value;
        setValue(control, Number.isFinite(value) ? value : number.value);
      });
    }
    const row = document.createElement("div");
    row.className = "top";
    row.append(range, number);
    div.append(row);
  }
  const note = document.createElement("div");
  note.className = "note";
  note.textContent = control.prior ? `as written: a prior on [${control.prior[0]}, ${control.prior[1]}], mean ${format(control.written)}`
    : `as written: ${format(control.written)}`;
  div.append(note);
  return div;
}

function setValue(control, value) {
  const moved = value !== control.written && !(typeof value === "number" && Math.abs(value - control.written) < 1e-9);
  if (moved) state.values[control.key] = value; else delete state.values[control.key];
  document.querySelector(`.control[data-key="${control.key}"]`)?.classList.toggle("moved", moved);
  schedule();
}

// ---------------------------------------------------------------- updating

let timer = null;
function schedule(worlds) {
  clearTimeout(timer);
  timer = setTimeout(() => update(worlds), 120);
}

function issues() {
  return [$("issue-x").value, $("issue-y").value];
}

async function update(worlds) {
  const sequence = ++state.sequence;
  const settings = { scenario: state.scenario, values: { ...state.values }, worlds: worlds || state.meta.interactive_worlds };
  const world = Number($("world").value);
  const month = Number($("month").value);
  commandLine(settings);
  try {
    const [forecast, bargain] = await Promise.all([api.forecast(settings), api.bargain(settings, issues(), month, world)]);
    if (sequence !== state.sequence) return;  // a newer change is on its way
    clearError();
    state.forecast = forecast;
    state.peaceIndex = 0;
    drawCurve(forecast);
    drawBargain(bargain);
    await tellStory(world, sequence);
    document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
  } catch (error) {
    if (sequence === state.sequence) showError(error);
  }
}

async function tellStory(world, sequence) {
  const story = await api.story({ scenario: state.scenario, values: { ...state.values } }, world);
  if (sequence !== state.sequence) return;
  $("story").textContent = story.text;
  $("story-note").textContent = `World ${story.world} of the run with these settings.`;
}

function commandLine(settings) {
  const sets = Object.entries(settings.values).map(([k, v]) => ` --set ${k}=${v}`).join("");
  $("command").textContent = `negsim run scenarios/${state.scenario}${sets} --worlds ${settings.worlds}`;
}

// ---------------------------------------------------------------- pictures

const percent = (xs) => xs.map((x) => 100 * x);

function band(x, low, high, colour, name) {
  return [
    { x, y: percent(high), mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: name },
    { x, y: percent(low), mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: colour, hoverinfo: "skip",
      name: name + ": 95% band", legendgroup: name },
  ];
}

function drawCurve(f) {
  const x = f.months;
  const traces = [
    ...band(x, f.defaults.low, f.defaults.high, "rgba(120,120,120,0.25)", "as written"),
    { x, y: percent(f.defaults.p), mode: "lines", line: { color: "#555", shape: "hv", dash: "dash" }, name: "as written" },
    ...band(x, f.current.low, f.current.high, "rgba(31,119,180,0.25)", "your settings"),
    { x, y: percent(f.current.p), mode: "lines", line: { color: "#1f77b4", shape: "hv", width: 2.5 }, name: "your settings" },
  ];
  const layout = {
    margin: { t: 10, r: 10, b: 45, l: 55 }, yaxis: { title: { text: "P(first ceasefire by month), %" }, range: [0, 100] },
    xaxis: { title: { text: "month" } }, legend: { orientation: "h", y: -0.2 },
  };
  Plotly.react("curve", traces, layout, { displaylogo: false, responsive: true });
  const last = x.length - 1;
  const d = f.difference;
  const points = (v) => (100 * v).toFixed(1);
  $("difference").textContent = `By ${x[last]}: ${points(f.current.p[last])}% with your settings, ` +
    `${points(f.defaults.p[last])}% as written; difference ${d.mean[last] >= 0 ? "+" : ""}${points(d.mean[last])} points ` +
    `(95% interval ${points(d.low[last])} to ${points(d.high[last])}), paired over the same ${f.worlds} worlds.`;
  $("worlds-note").textContent = `${f.worlds} worlds per update: each probability within about ` +
    `±${(100 * 1.96 * Math.sqrt(0.25 / f.worlds)).toFixed(1)} points (95%, at worst); the paired difference is tighter.`;
}

function decode(bits, nx, ny) {
  // bits: the first issue varies slowest; plotly wants z[row = y][column = x]
  const z = Array.from({ length: ny }, () => new Array(nx));
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) z[j][i] = bits.charCodeAt(i * ny + j) - 48;
  return z;
}

function drawBargain(b) {
  const nx = b.x.length, ny = b.y.length;
  const colours = state.meta.colours || {};
  const traces = [];
  traces.push({ type: "heatmap", x: b.x, y: b.y, z: decode(b.zone, nx, ny), showscale: false, hoverinfo: "skip",
                colorscale: [[0, "rgba(0,0,0,0)"], [1, "rgba(46,160,67,0.45)"]], zmin: 0, zmax: 1,
                name: "zone of possible agreement", showlegend: true });
  for (const [actor, bits] of Object.entries(b.accept)) {
    traces.push({ type: "contour", x: b.x, y: b.y, z: decode(bits, nx, ny), showscale: false, hoverinfo: "skip",
                  contours: { start: 0.5, end: 0.5, size: 1, coloring: "lines" }, line: { width: 2.5 },
                  colorscale: [[0, colours[actor] || "#7570b3"], [1, colours[actor] || "#7570b3"]],
                  name: `${b.names[actor]} accepts inside this line`, showlegend: true });
  }
  traces.push({ x: b.curve[0], y: b.curve[1], mode: "lines", line: { color: "black", dash: "dash", width: 1.3 },
                name: "contract curve (Russia and Ukraine)" });
  for (const [actor, point] of Object.entries(b.ideals)) {
    traces.push({ x: [point[0]], y: [point[1]], mode: "markers", name: `${b.names[actor]}'s ideal`,
                  marker: { size: 11, color: colours[actor] || "#7570b3", line: { color: "black", width: 1 } } });
  }
  traces.push({ x: [b.proposal[0]], y: [b.proposal[1]], mode: "markers", name: "mediator's proposal",
                marker: { symbol: "star", size: 18, color: "gold", line: { color: "black", width: 1 } } });
  const layout = {
    // The legend below the chart: at the top right it sat under plotly's toolbar and over the chart.
    margin: { t: 10, r: 10, b: 45, l: 55 }, legend: { font: { size: 10 }, orientation: "h", x: 0, y: -0.16, yanchor: "top" },
    xaxis: { title: { text: `${b.issues[0]} (0 = Ukraine's position, 1 = Russia's)` }, range: [-0.02, 1.02] },
    yaxis: { title: { text: b.issues[1] }, range: [-0.02, 1.02] },
  };
  Plotly.react("bargain", traces, layout, { displaylogo: false, responsive: true });
  $("bargain").dataset.proposal = b.proposal.map((v) => v.toFixed(4)).join(",");
  const zone = b.has_zone ? `a zone of possible agreement (${(100 * b.zone_share).toFixed(1)}% of the square)`
    : "no zone of possible agreement: no package here satisfies both belligerents";
  const refused = b.refused_by.length ? `; ${b.refused_by.join(", ")} refused to deliver their terms` : "";
  $("bargain-note").textContent = `World ${$("world").value}, ${b.label} (month ${b.month}): ${zone}. ` +
    `The other issues are held at the month's proposal; the mediator searched ${b.search === "box" ? "every issue" : "the contract curve"}${refused}.`;
}

// ---------------------------------------------------------------- set-up

async function loadScenario(name) {
  state.scenario = name;
  state.values = {};
  const meta = await api.controls(name);
  state.meta = { ...meta, interactive_worlds: state.interactive };
  renderControls();
  for (const id of ["issue-x", "issue-y"]) {
    const select = $(id);
    select.replaceChildren(...meta.issues.map((i) => new Option(i, i)));
  }
  const preferred = STATIC ? STATIC.issues : [meta.issues.includes("territory") ? "territory" : meta.issues[0],
    meta.issues.includes("guarantees") ? "guarantees" : meta.issues[1]];
  $("issue-x").value = preferred[0];
  $("issue-y").value = preferred[1];
  $("month").max = meta.horizon;
  if (STATIC) {
    $("month").value = STATIC.month;
    for (const id of ["issue-x", "issue-y", "month", "world"]) $(id).disabled = true;
  }
  await update();
}

async function main() {
  try {
    const listing = await api.scenarios();
    state.interactive = listing.interactive_worlds;
    const picker = $("scenario");
    picker.replaceChildren(...listing.scenarios.map((s) => new Option(s, s)));
    picker.value = listing.first;
    picker.disabled = Boolean(STATIC);
    picker.addEventListener("change", () => loadScenario(picker.value).catch(showError));
    $("reset").addEventListener("click", () => loadScenario(state.scenario).catch(showError));
    if (listing.precise_worlds) {
      $("precise").textContent = `Precise run (${listing.precise_worlds.toLocaleString("en")} worlds, a few seconds)`;
      $("precise").addEventListener("click", () => update(listing.precise_worlds));
    } else {
      $("precise").hidden = true;
    }
    for (const id of ["issue-x", "issue-y", "month", "world"]) $(id).addEventListener("change", () => schedule());
    $("peace").addEventListener("click", showPeace);
    await loadScenario(listing.first);
  } catch (error) {
    showError(error);
  }
}

async function showPeace() {
  const worlds = state.forecast?.peace_worlds || [];
  if (!worlds.length) {
    showError("No world reaches a ceasefire within the horizon with these settings.");
    return;
  }
  const world = worlds[state.peaceIndex % worlds.length];
  state.peaceIndex += 1;
  $("world").value = world;
  try {
    clearError();
    await tellStory(world, state.sequence);
    if (!STATIC) {  // the export holds one world's bargain per setting
      drawBargain(await api.bargain({ scenario: state.scenario, values: { ...state.values } }, issues(),
                                    Number($("month").value), world));
    }
  } catch (error) {
    showError(error);
  }
}

main();
