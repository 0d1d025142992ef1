// The bulk form's "tick every row on this page": a convenience on top of the plain checkboxes, which work alone.
(function () {
  "use strict";
  var toggle = document.getElementById("bulk-all");
  if (!toggle) return;
  toggle.closest(".bulk-all-toggle").hidden = false;
  var picks = function () { return document.querySelectorAll("input.bulk-pick"); };
  toggle.addEventListener("change", function () {
    picks().forEach(function (box) { box.checked = toggle.checked; });
  });
  document.addEventListener("change", function (event) {
    if (!event.target.classList || !event.target.classList.contains("bulk-pick")) return;
    var all = Array.prototype.every.call(picks(), function (box) { return box.checked; });
    toggle.checked = all;
  });
})();
