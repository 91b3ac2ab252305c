// Search in the browser over the search index (search.json and the files it lists): every word
// required, case and accents ignored.
// Results are built with textContent, never innerHTML: item titles come from feeds.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form || !window.fetch) return;
  form.hidden = false;
  var input = form.querySelector("input");
  var results = form.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "";
  var index = null;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function load() {
    if (index) return Promise.resolve(index);
    // search.json lists the index's files (one per month, newest first), read all at once.
    return fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (files) {
      return Promise.all(files.map(function (file) { return fetch(root + file).then(function (r) { return r.json(); }); }));
    }).then(function (months) {
      index = [].concat.apply([], months).map(function (e) { return { e: e, text: fold([e.t, e.s, e.g, e.x].join(" ")) }; });
      return index;
    });
  }
  function show(query) {
    var words = fold(query).split(/[^a-z0-9]+/).filter(Boolean);
    results.textContent = "";
    if (!words.length) return;
    load().then(function (entries) {
      var hits = entries.filter(function (x) { return words.every(function (w) { return x.text.indexOf(w) >= 0; }); }).slice(0, 20);
      var list = document.createElement("ul");
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + hit.e.p + "index.html";
        link.textContent = hit.e.t;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" — " + hit.e.s + ", " + hit.e.d));
        list.appendChild(item);
      });
      var count = document.createElement("p");
      count.textContent = hits.length + (hits.length === 20 ? "+" : "") + " résultat(s)";
      results.appendChild(count);
      results.appendChild(list);
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); });
  input.addEventListener("input", function () { show(input.value); });
})();
