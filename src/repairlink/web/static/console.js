// The little the console needs beyond htmx: open a confirmation <dialog> (H-04) from its button.
// The native dialog traps focus, closes on Escape and gives focus back to the opener.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog) { event.preventDefault(); dialog.showModal(); }
    return;
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) { event.preventDefault(); closer.closest("dialog").close(); }
});
