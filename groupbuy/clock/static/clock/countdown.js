// The countdown every page with a deadline uses (deals now, demands later).
//
// <span data-module="countdown" data-deadline-ms="1767225600000"
//       data-server-now-ms="…"></span>
//
// One clock per page: it talks to ws/clock/ (socket.js: reconnecting, and
// replacing a connection gone silent; on connect a burst of 8 to 64 probes
// back to back until another would hardly help, the lowest round trip kept; then
// a probe whenever the stated bound has widened, at most one a second and at
// least one every 30 s; drift fitted once the window spans minutes; a new burst
// when the tab becomes visible, the network returns or the wall clock jumps) and
// slews its offset by at most 0.5 ms a tick unless it is off by more than 100 ms
// (during the first burst it steps to each better estimate). Until the first sync it uses the page's
// render time (data-server-now-ms). Every countdown changes on the exact server
// second (requestAnimationFrame after a timer). Its error bound is no part of
// the text a shopper reads: it is the digits' tooltip and data-bound-ms, and
// neither once the countdown has ended.
// Deadlines are absolute epoch ms; applyDeadline() takes a pushed change and
// drops it when it arrived more than a second late (event "countdown:late").
// At zero the element fires "countdown:ended"; given a later deadline after
// that, "countdown:resumed" (and "countdown:ended" again at the new zero).
// Screen readers never hear the ticking digits (aria-hidden): a hidden text beside
// them says the time left in words, changed only at the moments of announce.js;
// with data-announce on the element it is a polite live region (docs/clock.md).
// data-counts-to="start" counts down to a start, and the words say so ("Starts
// in less than 2 hours", not "Less than 2 hours left").
import { announcementMoment, momentKey } from "./announce.js";
import { openClockSocket } from "./socket.js";
import {
  SyncWindow,
  bestSample,
  burstDone,
  clockJumped,
  isLate,
  nextTickAt,
  probeDue,
  sampleFrom,
  secondsLeft,
  slew,
} from "./sync.js";
import { boundShown, formatRemaining, spokenRemaining } from "./words.js";

export { boundShown, formatRemaining, spokenRemaining };

const PROBE_TIMEOUT_MS = 3000;
const JUMP_CHECK_MS = 1000; // also how often probeDue is asked

const clock = {
  window: new SyncWindow(),
  appliedOffsetMs: null, // server minus client, as the display uses it
  isStepNeeded: true, // the first sync (and one after a clock jump) steps
};
const countdowns = new Set();
let socket = null; // openClockSocket's, once a countdown starts the clock
let nextProbeId = 1;
const pendingProbes = new Map();
let burst = null;
let probing = false; // a periodic probe awaits its reply
let lastProbeMs = null;
let refused = false; // the server said too_many_probes
let tickTimer = null;
let tickFrame = null;

const clientNowMs = () => performance.timeOrigin + performance.now();

export function serverNowMs() {
  return clientNowMs() + (clock.appliedOffsetMs ?? 0);
}

export function errorBoundMs() {
  if (!clock.window.isSynced) return null;
  const now = clientNowMs();
  const target = clock.window.offsetAt(now);
  return clock.window.errorBoundMs(now) + Math.abs(target - clock.appliedOffsetMs);
}

// --- the time-sync socket ---------------------------------------------------

function answer(data) {
  const t3 = clientNowMs();
  let reply;
  try {
    reply = JSON.parse(data);
  } catch {
    return;
  }
  const waiting = reply && pendingProbes.get(reply.id);
  if (reply.type === "clock.reply" && waiting) {
    waiting(sampleFrom(reply.t0, reply.t1, reply.t2, t3));
  } else if (reply.type === "clock.error" && waiting) {
    refused = reply.code === "too_many_probes";
    waiting(null);
  }
}

function lost() {
  for (const waiting of pendingProbes.values()) waiting(null);
}

function probe() {
  return new Promise((resolve) => {
    if (!socket?.isOpen) {
      resolve(null);
      return;
    }
    const id = nextProbeId++;
    const timer = window.setTimeout(() => finish(null), PROBE_TIMEOUT_MS);
    function finish(sample) {
      window.clearTimeout(timer);
      pendingProbes.delete(id);
      resolve(sample);
    }
    pendingProbes.set(id, finish);
    lastProbeMs = clientNowMs();
    socket.send({ type: "clock.probe", id, t0: lastProbeMs });
  });
}

