// Questions during the film (progressive enhancement of the module page; everything works without
// it). Once the leader has clicked to load a film, the film pauses at each question's moment, the
// question opens below the player and takes focus (unless the leader is typing elsewhere), and a live
// region says so. The answer is saved in the background (the same form and CSRF token as without
// JavaScript) and the film goes on; "Spring over" goes on without answering. Time links (chapters and
// questions) seek the film instead of reloading the page. While the film plays, where the leader is
// and the stretches she has played are reported every ten seconds and when it stops (progress
// .film_views on the server), for "Fortsæt fra" and for lessons completed by watching.
import * as players from "./players.js";

const REPORT_EVERY_MS = 10_000;
// A jump lands where it was aimed or a frame before it: a moment this close after the landing is
// where the leader already is, not ahead of her, so it is not asked (a moment further on is).
const LANDING_SECONDS = 0.25;

const films = new Map(); // figure id -> film state

function typing() {
  const active = document.activeElement;
  return Boolean(active && (active.isContentEditable || active.matches("textarea, input, select")));
}

function text(section, name, value) {
  const template = (section && section.dataset[name]) || "";
  return value === undefined ? template : template.replace("%s", value);
}

class Film {
  constructor(figure) {
    this.figure = figure;
    this.section = document.querySelector(`.film-questions[data-film="${figure.id}"]`);
    this.moments = [];
    for (const form of this.section ? this.section.querySelectorAll("form.block-question") : []) {
      const link = form.querySelector("[data-seek]");
      if (link) this.moments.push({ id: form.id, seconds: Number(link.dataset.seek), label: link.textContent.trim() });
    }
    this.moments.sort((a, b) => a.seconds - b.seconds);
    this.asked = new Set();
    this.open = null;
    this.playing = false;
    this.last = null; // where the film was at the last report
    this.landing = null; // where the last jump landed, plus LANDING_SECONDS
    this.controls = null;
    this.reporting = new Report(figure);
    this.status = document.createElement("p");
    this.status.className = "film-status";
    this.status.setAttribute("role", "status");
    figure.appendChild(this.status);
  }

  say(message) {
    this.status.textContent = message;
  }

  connect(element) {
    this.controls = players.connect(element, (event) => this.on(event));
    return this.controls;
  }

  on(event) {
    this.reporting.on(event);
    if (event.type === "play") {
      this.playing = true;
      if (this.open) this.close({ resume: false });
    }
    if (event.type === "pause" || event.type === "ended") this.playing = false;
    if (event.type === "seek") this.jumped(event.seconds);
    if (event.type !== "time") return;
    const now = event.seconds;
    if (this.last !== null && now < this.last) this.landing = null; // a jump the player did not tell of
    if (this.playing && this.last !== null && now >= this.last) {
      const after = Math.max(this.last, this.landing ?? -Infinity);
      const due = this.moments.find((m) => !this.asked.has(m.id) && m.seconds > after && m.seconds <= now);
      if (due) this.ask(due);
    }
    this.last = now;
  }

  // The film jumped (its own bar, or a time link): the moments from where it landed on are ahead, even
  // those passed before the next time report, which may come seconds of film later.
  jumped(seconds) {
    const known = typeof seconds === "number";
    this.last = known ? seconds : null;
    this.landing = known ? seconds + LANDING_SECONDS : null;
  }

  ask(moment) {
    this.asked.add(moment.id);
    this.controls.pause();
    this.playing = false;
    const form = document.getElementById(moment.id);
    if (!form) return;
    this.open = moment;
    form.classList.add("film-question-open");
    this.addSkip(form);
    this.say(text(this.section, "textPaused", moment.label));
    if (!typing()) {
      form.scrollIntoView({ block: "nearest" });
      (form.querySelector("textarea:not([disabled])") || form).focus({ preventScroll: true });
    }
  }

  addSkip(form) {
    if (form.querySelector(".film-skip")) return;
    const skip = document.createElement("button");
    skip.type = "button";
    skip.className = "button button-tertiary film-skip";
    skip.textContent = text(this.section, "textSkip");
    skip.addEventListener("click", () => this.close({ resume: true, message: text(this.section, "textResumed") }));
    form.querySelector(".button-row")?.appendChild(skip);
  }

  close({ resume, message }) {
    const form = this.open && document.getElementById(this.open.id);
    if (form) {
      form.classList.remove("film-question-open");
      form.querySelector(".film-skip")?.remove();
    }
    this.open = null;
    if (message) this.say(message);
    if (resume) {
      this.controls.element.focus({ preventScroll: true });
      this.controls.play();
    }
  }

  // The answer form of an open question, sent in the background: the page's own form and token.
  async submit(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const buttons = form.querySelectorAll("button, input[type=submit]");
    buttons.forEach((button) => (button.disabled = true));
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
    } catch {
      buttons.forEach((button) => (button.disabled = false));
      form.submit(); // the network failed: the ordinary post keeps the typed text on the page
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(form.id);
    const saved = response.ok && response.redirected;
    const asked = Boolean(this.open && this.open.id === form.id); // the film stopped for it
    if (fresh) {
      if (asked && !saved) this.addSkip(fresh);
      if (asked && !saved) fresh.classList.add("film-question-open");
      form.replaceWith(fresh);
    } else {
      buttons.forEach((button) => (button.disabled = false));
    }
    if (saved && asked) {
      this.close({ resume: true, message: text(this.section, "textSaved") });
    } else if (saved) {
      this.say(text(this.section, "textStored"));
    } else {
      this.say(text(this.section, "textRefused"));
      fresh?.querySelector("textarea")?.focus();
    }
  }

