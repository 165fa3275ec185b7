"""Stand-ins for YouTube's and Vimeo's embedded players, served by Playwright at the providers' real
embed addresses (so the frames have the real origins), speaking the documented postMessage
interfaces with the message shapes the real players send:

- YouTube's IFrame Player API, "widget" channel: the page posts ``{"event": "listening", "id": 1,
  "channel": "widget"}`` until the player answers; the player posts JSON strings ``{"event":
  "onReady"}``, ``{"event": "infoDelivery", "info": {"currentTime": 4.25, "playerState": 1,
  "playbackRate": 1, "duration": 60}, "id": 1, "channel": "widget"}`` about four times a second and
  ``{"event": "onStateChange", "info": 2}``; it obeys ``{"event": "command", "func": "playVideo" |
  "pauseVideo" | "seekTo", "args": [...]}``.
- Vimeo's player API (vimeo/player.js, lib/postmessage.js): the player posts ``{"event": "ready"}``;
  the page posts ``{"method": "addEventListener", "value": "timeupdate"}`` (and play, pause, seeked,
  ended), then ``{"method": "play" | "pause" | "setCurrentTime", "value": ...}``; the player posts
  ``{"event": "timeupdate", "data": {"seconds": 4.25, "percent": 0.07, "duration": 60}}``.

Each stand-in keeps what it was told in ``window.received`` (read by the tests), plays at ``RATE``
seconds of film per second, and starts when the test dispatches ``stand-in-play`` in its window (the
viewer pressing the player's own play button).
"""

from __future__ import annotations

RATE = 1
DURATION = 60

YOUTUBE = f"""<!doctype html><title>YouTube stand-in</title><body>stand-in
<script>
let time = 0, state = -1, started = null, parentWindow = null;
window.received = [];
const post = (message) => parentWindow && parentWindow.postMessage(
  JSON.stringify({{...message, id: 1, channel: "widget"}}), "*");
const now = () => state === 1 ? time + (performance.now() - started) / 1000 * {RATE} : time;
const setState = (next) => {{ time = now(); started = performance.now(); state = next;
  post({{event: "onStateChange", info: next}}); }};
window.addEventListener("message", (event) => {{
  const data = JSON.parse(event.data);
  window.received.push(data);
  if (data.event === "listening" && !parentWindow) {{
    parentWindow = event.source;
    post({{event: "onReady", info: null}});
    post({{event: "initialDelivery", info: {{currentTime: 0, playerState: -1, duration: {DURATION}}}}});
    setInterval(() => post({{event: "infoDelivery", info: {{currentTime: now(), playerState: state,
      playbackRate: {RATE}, duration: {DURATION}}}}}), 250);
  }}
  if (data.event !== "command") return;
  if (data.func === "playVideo") setState(1);
  if (data.func === "pauseVideo") setState(2);
  if (data.func === "seekTo") {{ time = data.args[0]; started = performance.now(); }}
}});
window.addEventListener("stand-in-play", () => setState(1));  // the viewer presses play
</script>"""

VIMEO = f"""<!doctype html><title>Vimeo stand-in</title><body>stand-in
<script>
let time = 0, playing = false, started = null;
const listeners = new Set();
window.received = [];
const now = () => playing ? time + (performance.now() - started) / 1000 * {RATE} : time;
const send = (name, data) => listeners.has(name) && parent.postMessage({{event: name, data}}, "*");
const details = () => ({{seconds: now(), percent: now() / {DURATION}, duration: {DURATION}}});
parent.postMessage({{event: "ready", player_id: null}}, "*");
setInterval(() => playing && send("timeupdate", details()), 250);
window.addEventListener("message", (event) => {{
  const data = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
  window.received.push(data);
  if (data.method === "addEventListener") listeners.add(data.value);
  if (data.method === "play") {{ time = now(); started = performance.now(); playing = true; send("play", details()); }}
  if (data.method === "pause") {{ time = now(); playing = false; send("pause", details()); }}
  if (data.method === "setCurrentTime") {{ time = data.value; started = performance.now();
    send("seeked", details()); }}
}});
window.addEventListener("stand-in-play", () => {{  // the viewer presses play
  started = performance.now(); playing = true; send("play", details()); }});
</script>"""
