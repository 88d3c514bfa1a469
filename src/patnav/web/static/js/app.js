// patnav: small behaviours of every page. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  window.patnav = { csrfToken: csrfToken };

  function lineGutter(textarea, gutter, bad) {
    var lines = textarea.value.split("\n").length;
    var out = [];
    for (var i = 1; i <= lines; i++) {
      out.push(bad[i] ? '<span class="bad">' + i + "</span>" : String(i));
    }
    gutter.innerHTML = out.join("\n");
    gutter.scrollTop = textarea.scrollTop;
  }

  function badLines() {
    var bad = {};
    document.querySelectorAll("#spec-problems li[data-line]").forEach(function (li) {
      var n = parseInt(li.getAttribute("data-line"), 10);
      if (n) { bad[n] = true; }
    });
    return bad;
  }

  function goToLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    textarea.focus();
    textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
    var lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  function setUpEditor() {
    var textarea = document.getElementById("yaml_text");
    var gutter = document.getElementById("gutter");
    if (!textarea || !gutter) { return; }
    var refresh = function () { lineGutter(textarea, gutter, badLines()); };
    textarea.addEventListener("input", refresh);
    textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
    document.addEventListener("click", function (event) {
      var li = event.target.closest ? event.target.closest("#spec-problems li[data-line]") : null;
      if (li && li.getAttribute("data-line")) { goToLine(textarea, parseInt(li.getAttribute("data-line"), 10)); }
    });
    document.body.addEventListener("htmx:afterSwap", refresh);
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Tab") {  // YAML wants spaces
        event.preventDefault();
        var s = textarea.selectionStart;
        textarea.setRangeText("  ", s, textarea.selectionEnd, "end");
        refresh();
      }
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("a[data-back]").forEach(function (a) {
      a.addEventListener("click", function (event) {
        if (history.length > 1) { event.preventDefault(); history.back(); }
      });
    });
    setUpEditor();
  });
})();
