// The complaint form, one step at a time. Progressive enhancement: without this file the form is one page
// with a table of contents, and the server checks everything either way. Served as a static file because
// the CSP allows no inline script.
//
// Each <fieldset data-step> becomes a step with Back and Next. Next checks the step's own fields with the
// browser's constraint validation (required, email, date) before moving on; the server's errors, after a
// round trip, open the first step that has one. Step links and the error summary's links open the step
// holding their target.
(function () {
  "use strict";

  const form = document.querySelector("form[data-stepped-form]");
  if (!form) {
    return;
  }
  const steps = Array.from(form.querySelectorAll("fieldset[data-step]"));
  if (steps.length < 2) {
    return;
  }
  const nav = document.querySelector(".step-nav");
  const progress = document.querySelector("[data-step-progress]");
  const stepLinks = Array.from(document.querySelectorAll("[data-step-link]"));
  const submitRow = form.querySelector("[data-submit-row]");
  const submitButton = submitRow.querySelector("button[type=submit]");
  let current = 0;
  let furthest = 0;

  function title(step) {
    return step.querySelector("legend").textContent.replace(/^\s*\d+\.\s*/, "").trim();
  }

  function makeButton(text, className, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = text;
    button.addEventListener("click", onClick);
    return button;
  }

  // Each step gets its own row of buttons; the last step's row takes the form's submit button.
  steps.forEach(function (step, index) {
    const row = document.createElement("div");
    row.className = "form-actions step-actions";
    if (index > 0) {
      row.appendChild(makeButton("Back", "button-secondary", function () { show(index - 1, true); }));
    }
    if (index < steps.length - 1) {
      const next = makeButton("Next: " + title(steps[index + 1]), "button-next", function () {
        if (checkStep(index)) {
          show(index + 1, true);
        }
      });
      row.appendChild(next);
    } else {
      row.appendChild(submitButton);
    }
    step.appendChild(row);
  });
  submitRow.remove();
  form.classList.add("is-stepped");
  if (nav) {
    nav.classList.add("is-stepped");
  }

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    furthest = Math.max(furthest, current);
    steps.forEach(function (step, i) {
      step.hidden = i !== current;
    });
    updateNav();
    if (progress) {
      progress.textContent = "Step " + (current + 1) + " of " + steps.length + ": " + title(steps[current]);
    }
    if (moveFocus) {
      steps[current].focus({ preventScroll: true });
      form.scrollIntoView({ block: "start", behavior: "auto" });
    }
  }

  // A step counts as done once visited and complete; one with an error says so in the list too.
  function updateNav() {
    stepLinks.forEach(function (link, i) {
      const item = link.parentElement;
      const complete = fieldsOf(steps[i]).every(function (el) { return el.checkValidity(); });
      item.classList.toggle("is-current", i === current);
      item.classList.toggle("is-done", i !== current && i <= furthest && complete);
      const hasErrors = steps[i].querySelector(".has-errors") !== null;
      item.classList.toggle("has-errors", hasErrors);
      let flag = link.querySelector(".step-flag");
      if (hasErrors && !flag) {
        flag = document.createElement("span");
        flag.className = "step-flag";
        flag.textContent = " (needs attention)";
        link.appendChild(flag);
      } else if (!hasErrors && flag) {
        flag.remove();
      }
      if (i === current) {
        link.setAttribute("aria-current", "step");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  function fieldsOf(step) {
    return Array.from(step.querySelectorAll("input, select, textarea")).filter(function (el) {
      return el.willValidate;
    });
  }

  function container(el) {
    return el.closest(".form-field");
  }

  function clearClientError(el) {
    const box = container(el);
    const old = box && box.querySelector(".client-error");
    if (!old) {
      return;
    }
    box.querySelectorAll("[aria-describedby]").forEach(function (input) {
      const ids = input.getAttribute("aria-describedby").split(/\s+/).filter(function (id) { return id !== old.id; });
      if (ids.length) {
        input.setAttribute("aria-describedby", ids.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    });
    old.remove();
    if (!box.querySelector(".errorlist")) {
      box.classList.remove("has-errors");
      box.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    }
  }

  function messageFor(el) {
    if (el.validity.valueMissing) {
      if (el.type === "checkbox") {
        return "This statement is required to file a complaint.";
      }
      if (el.type === "radio") {
        return "Choose one of the options.";
      }
      return "Please answer this question.";
    }
    if (el.validity.typeMismatch && el.type === "email") {
      return "Enter an email address such as name@example.org.";
    }
    if (el.validity.badInput && el.type === "date") {
      return "Enter a whole date: day, month and year.";
    }
    return el.validationMessage;
  }

  // Shows the browser's verdict on each field of the step beside the field; true when all are fine.
  function checkStep(index) {
    const invalid = [];
    const seenRadioGroups = new Set();
    fieldsOf(steps[index]).forEach(function (el) {
      clearClientError(el);
      if (el.type === "radio") {
        if (seenRadioGroups.has(el.name)) {
          return;
        }
        seenRadioGroups.add(el.name);
      }
      if (!el.checkValidity()) {
        invalid.push(el);
      }
    });
    invalid.forEach(function (el) {
      const box = container(el);
      if (!box) {
        return;
      }
      const note = document.createElement("p");
      note.className = "client-error";
      note.id = (el.id || el.name) + "_client_error";
      note.textContent = messageFor(el);
      const after = box.querySelector(".errorlist") || box.querySelector(".helptext") || box.querySelector("label, legend");
      if (after && el.type !== "checkbox") {
        after.insertAdjacentElement("afterend", note);
      } else {
        box.insertBefore(note, box.firstChild);
      }
      box.classList.add("has-errors");
      const inputs = el.type === "radio" ? box.querySelectorAll("input[type=radio]") : [el];
      inputs.forEach(function (input) {
        input.setAttribute("aria-invalid", "true");
        const describedBy = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        describedBy.push(note.id);
        input.setAttribute("aria-describedby", describedBy.join(" "));
      });
    });
    updateNav();
    if (invalid.length) {
      invalid[0].focus();
      return false;
    }
    return true;
  }

  function stepOf(el) {
    return steps.findIndex(function (step) { return step.contains(el); });
  }

  // Changing an answer clears the note the browser's check left beside it.
  form.addEventListener("input", function (event) {
    if (event.target.checkValidity && event.target.checkValidity()) {
      clearClientError(event.target);
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.checkValidity && event.target.checkValidity()) {
      clearClientError(event.target);
      updateNav();
    }
  });

  // Enter in a text box of an earlier step moves on instead of sending half a form.
  form.addEventListener("submit", function (event) {
    if (current < steps.length - 1) {
      event.preventDefault();
      if (checkStep(current)) {
        show(current + 1, true);
      }
      return;
    }
    // Steps can be skipped through the step list: the first one left unfinished is where to go.
    const unfinished = steps.findIndex(function (step) {
      return fieldsOf(step).some(function (el) { return !el.checkValidity(); });
    });
    if (unfinished >= 0) {
      event.preventDefault();
      show(unfinished, false);
      checkStep(unfinished);
    }
  });

  // Links to a step or to a field (the error summary) open the step that holds it.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    const index = target.matches("fieldset[data-step]") ? steps.indexOf(target) : stepOf(target);
    if (index < 0) {
      return;
    }
    event.preventDefault();
    show(index, target.matches("fieldset[data-step]"));
    if (!target.matches("fieldset[data-step]")) {
      // A group of radio buttons is named by its wrapper: focus its first button.
      const control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      (control || target).focus();
    }
  });

  // After the server refused the form: open the first step with an error, and say so at the top.
  const firstError = steps.findIndex(function (step) {
    return step.querySelector(".has-errors") !== null;
  });
  furthest = firstError >= 0 ? steps.length - 1 : 0;
  show(firstError >= 0 ? firstError : 0, false);
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
})();
