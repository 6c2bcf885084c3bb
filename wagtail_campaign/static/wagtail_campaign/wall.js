// Live updates for a message wall: polls the messages.json feed, adds new messages.
// The wall works fully without it. No framework, no third party.
(function () {
  "use strict";
  var wall = document.querySelector("[data-wc-wall]");
  var list = wall && wall.querySelector("[data-wc-messages]");
  // Only the newest page polls (an older page has no data-wc-poll).
  if (!list || !window.fetch || !list.hasAttribute("data-wc-poll")) return;
  var live = wall.querySelector("[data-wc-live]");
  var feed = wall.getAttribute("data-wc-feed");
  var reportUrl = wall.getAttribute("data-wc-report-url");
  var after = list.getAttribute("data-wc-after") || "";
  var etag = null, delay = 15000, timer = null;
  var ALLOWED = { P: 1, BR: 1, A: 1, EM: 1, STRONG: 1 };

  function clean(node) {
    // The server already sanitised the body; this keeps the same allow-list here too.
    Array.prototype.slice.call(node.querySelectorAll("*")).forEach(function (el) {
      if (!ALLOWED[el.tagName]) { el.replaceWith(document.createTextNode(el.textContent)); return; }
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        var ok = el.tagName === "A" && (attr.name === "rel" || (attr.name === "href" && /^(https?:|mailto:)/i.test(attr.value)));
        if (!ok) el.removeAttribute(attr.name);
      });
    });
    return node;
  }
  function parse(html) {
    // A <template> is inert: nothing in it loads or runs while it is cleaned.
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    return clean(tpl.content);
  }
  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }
  function name(m) { return m.display_name || list.getAttribute("data-wc-anonymous"); }
  function render(m) {
    var li = document.createElement("li");
    li.className = "wc-message wc-message--" + m.kind + (m.featured ? " wc-message--featured" : "");
    li.id = "message-" + m.id;
    var article = document.createElement("article");
    if (m.language) article.lang = m.language;
    var meta = document.createElement("header");
    meta.className = "wc-message__meta";
    meta.appendChild(text("bdi", "wc-message__name", name(m)));
    if (m.country_name) meta.appendChild(text("span", "wc-message__country", " · " + m.country_name));
    meta.appendChild(text("span", "wc-message__kind", " · " + m.kind_label + " · "));
    var time = text("time", "", new Date(m.created_at).toLocaleString(document.documentElement.lang || undefined));
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(time);
    var body = document.createElement("div");
    body.className = "wc-message__body";
    body.dir = "auto";
    body.appendChild(parse(m.body));
    var actions = document.createElement("footer");
    actions.className = "wc-message__actions";
    var report = text("a", "", list.getAttribute("data-wc-report"));
    report.href = reportUrl + encodeURIComponent(m.id) + "/";
    report.rel = "nofollow";
    actions.appendChild(report);
    article.appendChild(meta);
    article.appendChild(body);
    article.appendChild(actions);
    li.appendChild(article);
    return li;
  }
  function slower(factor, most) { delay = Math.min(delay * factor, most); }
  function schedule() {
    clearTimeout(timer);
    if (!document.hidden) timer = setTimeout(poll, delay);
  }
  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    var url = feed + (after ? "?after=" + encodeURIComponent(after) : "");
    fetch(url, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { slower(1.5, 120000); return null; }
        if (!response.ok) throw new Error(response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        if (!data) return;
        if (data.after) after = data.after;
        var fresh = (data.messages || []).filter(function (m) { return !document.getElementById("message-" + m.id); });
        if (!fresh.length) { slower(1.5, 120000); return; }
        delay = data.more_after ? 1000 : 15000;
        var empty = list.querySelector(".wc-message--empty");
        if (empty) empty.remove();
        fresh.slice().reverse().forEach(function (m) { list.insertBefore(render(m), list.firstChild); });
        // Screen readers hear one short summary, not every message.
        if (live) live.textContent = fresh.length === 1 ? name(fresh[0]) + ": " + parse(fresh[0].body).textContent.slice(0, 140) : list.getAttribute("data-wc-many").replace("%n", fresh.length);
      })
      .catch(function () { slower(2, 300000); })
      .then(schedule);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) clearTimeout(timer); else { delay = 15000; poll(); }
  });
  schedule();
})();
