// HTML5 video (an .mp4/.webm file): the element's own media events.
// Every adapter has the same shape: connect(element, emit) gives { play, pause, seek } and calls emit
// with { type: "ready" | "time" | "play" | "pause" | "seek" | "ended", seconds, duration }.

export function connect(video, emit) {
  const now = (type) => emit({ type, seconds: video.currentTime, duration: duration() });
  const duration = () => (Number.isFinite(video.duration) ? video.duration : null);
  video.addEventListener("loadedmetadata", () => now("ready"));
  video.addEventListener("timeupdate", () => now("time"));
  video.addEventListener("play", () => now("play"));
  video.addEventListener("pause", () => now("pause"));
  video.addEventListener("seeking", () => now("seek"));
  video.addEventListener("ended", () => now("ended"));
  // Pressed play before this script had loaded: say so once the caller holds the controls.
  if (!video.paused) queueMicrotask(() => now("play"));
  return {
    element: video,
    play: () => video.play().catch(() => {}),
    pause: () => video.pause(),
    seek: (seconds) => {
      // A film not yet loaded (preload="none") takes a position only once it knows its length.
      if (video.readyState >= HTMLMediaElement.HAVE_METADATA) video.currentTime = seconds;
      else video.addEventListener("loadedmetadata", () => (video.currentTime = seconds), { once: true });
    },
  };
}

// A file's start is a media fragment (#t=750), as the page writes it without JavaScript.
export function address(url, start) {
  const base = url.split("#")[0];
  return start ? `${base}#t=${start}` : base;
}
