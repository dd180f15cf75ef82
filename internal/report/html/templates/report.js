(function () {
  "use strict";
  var zoom = document.getElementById("dfd-zoom");
  var frame = document.getElementById("dfd-frame");
  if (zoom && frame) {
    var svg = frame.querySelector("svg");
    zoom.addEventListener("click", function () {
      var actual = frame.classList.toggle("actual");
      if (svg) { svg.style.width = actual ? svg.style.maxWidth : ""; }
      zoom.setAttribute("aria-pressed", actual ? "true" : "false");
      zoom.textContent = actual ? "Fit to width" : "Show at actual size";
    });
  }

  // Attack paths: highlight one path's components and flows on the diagram.
  var pathButtons = Array.prototype.slice.call(document.querySelectorAll(".show-path"));
  pathButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (!frame) { return; }
      // A large model is drawn as an overview plus one picture per
      // boundary: the path is marked in every picture that shows it.
      var frames = Array.prototype.slice.call(document.querySelectorAll(".dfd-frame"));
      var on = button.getAttribute("aria-pressed") !== "true";
      pathButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      frames.forEach(function (f) {
        Array.prototype.forEach.call(f.querySelectorAll(".on-path"), function (el) { el.classList.remove("on-path"); });
        f.classList.toggle("path-mode", on);
      });
      if (!on) { return; }
      button.setAttribute("aria-pressed", "true");
      var first = null;
      var ids = (button.closest("li").getAttribute("data-elements") || "").split(/\s+/);
      ids.forEach(function (id) {
        if (!id) { return; }
        // A flow into another boundary is drawn in two parts through its
        // label: "f-", "fh-" and "fl-".
        ["c-", "f-", "fh-", "fl-"].forEach(function (prefix) {
          var el = document.getElementById(prefix + id);
          if (!el || !el.closest(".dfd-frame")) { return; }
          el.classList.add("on-path");
          if (!first) { first = el.closest(".dfd-frame"); }
        });
      });
      var target = first || frame;
      var box = target.closest("details");
      if (box) { box.open = true; }
      target.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  });

  // A printed report shows every way of the attack trees.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".tree details"), function (d) { d.open = true; });
  });

  var table = document.getElementById("register-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("f-text");
  var sev = document.getElementById("f-sev");
  var status = document.getElementById("f-status");
  var breach = document.getElementById("f-breach");
  var count = document.getElementById("f-count");

  // Heatmap cells filter the register to the open threats in them.
  var cell = "";
  var cellNote = document.getElementById("f-cell-note");
  var cellName = document.getElementById("f-cell-name");
  var cellButtons = Array.prototype.slice.call(document.querySelectorAll("table.heat button.cell"));
  function setCell(key) {
    cell = key;
    cellButtons.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-cell") === key ? "true" : "false"); });
    if (cellNote) {
      cellNote.hidden = !key;
      cellName.textContent = key ? "likelihood " + key.replace("-", " × impact ") : "";
    }
  }

  // The filters live in the address (?q=&sev=&status=&breach=1&cell=), so a
  // filtered register can be bookmarked or shared.
  function saveState() {
    var p = new URLSearchParams();
    if (text.value.trim()) { p.set("q", text.value.trim()); }
    if (sev.value) { p.set("sev", sev.value); }
    if (status.value) { p.set("status", status.value); }
    if (breach.checked) { p.set("breach", "1"); }
    if (cell) { p.set("cell", cell); }
    var qs = p.toString();
    try {
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
    } catch (e) { /* some file: URLs refuse; the filters still work */ }
  }
  function loadState() {
    var p = new URLSearchParams(location.search);
    text.value = p.get("q") || "";
    var pick = function (select, v) {
      if (v && Array.prototype.some.call(select.options, function (o) { return o.value === v; })) { select.value = v; }
    };
    pick(sev, p.get("sev"));
    pick(status, p.get("status"));
    breach.checked = p.get("breach") === "1";
    var c = p.get("cell") || "";
    setCell(cellButtons.some(function (b) { return b.getAttribute("data-cell") === c; }) ? c : "");
  }

  function filter() {
    var q = text.value.trim().toLowerCase();
    var words = q ? q.split(/\s+/) : [];
    var s = sev.value, st = status.value, onlyBreach = breach.checked, shown = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute("data-search");
      if (hay === null) {
        hay = row.textContent.replace(/\s+/g, " ").toLowerCase();
        row.setAttribute("data-search", hay);
      }
      var ok = (!s || row.cells[4].firstChild.textContent === s) &&
        (!st || row.cells[5].firstChild.textContent === st) &&
        (!onlyBreach || row.classList.contains("breach")) &&
        (!cell || row.getAttribute("data-cell") === cell) &&
        words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown + " of " + rows.length + " threats shown";
    saveState();
  }
  text.addEventListener("input", filter);
  sev.addEventListener("change", filter);
  status.addEventListener("change", filter);
  breach.addEventListener("change", filter);
  cellButtons.forEach(function (b) {
    b.addEventListener("click", function () {
      var key = b.getAttribute("data-cell");
      setCell(cell === key ? "" : key);
      filter();
      if (cell) { document.getElementById("register").scrollIntoView({ block: "start" }); }
    });
  });
  var clear = document.getElementById("f-cell-clear");
  if (clear) { clear.addEventListener("click", function () { setCell(""); filter(); }); }
  if (location.search) {
    loadState();
    filter();
  }

  // A rating cell reads "high 4×4": it sorts by severity, then by
  // likelihood × impact.
  var ranks = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
  function key(row, col, type) {
    var v = row.cells[col].textContent.trim().toLowerCase();
    if (type !== "num") { return v; }
    var m = /^(\S+) (\d)×(\d)/.exec(v);
    return m ? (ranks[m[1]] || 0) * 100 + m[2] * m[3] : parseFloat(v) || 0;
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var type = th.getAttribute("data-type");
      var sign = dir === "ascending" ? 1 : -1;
      var order = rows.map(function (row, i) { return { row: row, i: i, k: key(row, col, type) }; });
      order.sort(function (a, b) {
        if (a.k < b.k) { return -sign; }
        if (a.k > b.k) { return sign; }
        return a.i - b.i;
      });
      order.forEach(function (o) { body.appendChild(o.row); });
      rows = order.map(function (o) { return o.row; });
    });
  });
})();
