/* The update editor (campaign.admin.MarkdownEditor): a live preview rendered by the server with
   the same sanitiser as the published page, and a picture upload that inserts its Markdown.
   Without this script the field is a plain textarea. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // One request at a time for the whole page: the English and Spanish previews both ask on load,
  // and a writer's burst of edits should not become parallel renders on the server.
  var queue = Promise.resolve();

  function post(url, body) {
    function send() {
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || "");
          }
          return data;
        });
      });
    }
    var result = queue.then(send, send);
    queue = result.catch(function () {});
    return result;
  }

  function setUp(editor) {
    var textarea = editor.querySelector("textarea");
    var preview = editor.querySelector("[data-md-preview]");
    var status = editor.querySelector("[data-md-status]");
    var timer = null;
    var latest = 0;
    editor.querySelector(".md-editor-preview").hidden = false;
    editor.querySelector(".md-editor-picture").hidden = false;
    editor.classList.add("md-editor-live");

    function refresh() {
      var asked = ++latest;
      var body = new FormData();
      body.append("text", textarea.value);
      post(editor.dataset.previewUrl, body)
        .then(function (data) {
          if (asked === latest) {
            // Sanitised by the server (core.markdown.render_markdown), exactly as published.
            preview.innerHTML = data.html;
            preview.removeAttribute("data-error");
          }
        })
        .catch(function () {
          if (asked === latest) {
            preview.setAttribute("data-error", "");
            status.textContent = editor.dataset.errorPreview;
          }
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
    refresh();

    editor.querySelector("[data-md-picture-insert]").addEventListener("click", function () {
      var file = editor.querySelector("[data-md-picture]");
      var description = editor.querySelector("[data-md-picture-description]");
      if (!file.files.length) {
        file.focus();
        return;
      }
      var body = new FormData();
      body.append("picture", file.files[0]);
      body.append("description", description.value);
      status.textContent = editor.dataset.uploading;
      post(editor.dataset.pictureUrl, body)
        .then(function (data) {
          var start = textarea.selectionStart;
          var end = textarea.selectionEnd;
          var before = textarea.value.slice(0, start);
          var text = (before && !/\n\n$/.test(before) ? "\n\n" : "") + data.markdown + "\n\n";
          textarea.value = before + text + textarea.value.slice(end);
          textarea.selectionStart = textarea.selectionEnd = start + text.length;
          file.value = "";
          description.value = "";
          status.textContent = editor.dataset.inserted;
          refresh();
          textarea.focus();
        })
        .catch(function (error) {
          status.textContent = error.message || editor.dataset.errorPicture;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-md-editor]"), setUp);
  });
})();
