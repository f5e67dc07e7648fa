// edgecert console: small progressive enhancements. Every page works without this file;
// with it: files read into text areas, tag rows, copy buttons, the Confirm box, live job pages.
(function () {
  "use strict";

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    root.querySelectorAll && root.querySelectorAll(selector).forEach(fn);
  }

  function once(el, key) {
    if (el.dataset["bound" + key]) { return false; }
    el.dataset["bound" + key] = "1";
    return true;
  }

  // <input type="file" data-fill="textarea-id">: the chosen file's text goes into the text area.
  // The file is read here, in the browser; only the form's text areas are ever sent.
  function fileFill(input) {
    if (!once(input, "Fill")) { return; }
    input.addEventListener("change", function () {
      var target = document.getElementById(input.dataset.fill);
      var file = input.files && input.files[0];
      if (!target || !file) { return; }
      file.text().then(function (text) {
        target.value = text;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  function tagRows(root) {
    each(root, "#add-tag", function (button) {
      if (!once(button, "Add")) { return; }
      button.addEventListener("click", function () {
        var template = document.getElementById("tag-row-template");
        var rows = document.getElementById("tag-rows");
        if (!template || !rows) { return; }
        rows.appendChild(template.content.cloneNode(true));
        var inputs = rows.querySelectorAll("input[name=tagKey]");
        inputs[inputs.length - 1].focus();
      });
    });
    each(root, "#tag-rows", function (rows) {
      if (!once(rows, "Remove")) { return; }
      rows.addEventListener("click", function (e) {
        var button = e.target.closest(".remove-tag");
        if (!button) { return; }
        var row = button.closest(".tag-row");
        if (rows.querySelectorAll(".tag-row").length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        }
        document.getElementById("add-tag").focus();
      });
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }

  function copyButton(button) {
    if (!once(button, "Copy")) { return; }
    button.addEventListener("click", function () {
      var label = button.textContent;
      copyText(button.dataset.copy).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  }

  // The Apply button waits for the word; the server checks it again.
  function confirmBox(button) {
    if (!once(button, "Confirm")) { return; }
    var input = document.getElementById(button.dataset.needsConfirm);
    if (!input) { return; }
    var update = function () { button.disabled = input.value.trim() !== input.dataset.confirmWord; };
    input.addEventListener("input", update);
    update();
  }

  function confirmForm(form) {
    if (!once(form, "AskConfirm")) { return; }
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  }

  function filePreview(input) {
    if (!once(input, "Preview")) { return; }
    input.addEventListener("change", function () {
      var out = document.getElementById(input.id + "-preview");
      if (!out) { return; }
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      out.textContent = names.length + (names.length === 1 ? " file chosen: " : " files chosen: ") + names.join(", ");
    });
  }

  function badgeClass(status) {
    if (["SUCCEEDED", "Deployed", "DISTRIBUTED", "IMPORTED"].indexOf(status) >= 0) { return "badge ok"; }
    if (status === "FAILED") { return "badge bad"; }
    if (["RUNNING", "PENDING", "InProgress"].indexOf(status) >= 0) { return "badge warn"; }
    return "badge";
  }

  // Job page: counters follow server-sent events; when the job ends the section is fetched again.
  function liveJob(section) {
    if (!section.dataset.events || !once(section, "Live") || !window.EventSource) { return; }
    var source = new EventSource(section.dataset.events);
    var updates = 0;
    var apply = function (data) {
      updates += 1;
      section.dataset.liveUpdates = String(updates);
      var status = section.querySelector("[data-job-status]");
      if (status) { status.textContent = data.status; status.className = badgeClass(data.status); }
      data.steps.forEach(function (s) {
        var li = section.querySelector('[data-step="' + s.name + '"]');
        if (!li) { return; }
        var set = function (field, value) {
          var el = li.querySelector('[data-field="' + field + '"]');
          if (el) { el.textContent = value; }
        };
        set("status", s.status);
        set("succeeded", s.succeeded);
        set("total", s.total);
        set("failed", s.failed);
        var st = li.querySelector('[data-field="status"]');
        if (st) { st.className = badgeClass(s.status); }
        var bar = li.querySelector("progress");
        if (bar) { bar.max = Math.max(1, s.total); bar.value = s.succeeded; }
      });
    };
    // while it runs, the items (certificate, distribution, DNS records) are fetched again now and then
    var itemsFetched = Date.now();
    var refreshItems = function () {
      if (!window.htmx || Date.now() - itemsFetched < 3000 || !document.getElementById("job-items")) { return; }
      itemsFetched = Date.now();
      htmx.ajax("GET", window.location.pathname, { target: "#job-items", select: "#job-items", swap: "outerHTML" });
    };
    source.addEventListener("progress", function (e) { apply(JSON.parse(e.data)); refreshItems(); });
    source.addEventListener("finished", function (e) {
      source.close();
      apply(JSON.parse(e.data));
      var keep = updates;
      // the final items, DNS records and the cleanup button come from the server
      if (window.htmx) {
        htmx.ajax("GET", window.location.pathname, { target: "#job", select: "#job", swap: "outerHTML" }).then(function () {
          var fresh = document.getElementById("job");
          if (fresh) { fresh.dataset.liveUpdates = String(keep); fresh.dataset.finishedLive = "1"; }
        });
      }
    });
    source.addEventListener("gone", function () { source.close(); });
  }

  function init(root) {
    each(root, "input[type=file][data-fill]", fileFill);
    each(root, "input[type=file][multiple]", filePreview);
    tagRows(root);
    each(root, "button.copy[data-copy]", copyButton);
    each(root, "button[data-needs-confirm]", confirmBox);
    each(root, "form[data-confirm]", confirmForm);
    each(root, "#job[data-events]", liveJob);
  }

  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { init(document.body); });
})();
