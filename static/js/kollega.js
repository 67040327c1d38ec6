// Error summaries (templates/includes/form_errors.html): the summary takes the focus when
// the page opens, so that a screen reader reads it first, and each of its links moves the
// focus into the field it names (a group's link names its first button, id_action_0).
const fieldFor = (id) => {
  const target = document.getElementById(id);
  if (!target || target.matches("input, select, textarea")) {
    return target;
  }
  return target.querySelector("input:not([type=hidden]), select, textarea") || target;
};

document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  for (const link of document.querySelectorAll(".error-summary a[href^='#']")) {
    link.addEventListener("click", (event) => {
      const field = fieldFor(decodeURIComponent(link.hash.slice(1)));
      if (!field) {
        return;
      }
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }
});

// File fields (templates/bootstrap5/layout/field_file.html): the input itself is transparent
// over a button in the page's language, so the chosen files' names are written beside it.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches(".file-choice input[type=file]")) {
    return;
  }
  const names = document.getElementById(`${input.id}_chosen`);
  if (names) {
    names.textContent = Array.from(input.files, (file) => file.name).join(", ");
  }
});

// The request form's car kilometres follow the chosen host library (exchange/forms.py gives
// each host's estimate there and back), until the visitor types a figure of their own.
document.addEventListener("DOMContentLoaded", () => {
  const host = document.getElementById("id_host_library");
  const km = document.getElementById("id_travel_car_km");
  if (!host || !km || !km.dataset.carEstimates) {
    return;
  }
  const estimates = JSON.parse(km.dataset.carEstimates);
  let filled = km.value;
  host.addEventListener("change", () => {
    if (km.value !== filled) {
      return;
    }
    const estimate = estimates[host.value];
    km.value = estimate === undefined ? "" : String(estimate);
    filled = km.value;
  });
});
