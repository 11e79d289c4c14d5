// As-you-type search, cited source rows and copy buttons. Progressive enhancement: every form works without this file.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var results = document.getElementById("results");
  if (form && results) {
    var timer = null;
    var last = "";
    var controller = null;
    var run = function () {
      var params = new URLSearchParams(new FormData(form));
      var q = (params.get("q") || "").trim();
      params.set("partial", "1");
      var key = params.toString();
      if (key === last) return;
      last = key;
      if (!q) { results.innerHTML = ""; return; }
      if (controller) controller.abort();
      controller = new AbortController();
      results.setAttribute("aria-busy", "true");
      fetch(form.action + "?" + key, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          results.innerHTML = html;
          results.setAttribute("aria-busy", "false");
          params.delete("partial");
          history.replaceState(null, "", form.action + "?" + params.toString());
        })
        .catch(function (err) { if (err && err.name === "AbortError") return; results.setAttribute("aria-busy", "false"); });
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(run, 0); });
  }
  // A citation's line opens its whole printed row, marked and scrolled to the middle of the screen.
  var lines = document.querySelector("[data-source-lines]");
  if (lines) {
    var mark = function () {
      lines.querySelectorAll("tr.cited").forEach(function (tr) { tr.classList.remove("cited"); });
      var m = /^#L(\d+)$/.exec(location.hash);
      var first = m && document.getElementById("L" + m[1]);
      if (!first) return;
      var start = Number(m[1]);
      var end = Number(first.getAttribute("data-row-end") || start);
      for (var n = start; n <= end; n++) {
        var tr = document.getElementById("L" + n);
        if (tr) tr.classList.add("cited");
      }
      (document.getElementById("L" + Math.floor((start + end) / 2)) || first).scrollIntoView({ block: "center" });
    };
    window.addEventListener("hashchange", mark);
    // Again after load: the browser's own jump to the fragment would put the row at the top.
    window.addEventListener("load", mark);
    mark();
  }
  // Occupation autocomplete: names and codes from the search API, offered as the worker types.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var asked = "";
    var ctrl = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) return;
        asked = q;
        if (ctrl) ctrl.abort();
        ctrl = new AbortController();
        fetch(input.getAttribute("data-suggest") + "?limit=12&q=" + encodeURIComponent(q), { signal: ctrl.signal })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
          .then(function (data) {
            var seen = {};
            list.innerHTML = "";
            data.items.forEach(function (hit) {
              if (seen[hit.name]) return;
              seen[hit.name] = true;
              var opt = document.createElement("option");
              opt.value = hit.name;
              opt.textContent = (hit.code ? hit.code + " · " : "") + hit.region_name;
              list.appendChild(opt);
            });
            input.setAttribute("data-suggested", String(list.children.length));
          })
          .catch(function () {});
      }, 150);
    });
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var src = document.querySelector(btn.getAttribute("data-copy"));
    if (src && navigator.clipboard) {
      navigator.clipboard.writeText(src.textContent).then(function () { btn.textContent = "✓"; });
    }
  });
})();
