/* storyline: sentence highlighting on the story page, upload progress on the ingest page.
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

  function select(group) {
    mark(selected, "sel", false);
    selected = group === selected ? null : group;
    mark(selected, "sel", true);
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
      if (group && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(group); }
    });
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
