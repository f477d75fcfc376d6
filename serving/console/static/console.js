// The console works without this script; it only wires the notice's print button
// (inline handlers are refused by the content security policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
