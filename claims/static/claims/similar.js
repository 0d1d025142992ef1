/* The claim page's similar-claims panel: while a worker looks for similar claims, fetch the panel again every
   two seconds and put it in place once the worker is done. Without script the panel says to reload. */
(function () {
  "use strict";
  var DELAY = 2000, MAX_TRIES = 150;  // five minutes, then the note stays and a reload shows the result
  var tries = 0;

  function poll() {
    var panel = document.querySelector(".similar-panel[data-panel-url]");
    if (!panel || ++tries > MAX_TRIES) return;
    fetch(panel.dataset.panelUrl, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".similar-panel");
      if (fresh && !fresh.hasAttribute("data-panel-url")) panel.replaceWith(fresh);
      else setTimeout(poll, DELAY);
    }).catch(function () { setTimeout(poll, DELAY); });
  }

  if (!window.similarPanelPolling) {
    window.similarPanelPolling = true;
    setTimeout(poll, DELAY);
  }
})();
