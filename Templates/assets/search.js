// Search in the browser over the search index (search.json and the files it lists): every word
// required, case and accents ignored, words matched by their stems and synonyms as
// `cyberveille items search` does. The stems are the site's (Snowball, computed when the site
// is built): each entry's "k" pairs say which of its words have other stems ("hopitaux=hopital"),
// and search/synonyms.json gives the rules' synonym groups by stem.
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
  // Each keystroke starts a search; only the latest one shows its results.
  var latest = 0;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function json(path) {
    return fetch(root + path).then(function (r) { return r.ok ? r.json() : []; });
  }
  function load() {
    if (index) return Promise.resolve(index);
    // search.json lists the index's files (one per month, newest first), read all at once.
    return fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (files) {
      return Promise.all([json("search/synonyms.json")].concat(files.map(json)));
    }).then(function (loaded) {
      var vocabulary = {};
      var entries = [].concat.apply([], loaded.slice(1)).map(function (e) {
        var text = fold([e.t, e.s, e.g, e.x].join(" "));
        var stems = {};
        words(text).forEach(function (w) { stems[w] = true; });
        (e.k || "").split(" ").filter(Boolean).forEach(function (pair) {
          var parts = pair.split("=");
          var forms = parts[1].split(",");
          vocabulary[parts[0]] = forms;
          forms.forEach(function (s) { stems[s] = true; });
        });
        return { e: e, text: text, stems: stems };
      });
      index = { entries: entries, vocabulary: vocabulary, synonyms: loaded[0] };
      return index;
    });
  }
  // What may stand for a query word: its stems (the word itself when the site shows no other),
  // the stems and phrases of its synonym groups.
  function alternatives(word, idx) {
    var known = idx.vocabulary[word];
    var stems = (known || []).concat([word]);
    var phrases = [];
    idx.synonyms.forEach(function (group) {
      if (group.k.some(function (s) { return stems.indexOf(s) >= 0; })) {
        stems = stems.concat(group.k);
        phrases = phrases.concat(group.p);
      }
    });
    return { word: word, stems: stems, phrases: phrases, known: !!known };
  }
  function matches(entry, alt) {
    if (entry.text.indexOf(alt.word) >= 0) return true;
    if (alt.stems.some(function (s) { return entry.stems[s]; })) return true;
    if (alt.phrases.some(function (p) { return entry.text.indexOf(p) >= 0; })) return true;
    // A form the site never shows ("hôpital" where only "hôpitaux" occurs): its stem is most
    // often the beginning of the word, and it is among the entry's stems.
    if (!alt.known && alt.word.length > 4) {
      for (var s in entry.stems) {
        if (s.length >= 4 && alt.word.indexOf(s) === 0) return true;
      }
    }
    return false;
  }
  function show(query) {
    var queryWords = words(query);
    var search = ++latest;
    results.textContent = "";
    if (!queryWords.length) return;
    load().then(function (idx) {
      if (search !== latest) return;
      results.textContent = "";
      var alts = queryWords.map(function (w) { return alternatives(w, idx); });
      var hits = idx.entries.filter(function (x) { return alts.every(function (a) { return matches(x, a); }); }).slice(0, 20);
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

// « Mon parc »: the reader ticks the vendors and products their structure runs, and downloads an
// OPML file of their feeds, made here. The choice never leaves the browser: no request carries
// it (the file is built in memory and saved from a blob: address), no server stores it.
(function () {
  "use strict";
  var parc = document.getElementById("parc");
  if (!parc || !window.Blob || !window.URL) return;
  var boxes = Array.prototype.slice.call(parc.querySelectorAll("input[type=checkbox]"));
  var filter = document.getElementById("parc-filtre");
  var button = document.getElementById("parc-telecharger");
  var count = document.getElementById("parc-compte");
  if (!boxes.length || !filter || !button) return;
  parc.querySelector(".parc-filter").hidden = false;
  parc.querySelector(".parc-actions").hidden = false;
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function chosen() { return boxes.filter(function (box) { return box.checked; }); }
  function opml() {
    var lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
                 "    <title>" + escape(parc.getAttribute("data-site") + " — mon parc") + "</title>", "  </head>", "  <body>"];
    chosen().forEach(function (box) {
      var title = escape(box.getAttribute("data-title"));
      lines.push('    <outline type="rss" text="' + title + '" title="' + title + '" xmlUrl="' + escape(box.getAttribute("data-feed"))
                 + '" htmlUrl="' + escape(box.getAttribute("data-page")) + '"/>');
    });
    lines.push("  </body>", "</opml>");
    return lines.join("\n") + "\n";
  }
  function update() {
    var n = chosen().length;
    count.textContent = n + (n > 1 ? " flux choisis" : " flux choisi");
    button.disabled = n === 0;
  }
  filter.addEventListener("input", function () {
    var words = fold(filter.value).split(/\s+/).filter(Boolean);
    boxes.forEach(function (box) {
      var title = fold(box.getAttribute("data-title"));
      box.closest("li").hidden = !words.every(function (word) { return title.indexOf(word) >= 0; });
    });
  });
  parc.addEventListener("change", update);
  button.addEventListener("click", function () {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([opml()], { type: "text/x-opml" }));
    link.download = "mon-parc.opml";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  });
  update();
  // For the browser check (scripts/check-site): the file the button saves.
  window.cyberveilleParc = { opml: opml };
})();
