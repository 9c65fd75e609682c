/* storyline: sentence highlighting on the story page (mouse and keyboard: Tab, Enter or
   Space, J/K, N, Escape), upload progress on the ingest page.
   No data is ever turned into markup here: the page's data lives in data-* attributes and
   server-rendered (escaped) HTML. Served from /static under `script-src 'self'`. */
(function () {
  "use strict";

  function members(group) {
    return document.querySelectorAll('.s[data-group="' + CSS.escape(group) + '"]');
  }

  function mark(group, cls, on) {
    if (!group) return;
    members(group).forEach(function (el) { el.classList.toggle(cls, on); });
  }

  function groupOf(target) {
    var el = target && target.closest ? target.closest(".s[data-group]") : null;
    return el ? el.getAttribute("data-group") : null;
  }

  var selected = null;

  function press(group, on) {
    if (!group) return;
    members(group).forEach(function (el) { el.setAttribute("aria-pressed", on ? "true" : "false"); });
  }

  function select(group) {
    mark(selected, "sel", false);
    press(selected, false);
    selected = group === selected ? null : group;
    mark(selected, "sel", true);
    press(selected, true);
    if (!selected) return;
    members(selected).forEach(function (el) {
      el.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  }

  function initHighlight() {
    document.addEventListener("mouseover", function (e) { mark(groupOf(e.target), "hl", true); });
    document.addEventListener("mouseout", function (e) { mark(groupOf(e.target), "hl", false); });
    document.addEventListener("focusin", function (e) { mark(groupOf(e.target), "hl", true); });
    document.addEventListener("focusout", function (e) { mark(groupOf(e.target), "hl", false); });
    document.addEventListener("click", function (e) {
      var group = groupOf(e.target);
      if (group) select(group);
    });
    document.addEventListener("keydown", function (e) {
      var group = groupOf(e.target);
      if (!group || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(group); }
      else if (e.key === "Escape" && selected) { e.preventDefault(); select(selected); }
      else if (e.key === "j" || e.key === "k") { e.preventDefault(); step(e.target, e.key === "j" ? 1 : -1); }
      else if (e.key === "n") { e.preventDefault(); counterpart(e.target, group); }
    });
  }

  // J / K: the next / previous shared sentence in the same article.
  function step(el, by) {
    var col = el.closest(".col");
    if (!col) return;
    var all = Array.prototype.slice.call(col.querySelectorAll(".s[data-group]"));
    var next = all[all.indexOf(el.closest(".s[data-group]")) + by];
    if (next) next.focus();
  }

  // N: the same sentence group in the next article that has it (wrapping around).
  function counterpart(el, group) {
    var all = Array.prototype.slice.call(members(group));
    var here = el.closest(".s[data-group]");
    var col = here.closest(".col");
    var others = all.filter(function (m) { return m.closest(".col") !== col; });
    if (!others.length) return;
    var after = others.filter(function (m) {
      return col.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    (after[0] || others[0]).focus();
  }

  function initUpload() {
    var form = document.getElementById("upload");
    if (!form || !window.XMLHttpRequest || !window.FormData) return;
    var bar = document.getElementById("progress");
    var status = document.getElementById("status");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.responseType = "document";
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "uploading…";
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) bar.value = Math.round((100 * ev.loaded) / ev.total);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        status.textContent = "processing…";
      });
      xhr.addEventListener("load", function () { showResult(xhr, status); });
      xhr.addEventListener("error", function () {
        status.textContent = "the upload failed: the server could not be reached";
      });
      xhr.send(new FormData(form));
    });
  }

  function showResult(xhr, status) {
    var doc = xhr.response;
    var fresh = doc && doc.getElementById("result");
    var old = document.getElementById("result");
    if (fresh && old) {
      old.replaceWith(document.importNode(fresh, true));
    } else if (doc && doc.querySelector(".message") && old) {
      var p = document.createElement("p");
      p.className = "message error";
      p.textContent = doc.querySelector(".message").textContent;
      old.replaceChildren(p);
    }
    status.textContent = xhr.status < 300 ? "done" : "failed (HTTP " + xhr.status + ")";
  }

  function init() {
    initHighlight();
    initUpload();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
