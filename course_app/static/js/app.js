// Progressive enhancement only: every page works without this file.

// Click-to-load video: nothing is requested from a video host before the leader presses the button.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-embed-url]");
  if (!trigger) return;
  event.preventDefault();
  const frame = document.createElement("iframe");
  frame.src = trigger.dataset.embedUrl;
  frame.title = trigger.dataset.embedTitle || "Video";
  frame.allow = "fullscreen; picture-in-picture";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  const wrapper = document.createElement("div");
  wrapper.className = "video-frame";
  wrapper.appendChild(frame);
  trigger.closest(".video-consent").replaceWith(wrapper);
  frame.focus();
});
