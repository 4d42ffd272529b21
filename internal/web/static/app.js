// fenxiao: the little JavaScript the pages use; every page works without it.
"use strict";
document.addEventListener("click", function (e) {
  // Copy buttons: <button data-copy="text">.
  var b = e.target.closest("[data-copy]");
  if (!b) return;
  e.preventDefault();
  var text = b.getAttribute("data-copy");
  if (navigator.clipboard) {
    navigator.clipboard.writeText(text).then(function () { b.setAttribute("data-copied", "1"); });
  }
});
document.addEventListener("submit", function (e) {
  // Forms that need a second thought: <form data-confirm="...">.
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});
