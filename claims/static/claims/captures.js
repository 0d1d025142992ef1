/* The claim page's evidence panel: while a source is queued or being fetched, poll the status endpoint and
   update each source's state, reason and passage check in place; the recapture button re-captures without leaving the page.
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

  function setText(element, text, url) {
    element.textContent = "";
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = text;
      element.appendChild(link);
    } else {
      element.textContent = text;
    }
  }

  function render(item) {
    var row = panel.querySelector("tr[data-evidence='" + item.evidence + "']");
    if (!row) return;
    var state = row.querySelector(".capture-state");
    state.className = "capture-state state-" + item.state;
    setText(state, item.label, item.capture_url);
    var reason = row.querySelector(".capture-reason");
    reason.textContent = item.reason || "";
    reason.hidden = !item.reason;
    var button = row.querySelector("form.recapture button");
    if (button) {
      button.disabled = item.in_flight;
      button.textContent = item.recapture_label;
    }
    // The words come from the server (desk.sources.passage_check), the same ones the page renders on reload.
    var check = row.querySelector(".passage-check");
    if (check && item.passage_check) {
      check.className = "passage-check passage-" + item.passage_check.state;
      setText(check, item.passage_check.text, item.passage_check.capture_url);
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
