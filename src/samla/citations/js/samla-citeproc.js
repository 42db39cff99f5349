// Samla's glue around citeproc-js, evaluated in the mini-racer context after citeproc_commonjs.js.
// Python (samla/citations/engine.py) builds engines by key, renders one item, and drops engines it evicts.
var SAMLA = (function () {
  "use strict";
  var locales = {};
  var items = {};
  var engines = {};
  var sys = {
    retrieveLocale: function (lang) { return locales[lang]; },
    retrieveItem: function (id) { return items[id]; }
  };
  return {
    addLocales: function (map) {
      for (var code in map) { locales[code] = map[code]; }
      return Object.keys(locales).length;
    },
    build: function (key, styleXml, lang) {
      // The locale is forced over the style's default-locale: the reader chose the language.
      engines[key] = new CSL.Engine(sys, styleXml, lang, true);
      return true;
    },
    drop: function (key) { delete engines[key]; return true; },
    render: function (key, item, format) {
      var engine = engines[key];
      engine.setOutputFormat(format);
      return entry(engine, item, 0);
    },
    // Many items in one call, each rendered on its own (so each entry equals the one `render` gives and
    // can share its cache). A numbered style's entries are numbered from `firstNumber` when it is > 0, so
    // a bibliography rendered chunk by chunk is numbered throughout.
    renderEach: function (key, list, format, firstNumber) {
      var engine = engines[key];
      engine.setOutputFormat(format);
      var entries = [];
      for (var i = 0; i < list.length; i++) {
        entries.push(entry(engine, list[i], firstNumber ? firstNumber + i : 0));
      }
      return entries;
    },
    // Whether the style's bibliography prints citation numbers ([1], 1.), which depend on the position.
    numbered: function (key) { return engines[key].opt.bib_mode === CSL.NUMERIC; }
  };

  function entry(engine, item, number) {
    items = {};
    items[item.id] = item;
    engine.updateItems([item.id]);
    if (number) { engine.registry.registry[item.id].seq = number; }
    var bibliography = engine.makeBibliography();
    if (bibliography && bibliography[1].length) {
      return bibliography[1].join("");
    }
    // A style without a bibliography (a note style): the citation itself.
    return engine.makeCitationCluster([{ id: item.id }]);
  }
})();
