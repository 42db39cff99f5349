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
      items = {};
      items[item.id] = item;
      engine.setOutputFormat(format);
      engine.updateItems([item.id]);
      var bibliography = engine.makeBibliography();
      if (bibliography && bibliography[1].length) {
        return bibliography[1].join("");
      }
      // A style without a bibliography (a note style): the citation itself.
      return engine.makeCitationCluster([{ id: item.id }]);
    }
  };
})();