// A burst of probes back to back (each sent when the last reply came) until
// burstDone; each joins the window as it comes, the best ends the round. The
// first burst steps the display to every better estimate (nothing to slew from).
export function resync() {
  if (burst) return burst;
  burst = (async () => {
    const samples = [];
    refused = false;
    let lostInARow = 0;
    for (let sent = 1; ; sent++) {
      const sample = await probe();
      lostInARow = sample ? 0 : lostInARow + 1;
      if (sample) {
        samples.push(sample);
        clock.window.addProbe(sample);
        if (clock.isStepNeeded) clock.appliedOffsetMs = clock.window.offsetAt(clientNowMs());
      }
      // (a dead socket or a refusing server ends it; the schedule tries again)
      if (refused || lostInARow >= 3 || burstDone(clock.window, samples, sent)) break;
    }
    if (samples.length) synced(bestSample(samples));
  })().finally(() => {
    burst = null;
  });
  return burst;
}

function synced(best) {
  clock.window.addRound(best);
  if (clock.isStepNeeded) {
    clock.appliedOffsetMs = clock.window.offsetAt(clientNowMs());
    clock.isStepNeeded = false;
  }
  renderAll();
}

// Asked every second: a probe when the bound has widened (probeDue).
async function maybeProbe() {
  if (burst || probing || !clock.window.isSynced || lastProbeMs === null) return;
  if (!probeDue(clock.window, clientNowMs(), lastProbeMs)) return;
  probing = true;
  try {
    const sample = await probe();
    if (sample) {
      clock.window.add(sample);
      renderAll();
    }
  } finally {
    probing = false;
  }
}

function watchForClockJumps() {
  let previousGap = null;
  let previousCheck = clientNowMs();
  window.setInterval(() => {
    const now = clientNowMs();
    const gap = Date.now() - now;
    // A jump of the wall clock against the monotonic one, or a timer that fired
    // far too late (the machine slept): old samples no longer hold.
    if (clockJumped(previousGap, gap) || now - previousCheck > JUMP_CHECK_MS * 5) {
      clock.window.clear();
      clock.isStepNeeded = true;
      resync();
    } else {
      maybeProbe();
    }
    previousGap = gap;
    previousCheck = now;
  }, JUMP_CHECK_MS);
}

function startClock(element) {
  const renderedAt = Number(element.dataset.serverNowMs);
  if (clock.appliedOffsetMs === null && Number.isFinite(renderedAt) && renderedAt > 0) {
    clock.appliedOffsetMs = renderedAt - clientNowMs();
  }
  if (socket || !("WebSocket" in window)) return;
  socket = openClockSocket({ onOpen: () => resync(), onMessage: answer, onLost: lost });
  watchForClockJumps(); // (and asks for the periodic probes)
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      resync();
      renderAll();
    }
  });
  window.addEventListener("online", () => resync());
}

// --- the display --------------------------------------------------------------

const countsToStart = (element) => element.dataset.countsTo === "start";

function speak(element, left) {
  const moment = announcementMoment(left);
  const key = momentKey(moment);
  if (element.dataset.spokenMoment === key) return;
  element.dataset.spokenMoment = key;
  element.querySelector("[data-clock-spoken]").textContent = spokenRemaining(moment, {
    toStart: countsToStart(element),
  });
}

function deadlineOf(element) {
  const deadline = Number(element.dataset.deadlineMs);
  return Number.isFinite(deadline) && deadline > 0 ? deadline : null;
}

// Every countdown changes on its own deadline's second, so a page of cards ticks
// several times a second; each tick writes only what changed, and the other
// cards' text and attributes are left as they are (no mutation, less relayout).
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setData(element, name, value) {
  if (element.dataset[name] !== value) element.dataset[name] = value;
}

function setTitle(node, title) {
  if (title === "") {
    if (node.hasAttribute("title")) node.removeAttribute("title");
  } else if (node.title !== title) node.title = title;
}