  seek(seconds) {
    this.last = null; // a report from before the jump may still come: the next one says where it is
    this.landing = seconds + LANDING_SECONDS;
    this.reporting.on({ type: "seek", seconds });
    this.asked.forEach((id) => {
      const moment = this.moments.find((m) => m.id === id);
      if (moment && moment.seconds >= seconds) this.asked.delete(id);
    });
    if (this.open) this.close({ resume: false });
    this.controls.seek(seconds);
    this.controls.play();
  }
}

// What the leader has played of one film, reported to the server: the stretches played since the
// last report (a seek or a jump ends a stretch, so seeking ahead counts nothing) and where she is.
class Report {
  constructor(figure) {
    this.address = figure.dataset.filmReport;
    this.token = figure.dataset.csrf;
    this.stretches = [];
    this.stretch = null; // [start, end] being played
    this.position = null;
    this.duration = null;
    this.timer = null;
    if (this.address) window.addEventListener("pagehide", () => this.send());
  }

  on(event) {
    if (!this.address) return;
    if (event.duration) this.duration = event.duration;
    const seconds = event.seconds;
    if (event.type === "seek") this.end();
    if (event.type === "play") {
      this.stretch = [seconds, seconds];
      this.timer ??= window.setInterval(() => this.send(), REPORT_EVERY_MS);
    }
    if (event.type === "time" && typeof seconds === "number") {
      this.position = seconds;
      const stretch = this.stretch;
      if (stretch && seconds >= stretch[1] && seconds - stretch[1] <= 5) stretch[1] = seconds;
      else if (stretch) {
        this.end();
        this.stretch = [seconds, seconds];
      }
    }
    if (event.type === "pause" || event.type === "ended") {
      this.end();
      this.stretch = null;
      window.clearInterval(this.timer);
      this.timer = null;
      this.send();
    }
  }

  end() {
    if (this.stretch && this.stretch[1] > this.stretch[0]) this.stretches.push(this.stretch);
    this.stretch = this.stretch ? [this.stretch[1], this.stretch[1]] : null;
  }

  async send() {
    if (this.position === null) return;
    if (this.stretch && this.stretch[1] > this.stretch[0]) this.end();
    const played = this.stretches.slice(-20);
    const body = JSON.stringify({ position: this.position, played, duration: this.duration });
    this.stretches = [];
    try {
      const response = await fetch(this.address, {
        method: "POST",
        body,
        keepalive: true,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.token },
      });
      if (response.status === 202) this.again(played); // dropped as too soon: send them again
    } catch {
      this.again(played);
    }
  }

  again(played) {
    this.stretches.unshift(...played);
    if (this.retry) return;
    this.retry = window.setTimeout(() => {
      this.retry = null;
      this.send();
    }, 2_500);
  }
}

function load(figure, trigger, start) {
  const film = films.get(figure.id);
  const frame = document.createElement("iframe");
  frame.src = players.embedAddress(trigger.dataset.embedUrl, start);
  frame.title = trigger.dataset.embedTitle || "Video";
  frame.allow = "fullscreen; picture-in-picture; autoplay";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  const wrapper = document.createElement("div");
  wrapper.className = "video-frame";
  wrapper.appendChild(frame);
  trigger.closest(".video-consent").replaceWith(wrapper);
  film.connect(frame);
  frame.focus();
}

export function start() {
  // A lesson done by watching: tell the server this page can see what was played.
  for (const form of document.querySelectorAll("form[data-film-rule]")) {
    const flag = document.createElement("input");
    Object.assign(flag, { type: "hidden", name: "filmscript", value: "1" });
    form.appendChild(flag);
  }
  for (const figure of document.querySelectorAll("figure.block-video")) {
    const film = new Film(figure);
    films.set(figure.id, film);
    const video = figure.querySelector("video");
    const frame = figure.querySelector(".video-frame iframe");
    if (video) film.connect(video);
    if (frame) {
      if (players.needsInterface(frame)) players.reloadWithInterface(frame);
      film.connect(frame);
    }
  }

  document.addEventListener("click", (event) => {
    const trigger = event.target.closest("[data-embed-url]");
    if (trigger) {
      event.preventDefault();
      load(trigger.closest("figure.block-video"), trigger, 0);
      return;
    }
    const link = event.target.closest("a[data-seek][data-film]");
    const film = link && films.get(link.dataset.film);
    if (!film) return;
    event.preventDefault();
    const seconds = Number(link.dataset.seek);
    if (film.controls) {
      film.seek(seconds);
      film.controls.element.scrollIntoView({ block: "nearest" });
      return;
    }
    const consent = film.figure.querySelector("[data-embed-url]");
    if (consent) load(film.figure, consent, seconds);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const section = form.closest(".film-questions");
    const film = section && films.get(section.dataset.film);
    if (!film || !film.controls || !form.matches("form.block-question")) return;
    event.preventDefault();
    film.submit(form, event.submitter);
  });
}
