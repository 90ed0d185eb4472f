// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Risk forms: show the score (kans × impact) at once, and the "why not assessable" fields
  // only when "cannot be assessed" is chosen.
  var strings = (document.getElementById("kia-strings") || {}).dataset || {};
  drafts();  // first: restored text is in the fields before the score form shows or hides them
  scoreForms();
  presence();
  copyButtons();
  focusOnArrival();
  focusAfterSwap();
  prescanRule();

  function scoreForms() {
  var matrixNode = document.getElementById("score-matrix");
  if (!matrixNode) return;
  var matrix = JSON.parse(matrixNode.textContent);
  document.querySelectorAll("[data-score-group]").forEach(function (group) {
    var output = group.querySelector("[data-score-output]");
    function chosen(part) {
      var input = group.querySelector("input[type=radio][name$='" + part + "']:checked");
      return input ? input.value : "";
    }
    function toggleReasons() {
      ["likelihood", "impact"].forEach(function (part) {
        var reason = group.querySelector("textarea[name$='" + part + "_reason']");
        if (!reason) return;
        var wrapper = reason.closest(".mb-3") || reason.parentElement;
        wrapper.hidden = chosen(part) !== "not_assessable" && reason.value.trim() === "";
      });
    }
    function update() {
      var l = chosen("likelihood"), i = chosen("impact");
      var cell = matrix.cells[l + ":" + i];
      output.classList.remove("score-na", "score-none");
      output.style.background = "";
      if (l === "not_assessable" || i === "not_assessable") {
        output.textContent = matrix.not_assessable;
        output.classList.add("score-na");
      } else if (cell) {
        output.textContent = cell.label;
        output.style.background = cell.colour;
      } else {
        output.textContent = matrix.unscored;
        output.classList.add("score-none");
      }
      toggleReasons();
    }
    group.addEventListener("change", update);
    update();
  });
  }

  // Drafts: every keystroke in a form marked data-draft is kept in localStorage (per form
  // and field, with the lock version it was typed against) until the server has that text.
  // Saving one answer reloads the page; the others come back from their drafts. A draft
  // typed against an older version keeps that version, so saving it shows the conflict.
  // The key is the assessment's id and the form's address; the "Saved" message after a
  // save names the form (data-saved-draft), and that form's drafts are dropped: a form for
  // a new row (whose address stays the same) does not offer the saved text again.
  function drafts() {
    var PREFIX = "kia-draft:";
    var MAX_AGE = 30 * 24 * 3600 * 1000;
    var store;
    try { store = window.localStorage; store.getItem("x"); } catch (e) { store = null; }
    var submitting = false;
    var tracked = [];
    function norm(text) { return (text || "").replace(/\r\n/g, "\n").trim(); }
    function read(key) {
      if (!store) return null;
      try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
    }
    if (store) {
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        var old = k && k.indexOf(PREFIX) === 0 ? read(k) : null;
        if (old && Date.now() - (old.t || 0) > MAX_AGE) store.removeItem(k);
      }
    }
    function drop(form) {
      if (!store || !form) return;
      var base = PREFIX + form + ":";
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        if (k && k.indexOf(base) === 0) store.removeItem(k);
      }
    }
    document.querySelectorAll("[data-saved-draft]").forEach(function (message) {
      drop(message.getAttribute("data-saved-draft"));
    });
    document.querySelectorAll("[data-discard-draft]").forEach(function (link) {
      link.addEventListener("click", function () {
        drop(link.getAttribute("data-discard-draft"));
        submitting = true;
      });
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var base = PREFIX + form.getAttribute("data-draft") + ":";
      var lock = form.querySelector("input[name=lock_version]");
      var loadedLock = lock ? lock.value : "";
      var unsaved = form.hasAttribute("data-unsaved");
      var restored = [];
      var stale = false;
      form.querySelectorAll("textarea[name], input[type=text][name]").forEach(function (field) {
        var key = base + field.name;
        var initial = field.value;
        var entry = { field: field, initial: initial, form: form };
        tracked.push(entry);
        var draft = read(key);
        if (unsaved) {
          entry.initial = null;  // refused by the server: unsaved until saved again
          keep();
        } else if (draft && norm(draft.text) !== norm(initial)) {
          field.value = draft.text;
          restored.push(field);
          if (lock && draft.v !== undefined && String(draft.v) !== loadedLock) {
            stale = true;
            lock.value = draft.v;  // saving shows the conflict instead of overwriting
          }
        } else if (draft && store) {
          store.removeItem(key);  // the server has this text now
        }
        function keep() {
          if (!store) return;
          if (entry.initial !== null && norm(field.value) === norm(entry.initial)) {
            store.removeItem(key);
          } else {
            var v = draft && restored.indexOf(field) >= 0 ? draft.v : loadedLock;
            try { store.setItem(key, JSON.stringify({ text: field.value, v: v, t: Date.now() })); } catch (e) { /* full */ }
          }
        }
        field.addEventListener("input", keep);
      });
      form.addEventListener("submit", function () { submitting = true; });
      // Whatever listens for typing (the character counter) counts the restored text too.
      restored.forEach(function (field) {
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
      if (restored.length) {
        var note = document.createElement("div");
        note.className = "alert alert-info py-2 draft-notice";
        note.setAttribute("role", "status");
        var text = document.createElement("span");
        text.textContent = (stale ? strings.restoredStale : strings.restored) + " ";
        note.appendChild(text);
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-dark ms-1";
        discard.textContent = strings.discard;
        discard.addEventListener("click", function () {
          restored.forEach(function (field) {
            tracked.forEach(function (t) {
              if (t.field === field) { field.value = t.initial; }
            });
            field.dispatchEvent(new Event("input", { bubbles: true }));
            if (store) store.removeItem(base + field.name);
          });
          if (lock) lock.value = loadedLock;
          note.remove();
        });
        note.appendChild(discard);
        form.insertBefore(note, form.firstChild);
        var details = form.closest("details");
        if (details) details.open = true;
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting) return;
      var dirty = tracked.some(function (t) {
        return t.initial === null || norm(t.field.value) !== norm(t.initial);
      });
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // "Someone else is editing": a heartbeat while an editor page is open, or once the user
  // types in a form on a chapter page.
  function presence() {
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    document.querySelectorAll("[data-presence-for]").forEach(function (box) {
      var item = box.getAttribute("data-presence-for");
      var url = box.getAttribute("data-presence-url");
      var form = box.closest("form");
      var onChapter = form && form.getAttribute("action");
      var timer = null;
      function beat() {
        if (!csrf) return;
        var body = new URLSearchParams({ item: item, csrfmiddlewaretoken: csrf.value });
        fetch(url, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) return;
            box.textContent = data.message;
            box.hidden = !data.message;
          })
          .catch(function () { /* offline: try again at the next beat */ });
      }
      function start() {
        if (timer) return;
        beat();
        timer = window.setInterval(beat, 15000);
      }
      if (onChapter) {
        form.addEventListener("input", start);
      } else {
        timer = window.setInterval(beat, 15000);
      }
    });
  }

  // After "Generate PDF" (htmx), keyboard focus goes to the status that replaced the button;
  // the periodic status polls leave focus where it is.
  function focusAfterSwap() {
    var asked = false;
    document.addEventListener("submit", function (event) {
      if (event.target.closest("#report-status")) asked = true;
    });
    document.addEventListener("htmx:afterSettle", function () {
      var status = document.getElementById("report-status");
      if (asked && status) { asked = false; status.focus(); }
    });
  }

  // 1.3 is only asked when 1.2 is "no": otherwise its answers are switched off (the server
  // refuses them with a message too).
  function prescanRule() {
    var q12 = document.querySelectorAll("input[name=prescan_accessible_to_minors]");
    var q13 = document.querySelectorAll("input[name=prescan_can_exclude_minors]");
    var hint = document.getElementById("q-1-3-hint");
    if (!q12.length || !q13.length) return;
    function update() {
      var chosen = document.querySelector("input[name=prescan_accessible_to_minors]:checked");
      var applies = chosen && chosen.value === "no";
      q13.forEach(function (radio) {
        if (radio.value === "") {
          if (!applies) radio.checked = true;
        } else {
          radio.disabled = !applies;
        }
      });
      if (hint) hint.hidden = !!applies;
    }
    q12.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(function () {
          button.firstChild.textContent = strings.copied;
        });
      });
    });
  }

  // Keyboard focus where the eye is: the first field with an error, or the item named in
  // the address after a save (…#q-2-1), instead of the top of the page.
  function focusOnArrival() {
    var invalid = document.querySelector("main .is-invalid, main [aria-invalid=true]");
    var target = invalid;
    if (!target && window.location.hash.length > 1) {
      try { target = document.querySelector(window.location.hash); } catch (e) { target = null; }
      if (target && !target.matches("a, button, input, select, textarea, [tabindex]")) {
        target.setAttribute("tabindex", "-1");
      }
    }
    if (!target) target = document.querySelector("[data-autofocus]");
    if (target) target.focus({ preventScroll: !!(window.location.hash && !invalid) });
  }
})();
