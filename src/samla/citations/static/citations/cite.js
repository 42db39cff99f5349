// The Cite box without page reloads: the entry is fetched from /record/<id>/cite as the choices change, and
// "Other style" suggests styles by title. Without JavaScript the form is a plain GET of the record page.
(function () {
  "use strict";
  document.querySelectorAll("form.cite-form").forEach(function (form) {
    var box = form.closest(".cite-box");
    var entry = box.querySelector(".cite-entry");
    var otherStyle = form.querySelector("[name=other_style]");
    var matches = document.getElementById(otherStyle.getAttribute("list"));
    var searchTimer = null;

    function show(text, format) {
      if (format === "html") {
        entry.innerHTML = text;  // citeproc-js escapes the record's text; only its own markup remains
      } else {
        var pre = document.createElement("pre");
        pre.className = "cite-source";
        pre.textContent = text;
        entry.replaceChildren(pre);
      }
    }

    function update() {
      var params = new URLSearchParams(new FormData(form));
      fetch(form.dataset.citeUrl + "?" + params.toString())
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (text) {
          show(text, params.get("format"));
          history.replaceState(null, "", "?" + params.toString() + "#cite");
        })
        .catch(function () { form.submit(); });  // the page explains what went wrong
    }

    function suggest() {
      var q = otherStyle.value.trim();
      if (q.length < 3) { return; }
      fetch(form.dataset.styleSearchUrl + "?q=" + encodeURIComponent(q))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          matches.replaceChildren.apply(matches, data.styles.map(function (style) {
            var option = document.createElement("option");
            option.value = style.id;
            option.textContent = style.title;
            return option;
          }));
        });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        // A choice in a list replaces what was typed in its "Other" field.
        if (select.name === "style") { otherStyle.value = ""; }
        if (select.name === "locale") { form.querySelector("[name=other_locale]").value = ""; }
        update();
      });
    });
    form.querySelector("[name=other_locale]").addEventListener("change", update);
    otherStyle.addEventListener("change", update);
    otherStyle.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(suggest, 200);
    });
  });
})();
