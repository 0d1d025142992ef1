/* The claim page's evidence panel: while a source is queued or being fetched, poll the status endpoint and
   update each source's state, reason and passage check in place; "Retry" re-captures without leaving the page.
   Plain script, no build step; without it the panel still shows the state as of the last page load. */
(function () {
  "use strict";

  var panel = document.querySelector(".evidence-panel[data-status-url]");
  if (!panel) return;
  var timer = null;

  function csrfToken() {
    var input = panel.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function render(item) {
    var row = panel.querySelector("tr[data-evidence='" + item.evidence + "']");
    if (!row) return;
    var state = row.querySelector(".capture-state");
    state.className = "capture-state state-" + item.state;
    state.textContent = "";
    if (item.capture_url) {
      var link = document.createElement("a");
      link.href = item.capture_url;
      link.textContent = item.label;
      state.appendChild(link);
    } else {
      state.textContent = item.label;
    }
    var reason = row.querySelector(".capture-reason");
    reason.textContent = item.reason || "";
    reason.hidden = !item.reason;
    var button = row.querySelector("form.recapture button");
    if (button) button.disabled = item.state === "queued" || item.state === "fetching";
    var check = row.querySelector(".passage-check");
    if (check && item.passage_label) {
      check.className = "passage-check passage-" + item.passage_found;
      check.textContent = item.passage_label + (item.passage_start !== null ?
        " · " + item.passage_start + "–" + item.passage_end : "");
    }
  }

  function poll() {
    fetch(panel.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.sources.forEach(render);
        schedule(data.busy ? 2000 : null);
      })
      .catch(function () { schedule(10000); });
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (delay) timer = setTimeout(poll, delay);
  }

  panel.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("recapture")) return;
    event.preventDefault();
    form.querySelector("button").disabled = true;
    fetch(form.action, {method: "POST", credentials: "same-origin",
                        headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}})
      .then(function () { schedule(500); })
      .catch(function () { form.submit(); });
  });

  if (panel.querySelector(".state-queued, .state-fetching")) schedule(2000);
})();
