// patnav: the technology-breakdown tree editor. Every request of the editor (an edit, a
// check with live counts, a save) carries the whole tree as JSON in the "tree" field,
// read from the rows on the page in their order. No inline scripts (the CSP forbids them).
(function () {
  "use strict";

  function collect(form) {
    var rows = [];
    form.querySelectorAll("li.tree-node").forEach(function (li) {
      var row = { depth: parseInt(li.getAttribute("data-depth"), 10) || 0 };
      // the node's path in the spec as opened: its quality records follow a rename
      try { row.origin = JSON.parse(li.getAttribute("data-origin") || "[]"); } catch (e) { row.origin = []; }
      li.querySelectorAll("[data-field]").forEach(function (input) {
        if (input.tagName === "INPUT") {
          row[input.getAttribute("data-field")] = input.value;
        }
      });
      rows.push(row);
    });
    return JSON.stringify(rows);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = document.getElementById("tree-form");
    if (!form || !form.contains(event.detail.elt)) { return; }
    event.detail.parameters.tree = collect(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.id !== "tree-form") { return; }
    form.querySelector('input[name="tree"]').value = collect(form);
  });

  // a problem in the summary takes the analyst to its node
  document.addEventListener("click", function (event) {
    var item = event.target.closest ? event.target.closest("#tree-check li[data-index]") : null;
    if (!item) { return; }
    var node = document.querySelector('li.tree-node[data-index="' + item.getAttribute("data-index") + '"]');
    if (!node) { return; }
    var input = node.querySelector('[data-field="' + item.getAttribute("data-field") + '"]') ||
      node.querySelector("input");
    node.scrollIntoView({ block: "center" });
    if (input && input.focus) { input.focus(); }
  });
})();
