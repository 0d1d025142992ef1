// The new-article form: a pasted text over the article limit is stopped here, still in the text box, instead of
// travelling to the server and back (the server says the same, with the form filled in, when scripts are off).
(function () {
  "use strict";
  var form = document.querySelector("form.article-form");
  if (!form) return;
  var text = form.querySelector("textarea[name=text]");
  var note = document.getElementById("article-size-note");
  var maxChars = Number(form.dataset.maxChars);

  form.addEventListener("submit", function (event) {
    // Code points, as the server counts (a UTF-16 length would count most emoji twice).
    var chars = text.value.length > maxChars ? Array.from(text.value).length : 0;
    if (chars <= maxChars) return;
    event.preventDefault();
    note.textContent = form.dataset.tooManyChars.replace("{length}", chars.toLocaleString());
    note.hidden = false;
    text.focus();
  });
})();
