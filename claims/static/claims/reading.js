/* The desk's reading view and claim forms: highlights and the claims panel point at each other; a selection
   (mouse or keyboard) opens the claim form with its positions in code points; suggestions; one fieldset per kind;
   the attendee autocomplete; comments on a selection, their highlights, and the @mention autocomplete. Plain script, no build step; every page works without it. */
(function () {
  "use strict";

  /* What the script says to the user comes translated from the template (desk/includes/reading_script.html):
     say("notInText", {query: "…"}) fills the {query} placeholder. */
  var strings = (function () {
    var element = document.getElementById("reading-strings");
    return element ? JSON.parse(element.textContent) : {};
  })();

  function say(key, values) {
    var text = strings[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function codePoints(s) { return Array.from(s).length; }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) {
      return r.json();
    });
  }

  /* --- Claim forms: only the chosen kind's fields --------------------------------------------------------- */

  function setUpKindPicker(form) {
    var picker = form.querySelector("select[name=kind]");
    if (!picker) return;
    function show() {
      form.querySelectorAll("fieldset.kind-fields").forEach(function (fs) {
        fs.hidden = fs.dataset.kind !== picker.value;
      });
    }
    picker.addEventListener("change", show);
    show();
  }

  /* --- Attendees: autocomplete over entities, or create one on the spot ----------------------------------- */

  function entityLabel(entity) {
    var names = [entity.name];
    Object.keys(entity.names || {}).forEach(function (lang) {
      if (names.indexOf(entity.names[lang]) < 0) names.push(entity.names[lang]);
    });
    return names.join(" · ");
  }

  function setUpAttendees(editor) {
    var input = editor.querySelector(".attendee-search");
    var list = editor.querySelector(".attendee-options");
    var status = editor.querySelector(".attendee-status");
    var body = editor.querySelector(".attendee-rows tbody");
    var template = editor.querySelector("template.attendee-row-template");
    var options = [];
    var active = -1;
    var timer = null;

    editor.querySelectorAll("tr.blank-row").forEach(function (row) { row.remove(); });
    editor.querySelector(".autocomplete").hidden = false;

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function addRow(entity) {
      var taken = body.querySelector("input[name=attendee_entity][value='" + entity.id + "']");
      if (taken) { status.textContent = say("alreadyListed", {name: entity.name}); close(); return; }
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector("[name=attendee_entity]").value = entity.id;
      row.querySelector("[name=attendee_label]").value = entity.name;
      row.querySelector(".attendee-label").textContent = entityLabel(entity);
      body.appendChild(row);
      input.value = "";
      close();
      status.textContent = say("added", {name: entity.name});
    }

    function create(name) {
      var data = new FormData();
      data.append("name", name);
      data.append("kind", "person");
      fetch(editor.dataset.create, {method: "POST", body: data, credentials: "same-origin",
                                    headers: {"X-CSRFToken": csrfToken()}})
        .then(function (r) {
          return r.json().then(function (json) {
            if (!r.ok) throw new Error(json.name || json.kind || say("entityFailed"));
            return json;
          });
        })
        .then(addRow)
        .catch(function (err) { status.textContent = err.message; });
    }

    function choose(index) {
      var option = options[index];
      if (!option) return;
      if (option.entity) addRow(option.entity); else create(option.create);
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(results, query) {
      list.textContent = "";
      options = results.map(function (e) { return {entity: e, text: entityLabel(e)}; });
      options.push({create: query, text: say("createPerson", {query: query})});
      options.forEach(function (option, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dir = "auto";
        li.textContent = option.text;
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      clearTimeout(timer);
      if (!query) { close(); return; }
      timer = setTimeout(function () {
        getJSON(editor.dataset.search + "?q=" + encodeURIComponent(query)).then(function (json) {
          if (input.value.trim() === query) render(json.results, query);
        });
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        highlight(active + (ev.key === "ArrowDown" ? 1 : -1));
      } else if (ev.key === "Enter") {
        ev.preventDefault();  // never submit the claim form from the search box
        choose(active);
      } else if (ev.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    body.addEventListener("click", function (ev) {
      var button = ev.target.closest(".remove-attendee");
      if (button) button.closest("tr").remove();
    });
  }

  /* --- @mentions: desk members by username or name (Arabic or Latin), typed after "@" ------------------------ */

  function setUpMentions(box, n) {
    var list = document.createElement("ul");
    var options = [];
    var active = -1;
    var timer = null;
    list.className = "mention-options";
    list.id = "mention-options-" + n;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", say("deskMembers"));
    list.hidden = true;
    box.insertAdjacentElement("afterend", list);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "false");

    function typed() {
      // The "@word" just before the caret; the word may be Arabic, so anything but blanks and "@".
      var match = box.value.slice(0, box.selectionStart).match(/(^|[\s(\u060C])@([^\s@]*)$/);
      return match ? {query: match[2], at: box.selectionStart - match[2].length - 1} : null;
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", items[active].id);
    }

    function choose(index) {
      var member = options[index];
      var where = typed();
      if (!member || !where) return;
      var after = box.value.slice(box.selectionStart);
      var insert = "@" + member.username + " ";
      box.value = box.value.slice(0, where.at) + insert + after;
      box.selectionStart = box.selectionEnd = where.at + insert.length;
      close();
      box.focus();
    }

    function render(results) {
      list.textContent = "";
      options = results;
      if (!results.length) { close(); return; }
      results.forEach(function (member, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dir = "auto";
        li.textContent = "@" + member.username + (member.name !== member.username ? " · " + member.name : "");
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    box.addEventListener("input", function () {
      var where = typed();
      clearTimeout(timer);
      if (!where || !where.query) { close(); return; }
      timer = setTimeout(function () {
        getJSON(box.dataset.members + "?q=" + encodeURIComponent(where.query)).then(function (json) {
          var now = typed();
          if (now && now.query === where.query) render(json.results);
        });
      }, 120);
    });
    box.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        highlight(active + (ev.key === "ArrowDown" ? 1 : -1));
      } else if (ev.key === "Enter" || ev.key === "Tab") {
        ev.preventDefault();  // a name chosen, not a line break or the next field
        choose(active);
      } else if (ev.key === "Escape") {
        close();
      }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* --- The reading view ------------------------------------------------------------------------------------ */

  function setUpReading(text) {
    var length = Number(text.dataset.length);
    var chars = Array.from(text.textContent);
    var tools = document.getElementById("extract-tools");
    var button = document.getElementById("create-from-selection");
    var commentButton = document.getElementById("comment-from-selection");
    var commentPanel = document.getElementById("comment-form-panel");
    var status = document.getElementById("selection-status");
    var find = document.getElementById("find-in-text");
    var panel = document.getElementById("claim-form-panel");
    var form = document.getElementById("claim-form");
    var current = null;
    var lastFind = null;

    function spanLength(id) {
      var item = document.getElementById("claim-" + id);
      return item ? item.dataset.end - item.dataset.start : Infinity;
    }

    function focusClaim(id, from) {
      document.querySelectorAll(".active[data-claims], .claims-in-order li.active").forEach(function (el) {
        el.classList.remove("active");
      });
      var first = null;
      text.querySelectorAll("mark[data-claims]").forEach(function (mark) {
        if (mark.dataset.claims.split(" ").indexOf(id) >= 0) {
          mark.classList.add("active");
          first = first || mark;
        }
      });
      var item = document.getElementById("claim-" + id);
      if (item) item.classList.add("active");
      if (from === "text" && item) {
        item.scrollIntoView({block: "nearest"});
        item.querySelector("a").focus({preventScroll: true});
      } else if (from === "panel" && first) {
        first.scrollIntoView({block: "nearest"});
      }
    }

    text.addEventListener("click", function (ev) {
      var mark = ev.target.closest("mark[data-claims]");
      if (!mark || !window.getSelection().isCollapsed || text.isContentEditable) return;
      // Of nested claims, the click means the innermost: the shortest span covering it.
      var ids = mark.dataset.claims.split(" ").sort(function (a, b) { return spanLength(a) - spanLength(b); });
      focusClaim(ids[0], "text");
    });
    document.querySelectorAll(".claims-in-order li[data-claim]").forEach(function (item) {
      item.addEventListener("focusin", function () { focusClaim(item.dataset.claim, "panel"); });
      item.addEventListener("click", function (ev) {
        if (!ev.target.closest("a")) focusClaim(item.dataset.claim, "panel");
      });
    });

    // A boundary of the DOM selection as a code point offset into the article's text. Segments carry their
    // start in code points; inside one, the browser's offset counts UTF-16 units of its single text node.
    function pointOf(node, offset) {
      if (node.nodeType === Node.TEXT_NODE) {
        var segment = node.parentElement.closest("[data-start]");
        return Number(segment.dataset.start) + codePoints(node.data.slice(0, offset));
      }
      if (node === text) {
        var child = text.childNodes[offset];
        return child ? Number(child.dataset.start) : length;
      }
      var element = node.closest("[data-start]");
      return Number(element.dataset.start) + (offset === 0 ? 0 : codePoints(element.textContent));
    }

    function readSelection() {
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) return null;
      var range = selection.getRangeAt(0);
      if (!range.intersectsNode(text)) return null;
      var whole = document.createRange();
      whole.selectNodeContents(text);
      var start = whole.comparePoint(range.startContainer, range.startOffset) < 0 ? 0
        : pointOf(range.startContainer, range.startOffset);
      var end = whole.comparePoint(range.endContainer, range.endOffset) > 0 ? length
        : pointOf(range.endContainer, range.endOffset);
      // Drop the blanks a mouse drag picks up at either edge.
      while (start < end && /\s/.test(chars[start])) start++;
      while (end > start && /\s/.test(chars[end - 1])) end--;
      if (end <= start) return null;
      return {start: start, end: end, exact: chars.slice(start, end).join("")};
    }

    function showSelection() {
      button.disabled = !current;
      commentButton.disabled = !current;
      status.textContent = current
        ? say("selected", {count: current.end - current.start, start: current.start, end: current.end})
        : say("selectHint");
    }

    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      var inText = selection.anchorNode && text.contains(selection.anchorNode);
      // A click in the panel collapses the selection elsewhere: keep the last one the editor made.
      if (!selection.isCollapsed || inText) {
        current = readSelection();
        showSelection();
      }
    });

    // Keyboard selection: the text takes a caret (it stays read-only), Shift+arrows select, Enter creates.
    function caretMode(on) {
      if (on) {
        text.contentEditable = "true";
        text.spellcheck = false;
        text.setAttribute("aria-readonly", "true");
        text.setAttribute("aria-label", say("textLabel"));
      } else {
        text.removeAttribute("contenteditable");
        text.removeAttribute("aria-readonly");
      }
    }
    text.addEventListener("beforeinput", function (ev) { ev.preventDefault(); });
    text.addEventListener("keydown", function (ev) {
      if (!text.isContentEditable) return;
      if (ev.key === "Enter") {
        ev.preventDefault();
        current = readSelection() || current;  // selectionchange may not have fired yet
        if (current) openForm(current);
      } else if (ev.key === "Escape") {
        caretMode(false);
        find.focus();
      }
    });

    function selectUnits(from, to) {
      // from/to are UTF-16 offsets into the whole text; find the segments' text nodes holding them.
      var points = [];
      var offset = 0;
      Array.prototype.forEach.call(text.childNodes, function (segment) {
        var node = segment.firstChild;
        var size = segment.textContent.length;
        [from, to].forEach(function (target, i) {
          if (points[i] === undefined && target <= offset + size && node) points[i] = [node, target - offset];
        });
        offset += size;
      });
      var selection = window.getSelection();
      selection.setBaseAndExtent(points[0][0], points[0][1], points[1][0], points[1][1]);
    }

    find.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      var query = find.value.trim();
      if (!query) return;
      var whole = text.textContent;
      var from = lastFind && lastFind.query === query ? lastFind.at + 1 : 0;
      var at = whole.indexOf(query, from);
      if (at < 0 && from > 0) at = whole.indexOf(query);
      if (at < 0) { status.textContent = say("notInText", {query: query}); return; }
      lastFind = {query: query, at: at};
      caretMode(true);
      text.focus({preventScroll: true});
      selectUnits(at, at + query.length);
      window.getSelection().getRangeAt(0).startContainer.parentElement.scrollIntoView({block: "center"});
    });

    function setField(name, value) {
      var field = form.elements[name];
      if (!field || value === null || value === undefined) return;
      if (field.type === "checkbox") field.checked = Boolean(value); else field.value = value;
    }

    function describeQuantity(q) {
      var number = q.value !== null ? q.value : "[" + (q.lower === null ? "…" : q.lower) + "–" +
        (q.upper === null ? "…" : q.upper) + "]";
      return (q.approximate ? "≈ " : "") + number + (q.unit ? " " + q.unit : "");
    }

    function useQuantity() {
      var picker = form.querySelector("select[name=kind]");
      picker.value = "quantity";
      picker.dispatchEvent(new Event("change"));
    }

    // The words come from the template (translated): data-intro, data-quantity, data-date, data-resolved.
    function applySuggestions(s) {
      var box = panel.querySelector(".suggestion");
      var words = box.dataset;
      var notes = [];
      var picker = form.querySelector("select[name=kind]");
      if (s.quantity) {
        ["value", "lower", "upper", "unit", "approximate"].forEach(function (name) {
          setField("quantity-" + name, s.quantity[name]);
        });
        // A number in the selection makes a quantity claim unless the editor already picked another kind.
        if (picker.value === "other") useQuantity();
        notes.push(words.quantity + " " + describeQuantity(s.quantity));
      }
      if (s.date) {
        ["meeting-date", "event-date", "quote-date"].forEach(function (name) { setField(name, s.date.value); });
        setField("event-date_text", s.date.matched);
        notes.push(words.date + " “" + s.date.matched + "” → " + s.date.value +
                   (s.date.relative ? " (" + words.resolved + " " + s.date.reference + ")" : ""));
      }
      box.textContent = notes.length ? words.intro + " " + notes.join("; ") + ". " : "";
      if (s.quantity && picker.value !== "quantity") {
        var use = document.createElement("button");
        use.type = "button";
        use.className = "secondary use-suggestion";
        use.textContent = words.useQuantity;
        use.addEventListener("click", function () { useQuantity(); use.remove(); });
        box.appendChild(use);
      }
    }

    function openForm(selection) {
      form.reset();
      form.querySelectorAll(".attendee-rows tbody tr").forEach(function (row) { row.remove(); });
      form.querySelector("select[name=kind]").dispatchEvent(new Event("change"));
      setField("start", selection.start);
      setField("end", selection.end);
      setField("exact", selection.exact);
      panel.querySelector(".suggestion").textContent = "";
      panel.hidden = false;
      caretMode(false);
      getJSON(form.dataset.suggest + "?start=" + selection.start + "&end=" + selection.end).then(applySuggestions);
      panel.scrollIntoView({block: "start"});
      form.querySelector("select[name=kind]").focus();
    }

    button.addEventListener("click", function () { if (current) openForm(current); });

    // A comment on the selection: the comment form (which also works typed by hand) gets its words and positions.
    function openCommentForm(selection) {
      var form = commentPanel.querySelector("form");
      form.elements.exact.value = selection.exact;
      form.elements.start.value = selection.start;
      form.elements.end.value = selection.end;
      caretMode(false);
      commentPanel.scrollIntoView({block: "start"});
      form.elements.body.focus();
    }
    commentButton.addEventListener("click", function () { if (current) openCommentForm(current); });

    // Span comments and their highlights point at each other, as claims do.
    function focusComment(id, from) {
      document.querySelectorAll(".comment-active").forEach(function (el) { el.classList.remove("comment-active"); });
      var first = null;
      text.querySelectorAll("mark[data-comments]").forEach(function (mark) {
        if (mark.dataset.comments.split(" ").indexOf(id) >= 0) {
          mark.classList.add("comment-active");
          first = first || mark;
        }
      });
      var thread = document.querySelector(".comment-thread[data-comment='" + id + "']");
      if (thread) thread.classList.add("comment-active");
      if (from === "text" && thread) {
        thread.scrollIntoView({block: "nearest"});
        var target = thread.querySelector("summary, a, button");
        if (target) target.focus({preventScroll: true});
      } else if (from === "panel" && first) {
        first.scrollIntoView({block: "nearest"});
      }
    }
    text.addEventListener("click", function (ev) {
      var mark = ev.target.closest("mark[data-comments]");
      if (!mark || !window.getSelection().isCollapsed || text.isContentEditable) return;
      // Words both claimed and commented on: the claim takes the focus, the comment is shown beside it.
      focusComment(mark.dataset.comments.split(" ")[0], mark.dataset.claims ? "beside" : "text");
    });
    document.querySelectorAll("#span-comment-list .comment-thread[data-comment]").forEach(function (thread) {
      thread.addEventListener("focusin", function () { focusComment(thread.dataset.comment, "panel"); });
    });
    document.getElementById("cancel-claim").hidden = false;
    document.getElementById("cancel-claim").addEventListener("click", function () {
      panel.hidden = true;
      button.focus();
    });
    tools.hidden = false;

    var hash = window.location.hash.match(/^#claim-(\d+)$/);
    if (hash) focusClaim(hash[1], "panel");
    var commentHash = window.location.hash.match(/^#comment-(\d+)$/);
    if (commentHash) {
      var commented = document.getElementById("comment-" + commentHash[1]);
      var thread = commented && commented.closest(".comment-thread");
      if (thread) focusComment(thread.dataset.comment, "panel");
    }
  }

  document.querySelectorAll("form.claim-form").forEach(setUpKindPicker);
  document.querySelectorAll(".attendees-editor").forEach(setUpAttendees);
  document.querySelectorAll("textarea.mention-input").forEach(setUpMentions);
  var articleText = document.getElementById("article-text");
  if (articleText && document.getElementById("claim-form-panel")) setUpReading(articleText);
})();