function render(element, now) {
  const deadline = deadlineOf(element);
  if (deadline === null) return;
  const left = secondsLeft(deadline, now);
  const value = element.querySelector("[data-clock-value]");
  const toStart = countsToStart(element);
  setText(value, formatRemaining(left * 1000, { toStart }));
  if (toStart) {
    // "Starts in" before the digits would read "Starts in Started" (a card is
    // not reloaded when its deal starts; the deal page is).
    const label = element.parentElement?.querySelector("[data-starts-label]");
    if (label) label.hidden = left === 0;
  }
  setData(element, "secondsLeft", String(left));
  const bound = boundShown(errorBoundMs(), left);
  setTitle(value, bound.title);
  setData(element, "boundMs", bound.boundMs);
  element.classList.toggle("ended", left === 0);
  speak(element, left);
  if (left === 0 && !element.dataset.endedSent) {
    element.dataset.endedSent = "1";
    element.dispatchEvent(new CustomEvent("countdown:ended", { bubbles: true }));
  } else if (left > 0 && element.dataset.endedSent) {
    // Ended, then given a later deadline (a deal extended): it runs again, says
    // so ("countdown:resumed", for what the end took away) and ends again at
    // the new zero.
    delete element.dataset.endedSent;
    element.dispatchEvent(new CustomEvent("countdown:resumed", { bubbles: true }));
  }
}

// One display tick: slew the offset a step, draw every countdown, plan the next.
function renderAll() {
  if (clock.window.isSynced) {
    clock.appliedOffsetMs = slew(clock.appliedOffsetMs, clock.window.offsetAt(clientNowMs()));
  }
  const now = serverNowMs();
  for (const element of countdowns) {
    if (!element.isConnected) countdowns.delete(element);
    else render(element, now);
  }
  scheduleNextTick(now);
}

function scheduleNextTick(now) {
  window.clearTimeout(tickTimer);
  window.cancelAnimationFrame(tickFrame);
  let next = Infinity;
  for (const element of countdowns) {
    const deadline = deadlineOf(element);
    const tick = deadline === null ? null : nextTickAt(deadline, now);
    if (tick !== null) next = Math.min(next, tick);
  }
  if (!Number.isFinite(next)) return;
  // Wake a little early, then wait frame by frame for the exact server second.
  tickTimer = window.setTimeout(() => {
    const frame = () => {
      if (serverNowMs() >= next) renderAll();
      else tickFrame = window.requestAnimationFrame(frame);
    };
    tickFrame = window.requestAnimationFrame(frame);
  }, Math.max(0, next - now - 40));
}

// Take a deadline change (absolute epoch ms). A change that reached us more
// than a second after the server sent it is dropped, as the display goes on to
// the next exact tick; "countdown:late" lets the page fetch the state afresh.
export function applyDeadline(element, { deadlineMs, sentMs = null }) {
  if (!Number.isFinite(deadlineMs)) return "ignored";
  if (clock.window.isSynced && isLate(sentMs, serverNowMs())) {
    element.dispatchEvent(
      new CustomEvent("countdown:late", { bubbles: true, detail: { deadlineMs, sentMs } }),
    );
    return "late";
  }
  if (String(deadlineMs) === element.dataset.deadlineMs) return "unchanged";
  element.dataset.deadlineMs = String(deadlineMs);
  // The spoken text is not cleared: a moved deadline is said as a new moment.
  delete element.dataset.secondsLeft;
  renderAll();
  return "applied";
}

export function init(element) {
  startClock(element);
  element.replaceChildren();
  const value = document.createElement("span");
  value.dataset.clockValue = "";
  value.setAttribute("aria-hidden", "true");
  const spoken = document.createElement("span");
  spoken.dataset.clockSpoken = "";
  spoken.className = "visually-hidden";
  if ("announce" in element.dataset) {
    spoken.setAttribute("role", "status");
    spoken.setAttribute("aria-live", "polite");
    spoken.setAttribute("aria-atomic", "true");
  }
  // Filled before the region is in the page, so loading it says nothing.
  const deadline = deadlineOf(element);
  if (deadline !== null) {
    const moment = announcementMoment(secondsLeft(deadline, serverNowMs()));
    element.dataset.spokenMoment = momentKey(moment);
    spoken.textContent = spokenRemaining(moment, { toStart: countsToStart(element) });
  }
  element.append(value, spoken);
  countdowns.add(element);
  // Kept for scripts that set data-deadline-ms themselves.
  element.addEventListener("countdown:restart", () => {
    delete element.dataset.secondsLeft;
    renderAll();
  });
  renderAll();
}
