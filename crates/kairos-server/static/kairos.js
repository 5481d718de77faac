// Kairos booking pages: small enhancements only; every page works without this file.
(function () {
  "use strict";

  // Show times in the reader's own zone: when the address names no zone yet, reload once with
  // the zone the browser reports (skipped when it is already the zone shown).
  var picker = document.querySelector("[data-zone]");
  if (picker && window.Intl && Intl.DateTimeFormat) {
    var params = new URLSearchParams(window.location.search);
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      zone = "";
    }
    if (!params.has("tz") && zone && zone !== picker.getAttribute("data-zone")) {
      params.set("tz", zone);
      window.location.replace(window.location.pathname + "?" + params.toString());
    }
  }

  // A form is sent once: a second click while the first request runs would only be refused.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "1");
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("sending");
      }
    });
  });

  // After a failed submit, bring the list of problems into view and focus.
  var errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
  }
  // Copy buttons (the console's booking link): copy the named field's text, say so briefly.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) {
        return;
      }
      var label = button.textContent;
      var copied = function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          field.select();
        });
      } else {
        field.select();
        if (document.execCommand && document.execCommand("copy")) {
          copied();
        }
      }
    });
  });
})();

// Console: bookings and analytics. A button with data-confirm asks first (the form works
// without this; the question only guards against a slip of the finger).
(function () {
  "use strict";
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
  });
})();

// Console: event types.
(function () {
  "use strict";

  // Controls that only work with this script (copy buttons, "Add question") start hidden.
  document.querySelectorAll("[data-js-only][hidden]").forEach(function (control) {
    control.hidden = false;
  });

  // A new event type's slug follows its name until the slug is edited by hand (the server
  // makes the same slug from the name when the field is left blank).
  var slugify = function (text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, 64).replace(/-+$/, "");
  };
  var slug = document.querySelector("[data-slug-from]");
  var slugSource = slug && document.getElementById(slug.getAttribute("data-slug-from"));
  if (slug && slugSource) {
    var typed = slug.value !== "";
    slug.addEventListener("input", function () {
      typed = slug.value !== "";
    });
    slugSource.addEventListener("input", function () {
      if (!typed) {
        slug.value = slugify(slugSource.value);
      }
    });
  }

  // The options box shows only for question types that take options.
  var syncOptions = function (select) {
    var row = select.closest("[data-question]");
    var box = row && row.querySelector("[data-options]");
    var option = select.options[select.selectedIndex];
    if (box && option) {
      box.hidden = !option.hasAttribute("data-takes-options");
    }
  };
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-question-type]")) {
      syncOptions(event.target);
    }
  });
  document.querySelectorAll("[data-question-type]").forEach(syncOptions);

  // "Add question": a blank row copied from the page's template, numbered after the others.
  var add = document.querySelector("[data-add-question]");
  var list = document.getElementById("question-list");
  var template = document.getElementById("question-template");
  if (add && list && template) {
    add.addEventListener("click", function () {
      var index = parseInt(list.getAttribute("data-next-index") || "0", 10);
      var html = template.innerHTML
        .replace(/__INDEX__/g, String(index))
        .replace(/__NUMBER__/g, String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      list.setAttribute("data-next-index", String(index + 1));
      var row = list.lastElementChild;
      if (row) {
        row.querySelectorAll("[data-question-type]").forEach(syncOptions);
        var label = row.querySelector("input[type=text]");
        if (label) {
          label.focus();
        }
      }
    });
  }
})();
