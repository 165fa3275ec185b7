// One interface over the three kinds of film the page shows: which adapter talks to an element, and
// the address that loads a provider's player (with its interface switched on) at a given second.
import * as html5 from "./html5.js";
import * as vimeo from "./vimeo.js";
import * as youtube from "./youtube.js";

const FRAMED = [youtube, vimeo];

function framedBy(url) {
  try {
    const origin = new URL(url).origin;
    return FRAMED.find((provider) => provider.ORIGIN === origin) || null;
  } catch {
    return null;
  }
}

// The address that loads the player of an embed address (as the page writes it) at `start` seconds.
export function embedAddress(embedUrl, start) {
  const provider = framedBy(embedUrl);
  return provider ? provider.address(embedUrl, start) : embedUrl;
}

// Whether a framed player was loaded without its interface (the page's own ?vis= link): then it
// is loaded once more with it, at the same start.
export function needsInterface(frame) {
  const provider = framedBy(frame.src);
  return provider !== null && frame.src !== provider.address(frame.src, startOf(frame.src));
}

function startOf(url) {
  const parsed = new URL(url);
  const start = parsed.searchParams.get("start") || (parsed.hash.match(/^#t=(\d+)s?$/) || [])[1];
  return start ? Number(start) : 0;
}

export function reloadWithInterface(frame) {
  frame.src = embedAddress(frame.src, startOf(frame.src));
}

// Controls ({ element, play, pause, seek }) for a <video> or a provider's <iframe>, or null.
export function connect(element, emit) {
  if (element instanceof HTMLVideoElement) return html5.connect(element, emit);
  const provider = element instanceof HTMLIFrameElement ? framedBy(element.src) : null;
  return provider ? provider.connect(element, emit) : null;
}

export function fileAddress(url, start) {
  return html5.address(url, start);
}
