// Refines the server-rendered countdown once a minute. The page is complete without it.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var number = window.Intl ? new Intl.NumberFormat(lang) : null;
  function update(el) {
    var left = Date.parse(el.getAttribute("data-wc-target")) - Date.now();
    if (isNaN(left)) return false;
    if (left <= 0) { el.textContent = el.getAttribute("data-wc-done"); return false; }
    var mins = Math.floor(left / 60000);
    var values = { days: Math.floor(mins / 1440), hours: Math.floor(mins / 60) % 24, minutes: mins % 60 };
    el.querySelectorAll("[data-wc-unit]").forEach(function (part) {
      var n = values[part.getAttribute("data-wc-unit")];
      var form = plural && plural.select(n) === "one" ? "data-one" : "data-other";
      part.querySelector(".wc-countdown__n").textContent = number ? number.format(n) : n;
      part.querySelector(".wc-countdown__word").textContent = part.getAttribute(form);
    });
    return true;
  }
  document.querySelectorAll("[data-wc-countdown]").forEach(function (el) {
    if (update(el)) {
      var timer = setInterval(function () { if (!update(el)) clearInterval(timer); }, 30000);
    }
  });
})();
