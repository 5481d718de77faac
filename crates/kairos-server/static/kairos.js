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

// Console: availability and settings.
(function () {
  "use strict";

  // Time-window editors (weekly hours, date overrides): without this script each day shows its
  // windows plus blank rows; with it, blank rows give way to "Add a window" and "Remove".
  var rowTemplate = document.getElementById("window-row-template");
  var containers = document.querySelectorAll("[data-windows]");
  if (!rowTemplate || !containers.length) {
    return;
  }
  document.body.classList.add("js-hours");
  document.querySelectorAll("[data-without-js]").forEach(function (note) {
    note.hidden = true;
  });
  var counter = 1000;

  var escapeText = function (text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  };

  var groupOf = function (container) {
    return container.closest("[data-day]");
  };

  var isBlank = function (row) {
    var inputs = row.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].value) {
        return false;
      }
    }
    return !row.classList.contains("invalid");
  };

  var newRow = function (container, start, end) {
    var group = groupOf(container);
    var key = container.getAttribute("data-windows");
    counter += 1;
    var html = rowTemplate.innerHTML
      .replace(/__ID__/g, key)
      .replace(/__NAME__/g, key)
      .replace(/__N__/g, String(counter))
      .replace(/__NUMBER__/g, String(container.children.length + 1))
      .replace(/__LABEL__/g, escapeText(group.getAttribute("data-label") || ""));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    var inputs = row.querySelectorAll("input");
    inputs[0].value = start || "";
    inputs[1].value = end || "";
    container.appendChild(row);
    return row;
  };

  var ensureRow = function (container) {
    if (!container.children.length) {
      newRow(container);
    }
  };

  containers.forEach(function (container) {
    // Keep filled rows and rows with a problem; one blank row at most when nothing is filled.
    Array.prototype.slice.call(container.children).forEach(function (row) {
      if (isBlank(row)) {
        container.removeChild(row);
      }
    });
    ensureRow(container);
    var group = groupOf(container);
    var add = group.querySelector("[data-add-window]");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", function () {
        newRow(container).querySelector("input").focus();
      });
    }
  });

  document.querySelectorAll("[data-remove-window]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-window]");
    if (!button) {
      return;
    }
    var row = button.closest(".window-row");
    var container = row.parentNode;
    container.removeChild(row);
    ensureRow(container);
    var add = groupOf(container).querySelector("[data-add-window]");
    if (add) {
      add.focus();
    }
  });

  // Unticked days are closed: hide their windows.
  document.querySelectorAll("[data-day-toggle]").forEach(function (toggle) {
    var day = toggle.closest("[data-day]");
    var sync = function () {
      day.classList.toggle("is-closed", !toggle.checked);
    };
    toggle.addEventListener("change", sync);
    sync();
  });

  // "Copy Monday to Tuesday–Friday".
  var copy = document.querySelector("[data-copy-monday]");
  var monday = document.querySelector("[data-windows=monday]");
  if (copy && monday) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var source = document.getElementById("monday-on");
      var pairs = [];
      monday.querySelectorAll(".window-row").forEach(function (row) {
        var inputs = row.querySelectorAll("input");
        if (inputs[0].value || inputs[1].value) {
          pairs.push([inputs[0].value, inputs[1].value]);
        }
      });
      ["tuesday", "wednesday", "thursday", "friday"].forEach(function (key) {
        var container = document.querySelector("[data-windows=" + key + "]");
        var toggle = document.getElementById(key + "-on");
        if (!container || !toggle) {
          return;
        }
        container.innerHTML = "";
        pairs.forEach(function (pair) {
          newRow(container, pair[0], pair[1]);
        });
        ensureRow(container);
        toggle.checked = source ? source.checked : true;
        toggle.dispatchEvent(new Event("change"));
      });
      var label = copy.textContent;
      copy.textContent = "Copied to Tuesday–Friday";
      window.setTimeout(function () { copy.textContent = label; }, 2000);
    });
  }

  // A date override that makes the date unavailable needs no times.
  var modes = document.querySelectorAll("[data-override-mode] input[type=radio]");
  var overrideWindows = document.getElementById("override-windows");
  if (modes.length && overrideWindows) {
    var syncMode = function () {
      var off = document.getElementById("override-mode-off");
      overrideWindows.classList.toggle("is-closed", !!(off && off.checked));
    };
    modes.forEach(function (radio) {
      radio.addEventListener("change", syncMode);
    });
    syncMode();
  }
})();
