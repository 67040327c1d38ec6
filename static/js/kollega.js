// Error summaries (templates/includes/form_errors.html): the summary takes the focus when
// the page opens, so that a screen reader reads it first, and each of its links moves the
// focus into the field it names.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  for (const link of summary.querySelectorAll("a[href^='#']")) {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.hash.slice(1));
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
