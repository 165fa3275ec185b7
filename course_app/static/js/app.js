// Progressive enhancement only: every page works without this file.

// Films (click-to-load: nothing is requested from a video host before the leader presses the
// button; questions during the film; time links that seek): only on pages that show one.
if (document.querySelector("figure.block-video")) {
  import("./film/moments.js").then((films) => films.start());
}
