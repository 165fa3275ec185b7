// YouTube's embed, driven through its documented postMessage interface (the "widget" channel of the
// IFrame Player API) from our own script: no script from YouTube runs in the page. The player answers
// only once told we listen, so that is repeated until it speaks; it reports the time about four
// times a second (infoDelivery), which has no seek event, so a jump in time is read as a seek.
import { fromFrame } from "./messages.js";

export const ORIGIN = "https://www.youtube-nocookie.com";
const PLAYING = 1;
const PAUSED = 2;
const ENDED = 0;

export function address(embedUrl, start) {
  const url = new URL(embedUrl);
  url.searchParams.set("enablejsapi", "1");
  url.searchParams.set("origin", window.location.origin);
  if (start) url.searchParams.set("start", String(start));
  else url.searchParams.delete("start");
  return url.href;
}

export function connect(frame, emit) {
  let hello = null;
  let state = -1;
  let rate = 1;
  let duration = null;
  let last = null; // { seconds, at }: the last reported time and when it came
  const post = (message) =>
    frame.contentWindow?.postMessage(JSON.stringify({ ...message, id: 1, channel: "widget" }), ORIGIN);
  const command = (func, args = []) => post({ event: "command", func, args });
  const listen = () => post({ event: "listening" });

  frame.addEventListener("load", () => {
    listen();
    let tries = 0;
    hello = window.setInterval(() => {
      listen();
      if (++tries > 40) window.clearInterval(hello);
    }, 250);
  });

  const changeState = (next) => {
    if (next === state) return;
    state = next;
    const seconds = last ? last.seconds : 0;
    if (state === PLAYING) emit({ type: "play", seconds, duration });
    if (state === PAUSED) emit({ type: "pause", seconds, duration });
    if (state === ENDED) emit({ type: "ended", seconds, duration });
  };

  const time = (seconds) => {
    const at = performance.now();
    if (last && state === PLAYING) {
      const expected = last.seconds + ((at - last.at) / 1000) * rate;
      if (Math.abs(seconds - expected) > 2 + rate) emit({ type: "seek", seconds, duration });
    }
    last = { seconds, at };
    emit({ type: "time", seconds, duration });
  };

  window.addEventListener("message", (event) => {
    const data = fromFrame(event, frame, ORIGIN);
    if (!data) return;
    if (hello) {
      window.clearInterval(hello);
      hello = null;
    }
    const info = data.info;
    if (data.event === "onReady") emit({ type: "ready", seconds: 0, duration });
    if (data.event === "onStateChange" && typeof info === "number") changeState(info);
    if ((data.event === "infoDelivery" || data.event === "initialDelivery") && info && typeof info === "object") {
      if (typeof info.playbackRate === "number" && info.playbackRate > 0) rate = info.playbackRate;
      if (typeof info.duration === "number" && info.duration > 0) duration = info.duration;
      if (typeof info.currentTime === "number") time(info.currentTime);
      if (typeof info.playerState === "number") changeState(info.playerState);
    }
  });

  return {
    element: frame,
    play: () => command("playVideo"),
    pause: () => command("pauseVideo"),
    seek: (seconds) => {
      last = { seconds, at: performance.now() };
      command("seekTo", [seconds, true]);
    },
  };
}
