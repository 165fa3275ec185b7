// Vimeo's player, driven through its documented postMessage interface ({ method, value } out,
// { event, data } back) from our own script: no script from Vimeo runs in the page. The player says
// "ready" first; then we ask for the events we use.
import { fromFrame } from "./messages.js";

export const ORIGIN = "https://player.vimeo.com";
const EVENTS = ["timeupdate", "play", "pause", "seeked", "ended"];

export function address(embedUrl, start) {
  const url = new URL(embedUrl);
  url.hash = start ? `t=${start}s` : "";
  return url.href;
}

export function connect(frame, emit) {
  let seconds = 0;
  let duration = null;
  const post = (method, value) =>
    frame.contentWindow?.postMessage(value === undefined ? { method } : { method, value }, ORIGIN);

  // Asked on "ready", and at once and on load too, for a player that was ready before we listened.
  const subscribe = () => EVENTS.forEach((name) => post("addEventListener", name));
  frame.addEventListener("load", subscribe);
  subscribe();

  window.addEventListener("message", (event) => {
    const data = fromFrame(event, frame, ORIGIN);
    if (!data || typeof data.event !== "string") return;
    const details = data.data && typeof data.data === "object" ? data.data : {};
    if (typeof details.seconds === "number") seconds = details.seconds;
    if (typeof details.duration === "number" && details.duration > 0) duration = details.duration;
    const types = { ready: "ready", timeupdate: "time", play: "play", pause: "pause", seeked: "seek", ended: "ended" };
    if (data.event === "ready") subscribe();
    if (Object.hasOwn(types, data.event)) emit({ type: types[data.event], seconds, duration });
  });

  return {
    element: frame,
    play: () => post("play"),
    pause: () => post("pause"),
    seek: (to) => post("setCurrentTime", to),
  };
}
