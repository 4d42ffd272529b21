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
document.addEventListener("click", function (e) {
  // Copy a textarea's text: <button data-copy-target="id" data-copied-label="…">. Without the
  // Clipboard API (plain http, some in-app browsers) the text is selected for the system's copy.
  var b = e.target.closest("[data-copy-target]");
  if (!b) return;
  var area = document.getElementById(b.getAttribute("data-copy-target"));
  if (!area) return;
  e.preventDefault();
  var done = function () {
    var label = b.getAttribute("data-copied-label");
    if (label) b.textContent = label;
    b.setAttribute("data-copied", "1");
  };
  var select = function () {
    area.focus();
    area.select();
    area.setSelectionRange(0, area.value.length);
    try { if (document.execCommand("copy")) done(); } catch (err) { /* the selection stays for a manual copy */ }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(area.value).then(done, select);
  } else {
    select();
  }
});
document.addEventListener("submit", function (e) {
  // Forms that need a second thought: <form data-confirm="...">.
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});
