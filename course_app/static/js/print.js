// The wheel page's print button: it only calls window.print(), so it is shown only when this file
// runs; without JavaScript the page says to use the browser's own print function instead.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
for (const hint of document.querySelectorAll("[data-print-hint]")) {
  hint.hidden = true;
}
