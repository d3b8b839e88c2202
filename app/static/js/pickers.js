/* Pickers (progressive enhancement; every picker works without this file, see _macros.html).

   Region picker: <div class="region-picker" data-options-url data-blank data-name> holding one
   <select> per level. The server draws the levels in scope with the current choice; this script
   loads the next level's options when one is chosen and posts a single value (the deepest choice).

   Person picker: <div class="person-picker" data-search-url data-name> holding a text input (the
   person's number without JavaScript). The script turns it into a name search in scope. */
(function () {
  "use strict";

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }

  function option(text, value) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function initRegionPicker(root) {
    var selects = Array.prototype.slice.call(root.querySelectorAll("select"));
    var url = root.getAttribute("data-options-url");
    if (!selects.length || !url) { return; }
    var blankTemplate = root.getAttribute("data-blank") || "请选择{level}";
    var rootInput = root.querySelector("input[data-root]");
    var value = document.createElement("input");
    value.type = "hidden";
    value.name = root.getAttribute("data-name");
    root.appendChild(value);
    if (rootInput) { rootInput.removeAttribute("name"); }
    selects.forEach(function (select) { select.removeAttribute("name"); });

    function deepest() {
      for (var i = selects.length - 1; i >= 0; i--) {
        if (!selects[i].disabled && selects[i].value) { return selects[i].value; }
      }
      return rootInput ? rootInput.value : "";
    }

    function waiting(select, text) {
      select.innerHTML = "";
      select.appendChild(option(text, ""));
      select.disabled = true;
    }

    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        for (var j = index + 1; j < selects.length; j++) { waiting(selects[j], "请先选择上一级"); }
        value.value = deepest();
        var next = selects[index + 1];
        var chosen = select.value;
        if (!next || !chosen) { return; }
        waiting(next, "加载中…");
        fetchJSON(url + "?parent=" + encodeURIComponent(chosen)).then(function (data) {
          if (select.value !== chosen) { return; }
          next.innerHTML = "";
          next.appendChild(option(blankTemplate.replace("{level}", next.getAttribute("data-level-label") || "")
            .replace("{parent}", data.parent.name), ""));
          data.children.forEach(function (child) { next.appendChild(option(child.name, child.code)); });
          next.disabled = false;
        }).catch(function () {
          waiting(next, "加载失败，请稍后重选");
        });
      });
    });
    value.value = deepest();
    // Back/forward restores the selects' choices; keep the posted value in step with them.
    window.addEventListener("pageshow", function () { value.value = deepest(); });
  }

  function initPersonPicker(root) {
    var url = root.getAttribute("data-search-url");
    var input = root.querySelector("input[type=search]");
    var id = root.querySelector("input[data-person-id]");
    var chosen = root.querySelector("[data-person-chosen]");
    var results = root.querySelector("[data-person-results]");
    if (!url || !input || !id || !results) { return; }
    var timer = null;
    var asked = "";

    function clear() { results.innerHTML = ""; }

    function choose(person) {
      id.value = String(person.id);
      chosen.innerHTML = "";
      chosen.appendChild(document.createTextNode("已选："));
      var name = document.createElement("strong");
      name.textContent = person.name;
      chosen.appendChild(name);
      chosen.appendChild(document.createTextNode("（" + person.id_number + "）"));
      input.value = "";
      input.placeholder = "输入其他姓名可更换";
      input.classList.remove("is-invalid");
      clear();
    }

    function show(people, query) {
      clear();
      if (!people.length) {
        var none = document.createElement("div");
        none.className = "list-group-item text-muted small";
        none.textContent = "您的管辖范围内没有找到「" + query + "」。";
        results.appendChild(none);
        return;
      }
      people.forEach(function (person) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.textContent = person.name + "　";
        var detail = document.createElement("span");
        detail.className = "text-muted small";
        detail.textContent = person.village + " · " + person.id_number;
        button.appendChild(detail);
        button.addEventListener("click", function () { choose(person); });
        results.appendChild(button);
      });
    }

    function search() {
      var query = input.value.trim();
      asked = query;
      if (!query) { clear(); return; }
      fetchJSON(url + "?q=" + encodeURIComponent(query)).then(function (data) {
        if (asked === query) { show(data.results, query); }
      }).catch(clear);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    // Enter in the search box searches at once instead of submitting the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); search(); }
    });
  }

  document.querySelectorAll(".region-picker").forEach(initRegionPicker);
  document.querySelectorAll(".person-picker").forEach(initPersonPicker);
})();
